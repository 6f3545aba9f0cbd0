#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <stdexcept>

#include "tinydigit/engine/requantize.hpp"
#include "tinydigit/tools/requantization.hpp"

using tinydigit::tools::quantize_multiplier;

namespace {

__extension__ typedef __int128 i128;

// Independent check of the defining property, in exact integers: M is right when
// -1/2 <= m * 2^n - M < 1/2 (nearest, ties toward +infinity), m = s_in * s_w / s_out.
bool is_nearest(float s_in, float s_w, float s_out, std::int32_t M, int n) {
    int ea = 0, eb = 0, ec = 0;
    const auto ma = static_cast<i128>(std::ldexp(std::frexp(s_in, &ea), 24));
    const auto mb = static_cast<i128>(std::ldexp(std::frexp(s_w, &eb), 24));
    const auto mc = static_cast<i128>(std::ldexp(std::frexp(s_out, &ec), 24));
    // m * 2^n = ma * mb / mc * 2^p
    const int p = ea + eb - ec - 24 + n;
    i128 diff = 0, denominator = 0;  // m * 2^n - M = diff / denominator
    if (p >= 0) {
        diff = ((ma * mb) << p) - static_cast<i128>(M) * mc;
        denominator = mc;
    } else {
        denominator = mc << -p;
        diff = ma * mb - static_cast<i128>(M) * denominator;
    }
    return -denominator <= 2 * diff && 2 * diff < denominator;
}

}  // namespace

TEST_CASE("requantization: hand-computed multipliers") {
    auto q = quantize_multiplier(1.0f, 1.0f, 4.0f);  // 0.25 = 2^30 * 2^-32
    CHECK(q.multiplier == (1 << 30));
    CHECK(q.shift == 32);
    q = quantize_multiplier(0.75f, 1.0f, 1.0f);  // 0.75 * 2^31
    CHECK(q.multiplier == 1610612736);
    CHECK(q.shift == 31);
    q = quantize_multiplier(1.0f, 1.0f, 3.0f);  // 1/3 * 2^32 = 1431655765.33
    CHECK(q.shift == 32);
    CHECK(q.multiplier == 1431655765);
}

TEST_CASE("requantization: a value that rounds up to 2^31 takes one shift less") {
    // (1 - 2^-23)(1 + 2^-23) = 1 - 2^-46: times 2^31 it rounds to 2^31, which must become 2^30, n = 30.
    const auto q = quantize_multiplier(1.0f - std::ldexp(1.0f, -23), 1.0f + std::ldexp(1.0f, -23), 1.0f);
    CHECK(q.multiplier == (1 << 30));
    CHECK(q.shift == 30);
}

TEST_CASE("requantization: M is the nearest integer to the exact rational over many scales") {
    std::mt19937 rng(12345);
    std::uniform_real_distribution<float> exponent(-24.0f, 24.0f);
    int checked = 0;
    for (int i = 0; i < 200000; ++i) {
        const float s_in = std::exp2(exponent(rng));
        const float s_w = std::exp2(exponent(rng) - 6.0f);
        const float s_out = std::exp2(exponent(rng));
        const double m = double(s_in) * s_w / s_out;
        if (m >= std::ldexp(1.0, 29) || m < std::ldexp(1.0, -32)) continue;  // n outside 1..62
        const auto q = quantize_multiplier(s_in, s_w, s_out);
        REQUIRE(q.multiplier >= (1 << 30));
        REQUIRE(q.shift >= 1);
        REQUIRE(q.shift <= 62);
        REQUIRE(is_nearest(s_in, s_w, s_out, q.multiplier, q.shift));
        ++checked;
    }
    CHECK(checked > 100000);
}

TEST_CASE("requantization: an exact tie rounds toward +infinity") {
    // (1 + 2^-23)(1 + 2^-8) / 2 * 2^31 = 2^30 + 2^22 + 2^7 + 1/2 exactly.
    const auto q = quantize_multiplier(1.0f + std::ldexp(1.0f, -23), 1.0f + std::ldexp(1.0f, -8), 2.0f);
    CHECK(q.multiplier == (1 << 30) + (1 << 22) + (1 << 7) + 1);
    CHECK(q.shift == 31);
}

TEST_CASE("requantization: impossible scales are rejected") {
    CHECK_THROWS_AS(quantize_multiplier(0.0f, 1.0f, 1.0f), std::invalid_argument);
    CHECK_THROWS_AS(quantize_multiplier(1.0f, -1.0f, 1.0f), std::invalid_argument);
    CHECK_THROWS_AS(quantize_multiplier(1.0f, 1.0f, NAN), std::invalid_argument);
    CHECK_THROWS_AS(quantize_multiplier(1.0f, 1.0f, INFINITY), std::invalid_argument);
    CHECK_THROWS_AS(quantize_multiplier(1.0e10f, 1.0f, 1.0f), std::invalid_argument);  // >= 2^30
}

TEST_CASE("requantization: tiny multipliers clamp at shift 62 and still requantize every int32 to 0") {
    const auto q = quantize_multiplier(1e-20f, 1e-20f, 1.0f);
    CHECK(q.shift == 62);
    // The engine's requantize() (pinned by hand-derived values in tests/engine/test_requantize.cpp).
    for (const std::int32_t acc : {-2147483647 - 1, -1, 0, 2147483647}) {
        CAPTURE(acc);
        CHECK(tinydigit::engine::requantize(acc, q.multiplier, q.shift, 0, -128, 127) == 0);
    }
}
