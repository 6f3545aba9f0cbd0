#include "tinydigit/tools/mnist_normalize.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace tinydigit::tools {

namespace {

// Mean of the outermost rows and columns: the paper (or screen) the digit sits on.
double border_mean(const GrayImage& im) {
    double sum = 0.0;
    std::size_t n = 0;
    for (int x = 0; x < im.width; ++x) {
        sum += im.pixels[static_cast<std::size_t>(x)] +
               im.pixels[static_cast<std::size_t>(im.height - 1) * im.width + x];
        n += 2;
    }
    for (int y = 0; y < im.height; ++y) {
        sum += im.pixels[static_cast<std::size_t>(y) * im.width] +
               im.pixels[static_cast<std::size_t>(y) * im.width + im.width - 1];
        n += 2;
    }
    return sum / static_cast<double>(n);
}

// Bilinear sample with clamped borders, coordinates in pixel units (pixel centres at +0.5).
double sample(const std::vector<double>& src, int w, int h, double x, double y) {
    x = std::clamp(x - 0.5, 0.0, double(w - 1));
    y = std::clamp(y - 0.5, 0.0, double(h - 1));
    const int x0 = static_cast<int>(x), y0 = static_cast<int>(y);
    const int x1 = std::min(x0 + 1, w - 1), y1 = std::min(y0 + 1, h - 1);
    const double fx = x - x0, fy = y - y0;
    auto at = [&](int xx, int yy) { return src[static_cast<std::size_t>(yy) * w + xx]; };
    return (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
}

std::string text(const char* fmt, auto... args) {
    char buf[160];
    std::snprintf(buf, sizeof buf, fmt, args...);
    return buf;
}

}  // namespace

NormalizedDigit normalize_like_mnist(const GrayImage& image) {
    NormalizedDigit out;
    const double border = border_mean(image);
    const bool invert = border > 127.0;
    // The no-digit rule holds for every input, whatever its size and polarity: the ink must
    // stand out from the background, or the network's answer would be a guess.
    const auto [darkest, lightest] = std::minmax_element(image.pixels.begin(), image.pixels.end());
    const double contrast = invert ? border - *darkest : *lightest - border;
    if (contrast < 32.0) throw ImageError(image.name + ": no digit found (the image is nearly uniform)");
    if (image.width == 28 && image.height == 28 && !invert) {
        std::copy(image.pixels.begin(), image.pixels.end(), out.pixels.begin());
        out.steps = "28x28 on a dark background: used as is";
        return out;
    }
    const int w = image.width, h = image.height;
    std::vector<double> ink(image.pixels.size());
    for (std::size_t i = 0; i < ink.size(); ++i) ink[i] = invert ? 255.0 - image.pixels[i] : image.pixels[i];
    const double background = invert ? 255.0 - border : border;
    const double brightest = *std::max_element(ink.begin(), ink.end());
    // Stretch background..brightest to 0..255; everything at or below the background is 0.
    for (double& v : ink) v = std::clamp((v - background) * 255.0 / (brightest - background), 0.0, 255.0);

    // Bounding box of clearly inked pixels (> 10 % of full scale, to ignore paper noise).
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            if (ink[static_cast<std::size_t>(y) * w + x] > 25.5) {
                x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
            }
    if (x1 < 0) throw ImageError(image.name + ": no digit found");
    const int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    const double scale = 20.0 / std::max(bw, bh);
    const int dw = std::max(1, static_cast<int>(std::lround(bw * scale)));
    const int dh = std::max(1, static_cast<int>(std::lround(bh * scale)));

    // Area-average resampling: 4x4 bilinear samples per destination pixel (antialiased like MNIST).
    std::vector<double> fitted(static_cast<std::size_t>(dw) * dh);
    constexpr int kSub = 4;
    for (int y = 0; y < dh; ++y)
        for (int x = 0; x < dw; ++x) {
            double sum = 0.0;
            for (int sy = 0; sy < kSub; ++sy)
                for (int sx = 0; sx < kSub; ++sx)
                    sum += sample(ink, w, h, x0 + (x + (sx + 0.5) / kSub) / scale, y0 + (y + (sy + 0.5) / kSub) / scale);
            fitted[static_cast<std::size_t>(y) * dw + x] = sum / (kSub * kSub);
        }

    // Centre of mass of the fitted digit (pixel centres at +0.5) goes to (14, 14).
    double mass = 0.0, mx = 0.0, my = 0.0;
    for (int y = 0; y < dh; ++y)
        for (int x = 0; x < dw; ++x) {
            const double v = fitted[static_cast<std::size_t>(y) * dw + x];
            mass += v, mx += v * (x + 0.5), my += v * (y + 0.5);
        }
    const int ox = std::clamp(static_cast<int>(std::lround(14.0 - mx / mass)), 0, 28 - dw);
    const int oy = std::clamp(static_cast<int>(std::lround(14.0 - my / mass)), 0, 28 - dh);
    for (int y = 0; y < dh; ++y)
        for (int x = 0; x < dw; ++x)
            out.pixels[static_cast<std::size_t>(oy + y) * 28 + ox + x] =
                static_cast<std::uint8_t>(std::lround(fitted[static_cast<std::size_t>(y) * dw + x]));

    out.steps = text("%dx%d", w, h);
    if (invert) out.steps += ", light background: inverted";
    if (background > 0.5 || brightest < 254.5)
        out.steps += text(", contrast stretched (background %.0f, ink %.0f)", background, brightest);
    out.steps += text(", digit box %dx%d at (%d,%d) scaled to %dx%d, centred by mass at (%.1f,%.1f) in 28x28", bw, bh, x0,
                      y0, dw, dh, ox + mx / mass, oy + my / mass);
    return out;
}

}  // namespace tinydigit::tools
