// What oneDNN can run on this CPU (after any ONEDNN_MAX_CPU_ISA cap), for the decisions and
// reports that depend on it: AVX2-only CPUs and AVX-512 ones train at very different speeds.
#pragma once

#include <string_view>

namespace tinydigit::trainer {

// oneDNN's name of the instruction set it dispatches to, e.g. "avx2" or "avx512_core_bf16".
std::string_view onednn_isa_name();

// Whether oneDNN runs AVX-512 (avx512_core) or AVX2 kernels here.
bool avx512_supported();
bool avx2_supported();

// Whether oneDNN has bf16 training kernels on this CPU (AVX-512 and up).
bool bf16_supported();

// Whether the CPU computes bf16 natively (AVX-512 BF16): only then is bf16 training faster
// than f32 (elsewhere oneDNN emulates it).
bool bf16_native();

}  // namespace tinydigit::trainer
