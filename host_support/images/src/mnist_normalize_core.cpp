// Freestanding on purpose (see the header): no <algorithm>, <cmath> or heap, only double
// arithmetic that is IEEE-identical on x86-64 and wasm32.
#include "tinydigit/host/images/mnist_normalize_core.hpp"

namespace tinydigit::images {

namespace {

double clamp(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }
std::int32_t clamp(std::int32_t v, std::int32_t lo, std::int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }
std::int32_t min(std::int32_t a, std::int32_t b) { return a < b ? a : b; }
std::int32_t max(std::int32_t a, std::int32_t b) { return a > b ? a : b; }

// std::lround for the magnitudes here (halves away from zero); x - trunc(x) is exact.
std::int32_t round_half_away(double x) {
    const double a = x < 0 ? -x : x;
    double t = __builtin_trunc(a);
    if (a - t >= 0.5) t += 1.0;
    return static_cast<std::int32_t>(x < 0 ? -t : t);
}

// Mean of the outermost rows and columns: the paper (or screen) the digit sits on.
double border_mean(const std::uint8_t* px, std::int32_t w, std::int32_t h) {
    double sum = 0.0;
    std::size_t n = 0;
    for (std::int32_t x = 0; x < w; ++x) {
        sum += px[x] + px[static_cast<std::size_t>(h - 1) * w + x];
        n += 2;
    }
    for (std::int32_t y = 0; y < h; ++y) {
        sum += px[static_cast<std::size_t>(y) * w] + px[static_cast<std::size_t>(y) * w + w - 1];
        n += 2;
    }
    return sum / static_cast<double>(n);
}

// Bilinear sample with clamped borders, coordinates in pixel units (pixel centres at +0.5).
double sample(const double* src, std::int32_t w, std::int32_t h, double x, double y) {
    x = clamp(x - 0.5, 0.0, double(w - 1));
    y = clamp(y - 0.5, 0.0, double(h - 1));
    const auto x0 = static_cast<std::int32_t>(x), y0 = static_cast<std::int32_t>(y);
    const std::int32_t x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1);
    const double fx = x - x0, fy = y - y0;
    auto at = [&](std::int32_t xx, std::int32_t yy) { return src[static_cast<std::size_t>(yy) * w + xx]; };
    return (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
}

}  // namespace

NormalizeReport normalize_digit(const std::uint8_t* pixels, std::int32_t w, std::int32_t h, double* work,
                                std::uint8_t* out) {
    NormalizeReport r{};
    const double border = border_mean(pixels, w, h);
    r.inverted = border > 127.0;
    const std::size_t count = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
    // The no-digit rule holds for every input, whatever its size and polarity (an all-black
    // 28x28 image answered "1" before issue 14): the ink must stand out from the background.
    r.background = r.inverted ? 255.0 - border : border;
    r.brightest = r.inverted ? 255.0 - pixels[0] : pixels[0];
    for (std::size_t i = 1; i < count; ++i) {
        const double ink = r.inverted ? 255.0 - pixels[i] : pixels[i];
        r.brightest = ink > r.brightest ? ink : r.brightest;
    }
    if (r.brightest - r.background < 32.0) {
        r.outcome = NormalizeOutcome::kUniform;
        return r;
    }
    if (w == 28 && h == 28 && !r.inverted) {
        for (std::size_t i = 0; i < count; ++i) out[i] = pixels[i];
        r.outcome = NormalizeOutcome::kUsedAsIs;
        return r;
    }
    double* ink = work;
    double* fitted = work + count;
    for (std::size_t i = 0; i < count; ++i) ink[i] = r.inverted ? 255.0 - pixels[i] : pixels[i];
    // Stretch background..brightest to 0..255; everything at or below the background is 0.
    for (std::size_t i = 0; i < count; ++i)
        ink[i] = clamp((ink[i] - r.background) * 255.0 / (r.brightest - r.background), 0.0, 255.0);

    // Bounding box of clearly inked pixels (> 10 % of full scale, to ignore paper noise).
    std::int32_t x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (std::int32_t y = 0; y < h; ++y)
        for (std::int32_t x = 0; x < w; ++x)
            if (ink[static_cast<std::size_t>(y) * w + x] > 25.5) {
                x0 = min(x0, x), x1 = max(x1, x), y0 = min(y0, y), y1 = max(y1, y);
            }
    if (x1 < 0) {
        r.outcome = NormalizeOutcome::kNoInk;
        return r;
    }
    const std::int32_t bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    const double scale = 20.0 / max(bw, bh);
    const std::int32_t dw = max(1, round_half_away(bw * scale));
    const std::int32_t dh = max(1, round_half_away(bh * scale));

    // Area-average resampling: 4x4 bilinear samples per destination pixel (antialiased like MNIST).
    constexpr std::int32_t kSub = 4;
    for (std::int32_t y = 0; y < dh; ++y)
        for (std::int32_t x = 0; x < dw; ++x) {
            double sum = 0.0;
            for (std::int32_t sy = 0; sy < kSub; ++sy)
                for (std::int32_t sx = 0; sx < kSub; ++sx)
                    sum += sample(ink, w, h, x0 + (x + (sx + 0.5) / kSub) / scale, y0 + (y + (sy + 0.5) / kSub) / scale);
            fitted[static_cast<std::size_t>(y) * dw + x] = sum / (kSub * kSub);
        }

    // Centre of mass of the fitted digit (pixel centres at +0.5) goes to (14, 14).
    double mass = 0.0, mx = 0.0, my = 0.0;
    for (std::int32_t y = 0; y < dh; ++y)
        for (std::int32_t x = 0; x < dw; ++x) {
            const double v = fitted[static_cast<std::size_t>(y) * dw + x];
            mass += v, mx += v * (x + 0.5), my += v * (y + 0.5);
        }
    const std::int32_t ox = clamp(round_half_away(14.0 - mx / mass), 0, 28 - dw);
    const std::int32_t oy = clamp(round_half_away(14.0 - my / mass), 0, 28 - dh);
    for (std::int32_t i = 0; i < 28 * 28; ++i) out[i] = 0;
    for (std::int32_t y = 0; y < dh; ++y)
        for (std::int32_t x = 0; x < dw; ++x)
            out[(oy + y) * 28 + ox + x] =
                static_cast<std::uint8_t>(round_half_away(fitted[static_cast<std::size_t>(y) * dw + x]));

    r.outcome = NormalizeOutcome::kNormalized;
    r.box_x = x0, r.box_y = y0, r.box_w = bw, r.box_h = bh, r.fit_w = dw, r.fit_h = dh;
    r.centre_x = ox + mx / mass, r.centre_y = oy + my / mass;
    return r;
}

}  // namespace tinydigit::images
