// The one requantization rule (docs/quantization.md), shared by every kernel variant.
#pragma once

#include <cstdint>

#include "tinydigit/engine/kernel_params.hpp"

namespace tinydigit::engine {

// acc is the exact int32 accumulator; multiplier in [2^30, 2^31-1], shift in [1, 62], so
// acc * M + 2^(n-1) < 2^62 + 2^61 never overflows int64.
inline std::int8_t requantize(std::int32_t acc, std::int32_t multiplier, std::int32_t shift,
                              std::int32_t out_zero_point, std::int32_t act_min, std::int32_t act_max) {
    const std::int64_t rounding = std::int64_t{1} << (shift - 1);
    const std::int64_t r = (std::int64_t{acc} * multiplier + rounding) >> shift;
    std::int64_t y = r + out_zero_point;
    if (y < act_min) y = act_min;
    if (y > act_max) y = act_max;
    return static_cast<std::int8_t>(y);
}

// Two's-complement wrapping add: the bias may be any int32 (see kMaxReductionLength).
inline std::int32_t wrapping_add(std::int32_t a, std::int32_t b) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}

}  // namespace tinydigit::engine
