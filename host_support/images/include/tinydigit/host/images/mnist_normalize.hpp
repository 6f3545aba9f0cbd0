// Making an arbitrary digit image look like an MNIST digit: grayscale, white ink on black,
// the digit fitted into 20x20 (aspect kept) and centred by mass in 28x28, as MNIST was made.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "tinydigit/host/images/gray_image.hpp"

namespace tinydigit::images {

struct NormalizedDigit {
    std::array<std::uint8_t, 28 * 28> pixels{};
    std::string steps;  // what was done, for the user ("used as is" when nothing)
};

// A 28x28 image on a dark background is used as is. Otherwise: invert when the border is
// light, stretch the contrast from the background level to the brightest pixel, crop to the
// digit's bounding box, scale its longer side to 20 pixels (area averaging), and place it so
// its centre of mass is at the centre of the 28x28 field. Throws ImageError when no digit is
// found: the ink differs from the background by less than 32 levels, at any size or polarity.
NormalizedDigit normalize_like_mnist(const GrayImage& image);

}  // namespace tinydigit::images
