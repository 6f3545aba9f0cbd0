// The arithmetic of normalize_like_mnist, freestanding (no heap, no exceptions, no libc), so
// `predict` and the web page (compiled to WebAssembly) compute the same 28x28 digit from the
// same pixels. mnist_normalize.hpp wraps it with images, messages and errors.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinydigit::images {

enum class NormalizeOutcome : std::int32_t {
    kUsedAsIs = 0,    // 28x28 on a dark background
    kNormalized = 1,  // inverted if light, stretched, fitted to 20x20, centred by mass
    kUniform = 2,     // no digit: brightest ink is within 32 levels of the background
    kNoInk = 3,       // no digit: no pixel above 10 % after stretching
};

// What was done, for the caller's description (fields past `outcome` valid for kNormalized;
// background and brightest also for kUniform).
struct NormalizeReport {
    NormalizeOutcome outcome;
    bool inverted;
    double background, brightest;  // ink scale (after inversion), before the stretch
    std::int32_t box_x, box_y, box_w, box_h;  // clearly inked bounding box in the input
    std::int32_t fit_w, fit_h;                // its size after fitting into 20x20
    double centre_x, centre_y;                // centre of mass in the 28x28 output
};

// Doubles of workspace normalize_digit needs for a width x height image.
constexpr std::size_t normalize_work_doubles(std::int32_t width, std::int32_t height) {
    return static_cast<std::size_t>(width) * static_cast<std::size_t>(height) + 20 * 20;
}

// pixels: width x height grayscale, row-major, 0 = black (width, height >= 1). work: at least
// normalize_work_doubles(width, height). out: 784 bytes, written for kUsedAsIs / kNormalized.
NormalizeReport normalize_digit(const std::uint8_t* pixels, std::int32_t width, std::int32_t height, double* work,
                                std::uint8_t* out);

}  // namespace tinydigit::images
