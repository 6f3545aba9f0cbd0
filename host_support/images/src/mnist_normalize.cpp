#include "tinydigit/host/images/mnist_normalize.hpp"

#include <cstdio>
#include <vector>

#include "tinydigit/host/images/mnist_normalize_core.hpp"

namespace tinydigit::images {

namespace {

std::string text(const char* fmt, auto... args) {
    char buf[160];
    std::snprintf(buf, sizeof buf, fmt, args...);
    return buf;
}

}  // namespace

NormalizedDigit normalize_like_mnist(const GrayImage& image) {
    NormalizedDigit out;
    std::vector<double> work(normalize_work_doubles(image.width, image.height));
    const NormalizeReport r = normalize_digit(image.pixels.data(), image.width, image.height, work.data(), out.pixels.data());
    switch (r.outcome) {
        case NormalizeOutcome::kUsedAsIs: out.steps = "28x28 on a dark background: used as is"; return out;
        case NormalizeOutcome::kUniform: throw ImageError(image.name + ": no digit found (the image is nearly uniform)");
        case NormalizeOutcome::kNoInk: throw ImageError(image.name + ": no digit found");
        case NormalizeOutcome::kNormalized: break;
    }
    out.steps = text("%dx%d", image.width, image.height);
    if (r.inverted) out.steps += ", light background: inverted";
    if (r.background > 0.5 || r.brightest < 254.5)
        out.steps += text(", contrast stretched (background %.0f, ink %.0f)", r.background, r.brightest);
    out.steps += text(", digit box %dx%d at (%d,%d) scaled to %dx%d, centred by mass at (%.1f,%.1f) in 28x28", r.box_w,
                      r.box_h, r.box_x, r.box_y, r.fit_w, r.fit_h, r.centre_x, r.centre_y);
    return out;
}

}  // namespace tinydigit::images
