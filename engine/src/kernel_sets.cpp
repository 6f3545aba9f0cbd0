// Which kernels a build runs. Variants are compiled per target (CMake decides which files
// exist for it); the default is the fastest one the target, or on x86 the running CPU, has.
#include "tinydigit/engine/kernels.hpp"

namespace tinydigit::engine {
namespace {

constexpr KernelSet kReference{"reference", conv2d_reference_s8, fully_connected_reference_s8,
                               max_pool2d_reference_s8, pad_reference_s8};
constexpr KernelSet kPortable{"portable", conv2d_portable_s8, fully_connected_portable_s8, max_pool2d_portable_s8,
                              pad_portable_s8};
#if defined(__ARM_FEATURE_DSP)
constexpr KernelSet kDsp{"dsp", conv2d_dsp_s8, fully_connected_dsp_s8, max_pool2d_portable_s8, pad_portable_s8};
#endif
#if defined(__ARM_FEATURE_MVE)
constexpr KernelSet kMve{"mve", conv2d_mve_s8, fully_connected_mve_s8, max_pool2d_portable_s8, pad_portable_s8};
#endif
#if defined(__wasm_simd128__)
// A WebAssembly module either has SIMD128 everywhere or nowhere (an engine without it rejects
// the whole module), so the build, not the running CPU, decides: tinydigit_engine_simd128.
constexpr KernelSet kSimd128{"simd128", conv2d_simd128_s8, fully_connected_simd128_s8, max_pool2d_portable_s8,
                             pad_portable_s8};
#endif
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
constexpr KernelSet kAvx2{"avx2", conv2d_avx2_s8, fully_connected_avx2_s8, max_pool2d_portable_s8,
                          pad_portable_s8};
constexpr KernelSet kAvx512Vnni{"avx512vnni", conv2d_avx512vnni_s8, fully_connected_avx512vnni_s8,
                                max_pool2d_portable_s8, pad_portable_s8};
bool cpu_has_avx2() { return __builtin_cpu_supports("avx2"); }
bool cpu_has_avx512vnni() {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
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
    if (cpu_has_avx512vnni()) return kAvx512Vnni;
    if (cpu_has_avx2()) return kAvx2;
    return kPortable;
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
    if (cpu_has_avx2()) sets[n++] = &kAvx2;
    if (cpu_has_avx512vnni()) sets[n++] = &kAvx512Vnni;
#endif
    int written = 0;
    for (int i = 0; i < n && written < capacity; ++i) out[written++] = sets[i];
    return written;
}

}  // namespace tinydigit::engine
