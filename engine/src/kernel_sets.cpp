// Which kernels a build runs. Variants are compiled per target (CMake decides which files
// exist for it); the default is the fastest one the target, or on x86 the running CPU, has.
#include "tinydigit/engine/kernels.hpp"

#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
#include <atomic>
#include <cstdio>
#include <cstdlib>
#endif

namespace tinydigit::engine {
namespace {

constexpr KernelSet kReference{"reference", conv2d_reference_s8, conv2d_reference_s8_scratch_bytes, fully_connected_reference_s8,
    fully_connected_reference_s8_scratch_bytes, max_pool2d_reference_s8, pad_reference_s8, true};
constexpr KernelSet kPortable{"portable", conv2d_portable_s8, conv2d_portable_s8_scratch_bytes, fully_connected_portable_s8,
    fully_connected_portable_s8_scratch_bytes, max_pool2d_portable_s8, pad_portable_s8, true};
#if defined(__ARM_FEATURE_DSP)
constexpr KernelSet kDsp{"dsp", conv2d_dsp_s8, conv2d_dsp_s8_scratch_bytes, fully_connected_dsp_s8,
    fully_connected_dsp_s8_scratch_bytes, max_pool2d_portable_s8, pad_portable_s8, true};
#endif
#if defined(__ARM_FEATURE_MVE)
constexpr KernelSet kMve{"mve", conv2d_mve_s8, conv2d_mve_s8_scratch_bytes, fully_connected_mve_s8,
    fully_connected_mve_s8_scratch_bytes, max_pool2d_portable_s8, pad_portable_s8, true};
#endif
#if defined(__wasm_simd128__)
// A WebAssembly module either has SIMD128 everywhere or nowhere (an engine without it rejects
// the whole module), so the build, not the running CPU, decides: tinydigit_engine_simd128.
constexpr KernelSet kSimd128{"simd128", conv2d_simd128_s8, conv2d_simd128_s8_scratch_bytes, fully_connected_simd128_s8,
    fully_connected_simd128_s8_scratch_bytes, max_pool2d_portable_s8, pad_portable_s8, true};
#endif
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
constexpr KernelSet kAvx2{"avx2", conv2d_avx2_s8, conv2d_avx2_s8_scratch_bytes, fully_connected_avx2_s8,
    fully_connected_avx2_s8_scratch_bytes, max_pool2d_portable_s8, pad_portable_s8, false};
constexpr KernelSet kAvx512Vnni{"avx512vnni", conv2d_avx512vnni_s8, conv2d_avx512vnni_s8_scratch_bytes, fully_connected_avx512vnni_s8,
    fully_connected_avx512vnni_s8_scratch_bytes, max_pool2d_portable_s8, pad_portable_s8, false,
    conv2d_avx512vnni_s8_packed_bytes, conv2d_avx512vnni_s8_pack};

// x86 kernel levels, lowest first.
enum Level { kLevelPortable, kLevelAvx2, kLevelAvx512Vnni };

bool equals_ignoring_case(const char* a, const char* lower) {
    for (; *a && *lower; ++a, ++lower) {
        const char c = *a >= 'A' && *a <= 'Z' ? static_cast<char>(*a - 'A' + 'a') : *a;
        if (c != *lower) return false;
    }
    return *a == *lower;
}

std::atomic<bool> g_cap_notice_printed{false};

// TINYDIGIT_MAX_ISA caps the level like oneDNN's ONEDNN_MAX_CPU_ISA, so an AVX-512 machine
// can run (and test) what an AVX2-only CPU runs. An unknown value is ignored with a one-line
// notice on stderr (once per process): the engine has no way to fail here, and running the
// CPU's best set is what the unset variable means.
Level level_cap() {
    const char* cap = std::getenv("TINYDIGIT_MAX_ISA");
    if (cap == nullptr || *cap == '\0') return kLevelAvx512Vnni;
    if (equals_ignoring_case(cap, "avx512vnni")) return kLevelAvx512Vnni;
    if (equals_ignoring_case(cap, "avx2")) return kLevelAvx2;
    if (equals_ignoring_case(cap, "portable")) return kLevelPortable;
    if (!g_cap_notice_printed.exchange(true))
        std::fprintf(stderr,
                     "tinydigit engine: ignoring TINYDIGIT_MAX_ISA='%s' (expected avx512vnni, avx2 or portable)\n",
                     cap);
    return kLevelAvx512Vnni;
}

// The highest level both the running CPU (CPUID) and the cap allow.
Level usable_level() {
    const Level cap = level_cap();
    const bool vnni = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
    if (vnni && cap >= kLevelAvx512Vnni) return kLevelAvx512Vnni;
    if (__builtin_cpu_supports("avx2") && cap >= kLevelAvx2) return kLevelAvx2;
    return kLevelPortable;
}
#endif
}  // namespace

const KernelSet& reference_kernels() { return kReference; }
const KernelSet& portable_kernels() { return kPortable; }

const KernelSet& default_kernels() {
#if defined(__ARM_FEATURE_MVE)
    return kMve;
#elif defined(__ARM_FEATURE_DSP)
    return kDsp;
#elif defined(__wasm_simd128__)
    return kSimd128;
#elif defined(TINYDIGIT_ENGINE_X86_KERNELS)
    switch (usable_level()) {
        case kLevelAvx512Vnni: return kAvx512Vnni;
        case kLevelAvx2: return kAvx2;
        default: return kPortable;
    }
#else
    return kPortable;
#endif
}

int available_kernel_sets(const KernelSet** out, int capacity) {
    const KernelSet* sets[4] = {&kReference, &kPortable, nullptr, nullptr};
    int n = 2;
#if defined(__ARM_FEATURE_DSP)
    sets[n++] = &kDsp;
#endif
#if defined(__ARM_FEATURE_MVE)
    sets[n++] = &kMve;
#endif
#if defined(__wasm_simd128__)
    sets[n++] = &kSimd128;
#endif
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
    const Level level = usable_level();
    if (level >= kLevelAvx2) sets[n++] = &kAvx2;
    if (level >= kLevelAvx512Vnni) sets[n++] = &kAvx512Vnni;
#endif
    int written = 0;
    for (int i = 0; i < n && written < capacity; ++i) out[written++] = sets[i];
    return written;
}

}  // namespace tinydigit::engine
