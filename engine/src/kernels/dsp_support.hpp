// Armv7E-M DSP helpers (Cortex-M4/M7) through ACLE intrinsics.
// Pair convention: a word of 4 int8 weights w0..w3 unpacks with SXTB16 into (w0, w2) and,
// rotated by 8, (w1, w3). Columns therefore store int16 activations in the order
// x0, x2, x1, x3 within every group of 4, so one SMLAD multiplies matching pairs.
#pragma once

#if defined(__ARM_FEATURE_DSP)

#include <arm_acle.h>

#include <cstdint>
#include <cstring>

namespace tinydigit::engine::detail {

inline std::uint32_t load_word(const void* p) {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);  // LDR (unaligned access is allowed on v7-M for LDR)
    return v;
}

inline std::uint32_t sxtb16_ror8(std::uint32_t v) {
    std::uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}

inline std::uint32_t sxtab16_ror8(std::uint32_t add, std::uint32_t v) {
    std::uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(add), "r"(v));
    return r;
}

// Swaps elements 1 and 2 of every full group of 4 (plain order -> SMLAD pair order).
inline void pair_order(std::int16_t* col, std::int32_t k) {
    for (std::int32_t g = 0; g + 4 <= k; g += 4) {
        const std::int16_t t = col[g + 1];
        col[g + 1] = col[g + 2];
        col[g + 2] = t;
    }
}

}  // namespace tinydigit::engine::detail

#endif
