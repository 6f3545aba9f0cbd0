// The offline half of docs/quantization.md: turning a real multiplier s_in * s_w / s_out into
// the int32 multiplier M and shift n the engine uses (r = (acc * M + 2^(n-1)) >> n).
#pragma once

#include <cstdint>

namespace tinydigit::tools {

struct FixedPointMultiplier {
    std::int32_t multiplier;  // 2^30 <= M <= 2^31 - 1
    std::int8_t shift;        // 1 <= n <= 62
};

inline constexpr int kMinShift = 1;
inline constexpr int kMaxShift = 62;

// M * 2^-n is the exact rational s_in * s_w / s_out (of the three float values as stored in
// the model) rounded once, to nearest, in M's last place. Throws std::invalid_argument for
// non-positive or non-finite scales and for multipliers >= 2^30 (no n >= 1 can hold them).
// Multipliers below 2^-32 take n = 62 and the M nearest to m * 2^62, floored at 2^30: every
// int32 accumulator then requantizes to 0, exactly as it would with the true multiplier.
FixedPointMultiplier quantize_multiplier(float s_in, float s_w, float s_out);

}  // namespace tinydigit::tools
