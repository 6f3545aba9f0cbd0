// Every kernel variant, named op_variant_type. The reference variants define the arithmetic;
// the others must equal them bit for bit (tests/engine/equivalence_core.hpp checks that).
// A KernelSet is what the engine calls; which set a build uses is chosen in kernel_sets.cpp.
#pragma once

#include <cstdint>

#include "tinydigit/engine/kernel_params.hpp"

namespace tinydigit::engine {

// scratch: at least the variant's own *_scratch_bytes(params) bytes (stated beside each
// kernel, as CMSIS-NN's _get_buffer_size), 16-byte aligned, not overlapping in/out. in and out
// never overlap. Microcontroller variants (reference, portable, dsp, mve) need at most the planned
// Operator.scratch_bytes (scratch.hpp); host variants may need more, which the engine places
// after the planned arena (Engine::arena_bytes() includes it).
using Conv2DKernel = void (*)(const Conv2DParams&, const std::int8_t* in, std::int8_t* out, void* scratch);
using FullyConnectedKernel = void (*)(const FullyConnectedParams&, const std::int8_t* in, std::int8_t* out,
                                      void* scratch);
using Conv2DScratchBytes = std::uint64_t (*)(const Conv2DParams&);
// A host set may keep a conv's weights repacked for its inner loop (and sums it derives from
// them) across calls: the engine asks for conv2d_packed_bytes(params) bytes at load, places them
// after the scratch extension, fills them with conv2d_pack(params, packed) when the arena is
// bound and passes them as Conv2DParams::packed; such a kernel reads no weights in place.
using Conv2DPackedBytes = std::uint64_t (*)(const Conv2DParams&);
using Conv2DPack = void (*)(const Conv2DParams&, void* packed);
using FullyConnectedScratchBytes = std::uint64_t (*)(const FullyConnectedParams&);
using MaxPool2DKernel = void (*)(const MaxPool2DParams&, const std::int8_t* in, std::int8_t* out);
using PadKernel = void (*)(const PadParams&, const std::int8_t* in, std::int8_t* out);

struct KernelSet {
    const char* name;
    Conv2DKernel conv2d;
    Conv2DScratchBytes conv2d_scratch_bytes;
    FullyConnectedKernel fully_connected;
    FullyConnectedScratchBytes fully_connected_scratch_bytes;
    MaxPool2DKernel max_pool2d;
    PadKernel pad;
    // true: every op's scratch fits the planned Operator.scratch_bytes (what a model file
    // promises a microcontroller); false: a host set that may need the engine's extension.
    bool fits_planned_scratch;
    // Both null, or both set (a host set only: see Conv2DPack).
    Conv2DPackedBytes conv2d_packed_bytes = nullptr;
    Conv2DPack conv2d_pack = nullptr;
};

void conv2d_reference_s8(const Conv2DParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t conv2d_reference_s8_scratch_bytes(const Conv2DParams&);
void fully_connected_reference_s8(const FullyConnectedParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t fully_connected_reference_s8_scratch_bytes(const FullyConnectedParams&);
void max_pool2d_reference_s8(const MaxPool2DParams&, const std::int8_t*, std::int8_t*);
void pad_reference_s8(const PadParams&, const std::int8_t*, std::int8_t*);

void conv2d_portable_s8(const Conv2DParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t conv2d_portable_s8_scratch_bytes(const Conv2DParams&);
void fully_connected_portable_s8(const FullyConnectedParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t fully_connected_portable_s8_scratch_bytes(const FullyConnectedParams&);
void max_pool2d_portable_s8(const MaxPool2DParams&, const std::int8_t*, std::int8_t*);
void pad_portable_s8(const PadParams&, const std::int8_t*, std::int8_t*);

#if defined(__ARM_FEATURE_DSP)
void conv2d_dsp_s8(const Conv2DParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t conv2d_dsp_s8_scratch_bytes(const Conv2DParams&);
void fully_connected_dsp_s8(const FullyConnectedParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t fully_connected_dsp_s8_scratch_bytes(const FullyConnectedParams&);
#endif

#if defined(__ARM_FEATURE_MVE)
void conv2d_mve_s8(const Conv2DParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t conv2d_mve_s8_scratch_bytes(const Conv2DParams&);
void fully_connected_mve_s8(const FullyConnectedParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t fully_connected_mve_s8_scratch_bytes(const FullyConnectedParams&);
#endif

#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
void conv2d_avx2_s8(const Conv2DParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t conv2d_avx2_s8_scratch_bytes(const Conv2DParams&);
void fully_connected_avx2_s8(const FullyConnectedParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t fully_connected_avx2_s8_scratch_bytes(const FullyConnectedParams&);
void conv2d_avx512vnni_s8(const Conv2DParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t conv2d_avx512vnni_s8_scratch_bytes(const Conv2DParams&);
std::uint64_t conv2d_avx512vnni_s8_packed_bytes(const Conv2DParams&);
void conv2d_avx512vnni_s8_pack(const Conv2DParams&, void*);
void fully_connected_avx512vnni_s8(const FullyConnectedParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t fully_connected_avx512vnni_s8_scratch_bytes(const FullyConnectedParams&);
#endif

#if defined(__wasm_simd128__)
void conv2d_simd128_s8(const Conv2DParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t conv2d_simd128_s8_scratch_bytes(const Conv2DParams&);
void fully_connected_simd128_s8(const FullyConnectedParams&, const std::int8_t*, std::int8_t*, void*);
std::uint64_t fully_connected_simd128_s8_scratch_bytes(const FullyConnectedParams&);
#endif

// The sets this build contains. default_kernels() is the best one for the build target (on
// x86 hosts: the best compiled set the running CPU supports, capped by the environment
// variable TINYDIGIT_MAX_ISA = avx512vnni | avx2 | portable, case-insensitive; an unknown
// value is ignored with a one-line notice on stderr).
const KernelSet& reference_kernels();
const KernelSet& portable_kernels();
const KernelSet& default_kernels();
// All compiled sets the running CPU can execute under that cap (reference first); count via
// the return.
int available_kernel_sets(const KernelSet** out, int capacity);

}  // namespace tinydigit::engine
