#include "tinydigit/tools/requantization.hpp"

#include <cmath>
#include <stdexcept>

namespace tinydigit::tools {

namespace {

// GCC/Clang extension, marked so -Wpedantic accepts it: 48-bit x 2^k products need > 64 bits.
__extension__ typedef unsigned __int128 u128;

// A positive float as an exact integer mantissa times a power of two.
struct Dyadic {
    std::uint64_t mantissa;
    int exponent;
};

Dyadic exact(float value) {
    if (!std::isfinite(value) || value <= 0.0f)
        throw std::invalid_argument("quantization scales must be positive and finite");
    int e = 0;
    const float fraction = std::frexp(value, &e);  // value = fraction * 2^e, fraction in [0.5, 1)
    return {static_cast<std::uint64_t>(std::ldexp(fraction, 24)), e - 24};
}

// floor(log2(x)) for x > 0.
int log2_floor(u128 x) {
    int bits = -1;
    while (x != 0) {
        x >>= 1;
        ++bits;
    }
    return bits;
}

}  // namespace

FixedPointMultiplier quantize_multiplier(float s_in, float s_w, float s_out) {
    const Dyadic a = exact(s_in), b = exact(s_w), c = exact(s_out);
    // m = num / den * 2^e with num < 2^48, den < 2^24, all exact.
    const u128 num = static_cast<u128>(a.mantissa) * b.mantissa;
    const u128 den = c.mantissa;
    const int e = a.exponent + b.exponent - c.exponent;

    // Choose n so that 2^30 <= m * 2^n < 2^31: m * 2^n = num / den * 2^(e + n).
    // log2(num/den) lies in (log2_floor(num) - log2_floor(den) - 1, ... + 1).
    int n = 30 - (log2_floor(num) - log2_floor(den)) - e;
    // scaled(n) = num * 2^(e+n) / den; adjust n by one either way until it lands in range.
    auto in_range = [&](int shift, bool& too_small) {
        const int p = e + shift;
        // Compare num * 2^p with den * 2^30 and den * 2^31 without overflow: shift the smaller side.
        auto compare = [&](int k) {  // sign of num * 2^p - den * 2^k
            int left = p, right = k;
            const int common = left < right ? left : right;
            left -= common;
            right -= common;
            const u128 l = num << left, r = den << right;  // left, right < 90 bits here
            return l < r ? -1 : (l > r ? 1 : 0);
        };
        too_small = compare(30) < 0;
        return !too_small && compare(31) < 0;
    };
    bool too_small = false;
    for (int i = 0; i < 4 && !in_range(n, too_small); ++i) n += too_small ? 1 : -1;

    if (n < kMinShift) throw std::invalid_argument("requantization multiplier >= 2^30 cannot be represented");
    if (n > kMaxShift) n = kMaxShift;

    // M = round(num * 2^(e+n) / den), ties up (half-integers round toward +infinity).
    const int p = e + n;
    u128 q = 0;
    if (p >= 0) {
        const u128 scaled = num << p;
        q = (2 * scaled + den) / (2 * den);
    } else if (p > -64) {
        // Only reachable when n was clamped at kMaxShift (tiny multipliers).
        const u128 divisor = den << (-p);
        q = (2 * num + divisor) / (2 * divisor);
    }
    if (q == (u128{1} << 31)) {  // rounded up out of range: same value with one less shift
        q = u128{1} << 30;
        --n;
        if (n < kMinShift) throw std::invalid_argument("requantization multiplier >= 2^30 cannot be represented");
    }
    if (q < (u128{1} << 30)) q = u128{1} << 30;  // only when n was clamped at kMaxShift
    return {static_cast<std::int32_t>(q), static_cast<std::int8_t>(n)};
}

}  // namespace tinydigit::tools
