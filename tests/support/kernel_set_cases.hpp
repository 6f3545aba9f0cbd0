// One test case per kernel set this build compiles, so that a set the CPU cannot run (no
// AVX-512 VNNI, no AVX2) shows up as a skipped case instead of silently dropping out of a loop.
#pragma once

#include <string>
#include <vector>

#include "support/skip.hpp"
#include "tinydigit/engine/kernels.hpp"

namespace tinydigit::test {

// The sets engine/src/kernel_sets.cpp compiles for this target, whatever the CPU.
inline std::vector<std::string> compiled_kernel_set_names() {
    return {"reference", "portable",
#if defined(__ARM_FEATURE_DSP)
            "dsp",
#endif
#if defined(__ARM_FEATURE_MVE)
            "mve",
#endif
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
            "avx2", "avx512vnni",
#endif
#if defined(__wasm_simd128__)
            "simd128",
#endif
    };
}

// The set named `name` if this CPU runs it; otherwise marks the case as skipped and returns
// nullptr (the caller returns at once).
inline const engine::KernelSet* kernel_set_or_skip(const std::string& name) {
    const engine::KernelSet* sets[8];
    const int count = engine::available_kernel_sets(sets, 8);
    for (int i = 0; i < count; ++i)
        if (name == sets[i]->name) return sets[i];
    skip_case("the " + name + " kernel set is compiled in but this CPU cannot run it");
    return nullptr;
}

}  // namespace tinydigit::test
