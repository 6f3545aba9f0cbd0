// Armv7E-M DSP helpers (Cortex-M4/M7/M33) shared by the DSP kernels.
// Pair convention: a word of 4 int8 weights w0..w3 unpacks with SXTB16 into (w0, w2) and,
// rotated by 8, (w1, w3). Columns therefore store int16 activations in the order
// x0, x2, x1, x3 within every group of 4, so one SMLAD multiplies matching pairs.
#pragma once

#if defined(__ARM_FEATURE_DSP)

#include <cstdint>

#include "tinydigit/engine/kernel_params.hpp"
#include "tinydigit/engine/requantize.hpp"

namespace tinydigit::engine::detail {

// Where step j of a full group of 4 goes in pair order (x0, x2, x1, x3): steps 1 and 2 swap.
constexpr std::int32_t pair_slot(std::int32_t j) { return ((j ^ (j >> 1)) & 1) != 0 ? j ^ 3 : j; }

// requantize() of channel o's sum plus its bias, out of line: the fully connected kernel and
// the conv's general path share this one copy of the 64-bit arithmetic. Not for per-pixel hot
// paths (a call per value). (x + 2^(n-1)) >> n is computed as ((x >> (n-1)) + 1) >> 1 (the
// floor of a floor is the floor of the quotient), which needs no 64-bit rounding constant.
__attribute__((noinline)) inline std::int8_t requantize_channel(const Requant& rq, const std::int32_t* bias, std::int32_t o,
                                                                std::int32_t sum) {
    const std::int64_t product = std::int64_t{wrapping_add(bias[o], sum)} * rq.multiplier[o];
    std::int64_t y = (((product >> (rq.shift[o] - 1)) + 1) >> 1) + rq.out_zero_point;
    if (y < rq.act_min) y = rq.act_min;
    if (y > rq.act_max) y = rq.act_max;
    return static_cast<std::int8_t>(y);
}

}  // namespace tinydigit::engine::detail

#endif
