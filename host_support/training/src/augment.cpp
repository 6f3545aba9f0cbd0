#include "tinydigit/host/training/augment.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace tinydigit::trainer {

namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ull;

std::uint64_t splitmix64_mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
    // Uniform in [lo, hi), 53 random bits.
    double uniform(double lo, double hi) {
        state_ += kGolden;
        const double unit = static_cast<double>(splitmix64_mix(state_) >> 11) * 0x1.0p-53;
        return lo + unit * (hi - lo);
    }

private:
    std::uint64_t state_;
};

// The inverse map as in = a * p + b, for p = (column, row) of an output pixel.
struct InverseMap {
    float a00, a01, a10, a11, b0, b1;
};

InverseMap inverse_map(const Affine& t) {
    constexpr double centre = (kAugmentSide - 1) / 2.0;
    const double angle = static_cast<double>(t.rotation_degrees) * std::numbers::pi / 180.0;
    const double c = std::cos(angle), s = std::sin(angle);
    // M = R * Z, then in = M * p + (centre - M * (centre + shift)).
    const double m00 = c * t.zoom_x, m01 = -s * t.zoom_y, m10 = s * t.zoom_x, m11 = c * t.zoom_y;
    const double qx = centre + t.shift_x, qy = centre + t.shift_y;
    return {static_cast<float>(m00),
            static_cast<float>(m01),
            static_cast<float>(m10),
            static_cast<float>(m11),
            static_cast<float>(centre - (m00 * qx + m01 * qy)),
            static_cast<float>(centre - (m10 * qx + m11 * qy))};
}

}  // namespace

void warp(const float* in, float* out, const Affine& affine) {
    // A private copy makes in == out safe (every output pixel reads several input pixels).
    std::array<float, kAugmentPixels> src;
    std::copy(in, in + kAugmentPixels, src.begin());
    const InverseMap m = inverse_map(affine);
    constexpr float last = kAugmentSide - 1;
    for (int y = 0; y < kAugmentSide; ++y) {
        for (int x = 0; x < kAugmentSide; ++x) {
            const auto fx = static_cast<float>(x), fy = static_cast<float>(y);
            // Clamping the sample point is the same as bilinear sampling of an image whose
            // edge pixels extend forever (fill_mode='nearest'), and keeps the casts in range.
            const float sx = std::clamp(m.a00 * fx + m.a01 * fy + m.b0, 0.0f, last);
            const float sy = std::clamp(m.a10 * fx + m.a11 * fy + m.b1, 0.0f, last);
            const int x0 = static_cast<int>(sx), y0 = static_cast<int>(sy);
            const int x1 = std::min(x0 + 1, kAugmentSide - 1), y1 = std::min(y0 + 1, kAugmentSide - 1);
            const float wx = sx - static_cast<float>(x0), wy = sy - static_cast<float>(y0);
            const float top = src[y0 * kAugmentSide + x0] * (1.0f - wx) + src[y0 * kAugmentSide + x1] * wx;
            const float bottom = src[y1 * kAugmentSide + x0] * (1.0f - wx) + src[y1 * kAugmentSide + x1] * wx;
            out[y * kAugmentSide + x] = top * (1.0f - wy) + bottom * wy;
        }
    }
}

Affine random_affine(std::uint64_t seed) {
    SplitMix64 rng(seed);
    constexpr double max_shift = kShiftFraction * kAugmentSide;
    Affine a;
    a.rotation_degrees = static_cast<float>(rng.uniform(-kMaxRotationDegrees, kMaxRotationDegrees));
    a.zoom_x = static_cast<float>(rng.uniform(1.0 - kZoomRange, 1.0 + kZoomRange));
    a.zoom_y = static_cast<float>(rng.uniform(1.0 - kZoomRange, 1.0 + kZoomRange));
    a.shift_x = static_cast<float>(rng.uniform(-max_shift, max_shift));
    a.shift_y = static_cast<float>(rng.uniform(-max_shift, max_shift));
    return a;
}

std::uint64_t derive_seed(std::uint64_t parent, std::uint64_t index) {
    return splitmix64_mix(parent + (index + 1) * kGolden);
}

void augment_batch(const float* in, float* out, std::size_t n, std::uint64_t batch_seed) {
    for (std::size_t i = 0; i < n; ++i)
        warp(in + i * kAugmentPixels, out + i * kAugmentPixels, random_affine(derive_seed(batch_seed, i)));
}

}  // namespace tinydigit::trainer
