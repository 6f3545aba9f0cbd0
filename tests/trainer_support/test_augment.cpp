#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "tinydigit/host/training/augment.hpp"

using namespace tinydigit::trainer;

namespace {

constexpr int N = kAugmentSide;

// Distinct values everywhere, so any misplaced pixel shows.
std::vector<float> ramp_image() {
    std::vector<float> img(kAugmentPixels);
    for (int i = 0; i < kAugmentPixels; ++i) img[i] = static_cast<float>((i * 37) % 251) / 250.0f;
    return img;
}

float at(const std::vector<float>& img, int x, int y) {
    return img[static_cast<std::size_t>(std::clamp(y, 0, N - 1) * N + std::clamp(x, 0, N - 1))];
}

std::vector<float> warped(const std::vector<float>& in, const Affine& a) {
    std::vector<float> out(kAugmentPixels, -1.0f);
    warp(in.data(), out.data(), a);
    return out;
}

}  // namespace

TEST_CASE("the identity affine maps every pixel exactly") {
    const auto in = ramp_image();
    CHECK(warped(in, Affine{}) == in);
}

TEST_CASE("an integer shift moves pixels exactly and repeats the edge into the vacated border") {
    const auto in = ramp_image();
    Affine a;
    a.shift_x = 3.0f;   // content moves right by 3
    a.shift_y = -2.0f;  // and up by 2
    const auto out = warped(in, a);
    for (int y = 0; y < N; ++y)
        for (int x = 0; x < N; ++x) {
            INFO("x " << x << " y " << y);
            REQUIRE(out[y * N + x] == at(in, x - 3, y + 2));
        }
    // The three left columns repeat input column 0; the two bottom rows repeat input row 27.
    CHECK(out[10 * N + 0] == in[12 * N + 0]);
    CHECK(out[10 * N + 2] == in[12 * N + 0]);
    CHECK(out[27 * N + 20] == in[27 * N + 17]);
    CHECK(out[26 * N + 20] == in[27 * N + 17]);
}

TEST_CASE("a 90 degree rotation turns an asymmetric pattern counter-clockwise") {
    std::vector<float> in(kAugmentPixels, 0.0f);
    // An L: a vertical bar at column 20, rows 3..9, with a foot to the right on row 9.
    for (int y = 3; y <= 9; ++y) in[y * N + 20] = 1.0f;
    in[9 * N + 21] = 0.5f;
    in[9 * N + 22] = 0.25f;
    Affine a;
    a.rotation_degrees = 90.0f;
    const auto out = warped(in, a);
    // Counter-clockwise by 90 degrees about (13.5, 13.5): input (x, y) lands at (y, 27 - x).
    for (int y = 0; y < N; ++y)
        for (int x = 0; x < N; ++x) {
            INFO("x " << x << " y " << y);
            REQUIRE(out[y * N + x] == doctest::Approx(in[x * N + (N - 1 - y)]).epsilon(1e-5));
        }
    CHECK(out[(27 - 20) * N + 3] == doctest::Approx(1.0f));    // top of the bar is now at the left
    CHECK(out[(27 - 22) * N + 9] == doctest::Approx(0.25f));  // the foot now points up
}

TEST_CASE("zoom 2 samples every other input column, halfway between two pixels") {
    const auto in = ramp_image();
    Affine a;
    a.zoom_x = 2.0f;  // Keras semantics: two input pixels per output pixel, the digit shrinks
    const auto out = warped(in, a);
    // Output column x samples input column 13.5 + 2 (x - 13.5) = 2x - 13.5.
    for (int y = 0; y < N; ++y)
        for (int x = 7; x <= 20; ++x) {
            const float expected = 0.5f * (at(in, 2 * x - 14, y) + at(in, 2 * x - 13, y));
            REQUIRE(out[y * N + x] == doctest::Approx(expected).scale(1e-6));
        }
    CHECK(out[5 * N + 0] == in[5 * N + 0]);  // samples left of the image take the edge pixel
}

TEST_CASE("random draws stay within the Keras ranges and cover them") {
    float lo[5] = {1e9f, 1e9f, 1e9f, 1e9f, 1e9f}, hi[5] = {-1e9f, -1e9f, -1e9f, -1e9f, -1e9f};
    double angle_sum = 0.0;
    for (std::uint64_t seed = 0; seed < 10000; ++seed) {
        const Affine a = random_affine(seed * 0x1234567ull);
        const float v[5] = {a.rotation_degrees, a.zoom_x, a.zoom_y, a.shift_x, a.shift_y};
        for (int k = 0; k < 5; ++k) lo[k] = std::min(lo[k], v[k]), hi[k] = std::max(hi[k], v[k]);
        angle_sum += a.rotation_degrees;
    }
    CHECK(lo[0] >= -10.0f);
    CHECK(hi[0] <= 10.0f);
    CHECK(lo[0] < -9.9f);
    CHECK(hi[0] > 9.9f);
    for (int k : {1, 2}) {
        CHECK(lo[k] >= 0.9f);
        CHECK(hi[k] <= 1.1f);
        CHECK(lo[k] < 0.902f);
        CHECK(hi[k] > 1.098f);
    }
    for (int k : {3, 4}) {
        CHECK(lo[k] >= -2.8f);
        CHECK(hi[k] <= 2.8f);
        CHECK(lo[k] < -2.77f);
        CHECK(hi[k] > 2.77f);
    }
    CHECK(std::abs(angle_sum / 10000) < 0.3);  // centred: the sd of the mean is about 0.06
}

TEST_CASE("the same seed gives the same image, another seed a different one") {
    const auto in = ramp_image();
    CHECK(warped(in, random_affine(99)) == warped(in, random_affine(99)));
    CHECK(warped(in, random_affine(99)) != warped(in, random_affine(100)));
}

TEST_CASE("a batch result depends only on the batch seed and the image index") {
    const auto one = ramp_image();
    std::vector<float> five(5 * kAugmentPixels), three(3 * kAugmentPixels);
    for (int i = 0; i < 5; ++i)
        for (int p = 0; p < kAugmentPixels; ++p) five[i * kAugmentPixels + p] = one[p] * static_cast<float>(i + 1) / 5;
    std::vector<float> out5(five.size()), out3(three.size());
    augment_batch(five.data(), out5.data(), 5, 777);
    augment_batch(five.data(), out3.data(), 3, 777);
    CHECK(std::equal(out3.begin(), out3.end(), out5.begin()));
    // Image 4 alone, warped with its derived seed, matches its place in the batch.
    std::vector<float> single(kAugmentPixels);
    warp(five.data() + 4 * kAugmentPixels, single.data(), random_affine(derive_seed(777, 4)));
    CHECK(std::equal(single.begin(), single.end(), out5.begin() + 4 * kAugmentPixels));
    // In place gives the same as out of place.
    augment_batch(five.data(), five.data(), 5, 777);
    CHECK(five == out5);
    CHECK(derive_seed(777, 0) != derive_seed(777, 1));
    CHECK(derive_seed(777, 0) != derive_seed(778, 0));
}
