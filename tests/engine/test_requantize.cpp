// requantize() is shared by every kernel variant, so the equivalence tests cannot catch a bug in
// it. These values are worked out by hand from docs/quantization.md:
//   r = (acc * M + 2^(n-1)) >> n   (acc * M / 2^n, nearest, ties toward +infinity)
//   y = clamp(r + z_out, act_min, act_max)
#include <doctest/doctest.h>

#include <cstdint>

#include "tinydigit/engine/requantize.hpp"

using tinydigit::engine::requantize;
using tinydigit::engine::wrapping_add;

namespace {

constexpr std::int32_t kHalf = std::int32_t{1} << 30;  // M = 2^30
constexpr std::int32_t kMaxM = 2147483647;             // M = 2^31 - 1
constexpr std::int32_t kAccMin = -2147483647 - 1;
constexpr std::int32_t kAccMax = 2147483647;

// No zero point, full int8 range.
int plain(std::int32_t acc, std::int32_t multiplier, std::int32_t shift) {
    return requantize(acc, multiplier, shift, 0, -128, 127);
}

}  // namespace

TEST_CASE("requantize: ties round toward +infinity, for positive and negative values") {
    // M = 2^30, n = 31: acc / 2.
    CHECK(plain(1, kHalf, 31) == 1);    //  0.5 -> 1
    CHECK(plain(-1, kHalf, 31) == 0);   // -0.5 -> 0
    CHECK(plain(3, kHalf, 31) == 2);    //  1.5 -> 2
    CHECK(plain(-3, kHalf, 31) == -1);  // -1.5 -> -1
    CHECK(plain(5, kHalf, 31) == 3);    //  2.5 -> 3
    CHECK(plain(-5, kHalf, 31) == -2);  // -2.5 -> -2
    CHECK(plain(4, kHalf, 31) == 2);
    CHECK(plain(-4, kHalf, 31) == -2);
    // M = 2^30, n = 32: acc / 4.
    CHECK(plain(1, kHalf, 32) == 0);    //  0.25 -> 0
    CHECK(plain(-1, kHalf, 32) == 0);   // -0.25 -> 0
    CHECK(plain(2, kHalf, 32) == 1);    //  0.5  -> 1
    CHECK(plain(-2, kHalf, 32) == 0);   // -0.5  -> 0
    CHECK(plain(3, kHalf, 32) == 1);    //  0.75 -> 1
    CHECK(plain(-3, kHalf, 32) == -1);  // -0.75 -> -1
    CHECK(plain(-6, kHalf, 32) == -1);  // -1.5  -> -1
    CHECK(plain(10, kHalf, 32) == 3);   //  2.5  -> 3
}

TEST_CASE("requantize: M = 2^31 - 1 is just below one half at n = 32 and just below one at n = 31") {
    // 100 * (2^31 - 1) / 2^31 = 100 - 100 / 2^31 = 99.99999995 -> 100.
    CHECK(plain(100, kMaxM, 31) == 100);
    CHECK(plain(-100, kMaxM, 31) == -100);
    // 1 * (2^31 - 1) / 2^32 = 0.5 - 2^-32: below the tie -> 0; -1 gives -0.49999999977 -> 0.
    CHECK(plain(1, kMaxM, 32) == 0);
    CHECK(plain(-1, kMaxM, 32) == 0);
    // 3 * (2^31 - 1) / 2^32 = 1.5 - 3 * 2^-32 -> 1; -3 gives -1.49999999930 -> -1.
    CHECK(plain(3, kMaxM, 32) == 1);
    CHECK(plain(-3, kMaxM, 32) == -1);
}

TEST_CASE("requantize: shift 1 and shift 62") {
    // n = 1, M = 2^30: acc * 2^29. Only acc = 0 stays inside int8; the rest clamp.
    CHECK(requantize(0, kHalf, 1, 7, -128, 127) == 7);
    CHECK(plain(1, kHalf, 1) == 127);    // 2^29
    CHECK(plain(-1, kHalf, 1) == -128);  // -2^29
    // n = 62, M = 2^31 - 1: (2^31 - 1)^2 / 2^62 = 1 - 2^-30 + 2^-62 -> 1.
    CHECK(plain(kAccMax, kMaxM, 62) == 1);
    // -2^31 * (2^31 - 1) / 2^62 = -1 + 2^-31 -> -1.
    CHECK(plain(kAccMin, kMaxM, 62) == -1);
    // n = 62, M = 2^30: -2^31 * 2^30 / 2^62 = -0.5 exactly -> 0 (tie toward +infinity).
    CHECK(plain(kAccMin, kHalf, 62) == 0);
    // (2^31 - 1) * 2^30 / 2^62 = 0.5 - 2^-32 -> 0.
    CHECK(plain(kAccMax, kHalf, 62) == 0);
}

TEST_CASE("requantize: int32 extreme accumulators do not overflow and land where the algebra says") {
    // M = 2^30, n = 54: acc / 2^24. -2^31 / 2^24 = -128 exactly.
    CHECK(requantize(kAccMin, kHalf, 54, 0, -128, 127) == -128);
    CHECK(requantize(kAccMin, kHalf, 54, 3, -128, 127) == -125);
    // (2^31 - 1) / 2^24 = 128 - 2^-24 -> 128: visible once the zero point pulls it into int8.
    CHECK(requantize(kAccMax, kHalf, 54, -1, -128, 127) == 127);
    CHECK(requantize(kAccMax, kHalf, 54, -3, -128, 127) == 125);
    CHECK(requantize(kAccMax, kHalf, 54, 0, -128, 127) == 127);  // 128 clamps
    // M = 2^31 - 1, n = 55: (2^62 - 2^32 + 1) / 2^55 = 128 - 2^-23 + 2^-55 -> 128;
    // -2^31 (2^31 - 1) / 2^55 = -128 + 2^-24 -> -128.
    CHECK(requantize(kAccMax, kMaxM, 55, -2, -128, 127) == 126);
    CHECK(requantize(kAccMin, kMaxM, 55, 2, -128, 127) == -126);
    // n = 1 with the largest product: |acc * M| < 2^62, the result clamps without overflow.
    CHECK(plain(kAccMax, kMaxM, 1) == 127);
    CHECK(plain(kAccMin, kMaxM, 1) == -128);
}

TEST_CASE("requantize: the zero point is added before the clamp, and both clamp ends hold") {
    // M = 2^30, n = 31: acc / 2.
    CHECK(plain(300, kHalf, 31) == 127);                          //  150 -> 127
    CHECK(plain(-300, kHalf, 31) == -128);                        // -150 -> -128
    CHECK(requantize(300, kHalf, 31, 0, -128, 100) == 100);       //  150 -> act_max 100
    CHECK(requantize(-300, kHalf, 31, 0, -20, 127) == -20);       // -150 -> act_min -20
    CHECK(requantize(200, kHalf, 31, 50, -128, 127) == 127);      //  100 + 50 = 150 -> 127
    CHECK(requantize(200, kHalf, 31, -50, -128, 127) == 50);      //  100 - 50
    CHECK(requantize(-200, kHalf, 31, -50, -128, 127) == -128);   // -100 - 50 = -150 -> -128
    CHECK(requantize(-200, kHalf, 31, 50, -128, 127) == -50);     // -100 + 50
    CHECK(requantize(-20, kHalf, 31, -10, -10, 127) == -10);      // ReLU at the zero point: -20 -> -10
    CHECK(requantize(20, kHalf, 31, -10, -10, 127) == 0);         //  10 - 10
    CHECK(requantize(0, kHalf, 31, 0, 5, 5) == 5);                // act_min = act_max
    CHECK(requantize(1, kHalf, 31, -128, -128, 127) == -127);     //  1 - 128
}

TEST_CASE("wrapping_add wraps like two's complement int32") {
    CHECK(wrapping_add(kAccMax, 1) == kAccMin);
    CHECK(wrapping_add(kAccMin, -1) == kAccMax);
    CHECK(wrapping_add(kAccMax, kAccMax) == -2);
    CHECK(wrapping_add(-5, 7) == 2);
}
