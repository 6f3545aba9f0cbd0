// Grayscale images for `predict`: PGM (P2/P5), PNG (libpng) and rows of a digit CSV.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace tinydigit::images {

class ImageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct GrayImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;  // row-major, 0 = black
    std::string name;                  // "digit.png" or "digits.csv:3"
};

inline constexpr int kMaxImageSide = 8192;

// By content (PGM magic P2/P5, PNG signature) or, for ".csv", every row of a Kaggle/MNIST CSV
// as one 28x28 image. Throws ImageError (or dataset::DataError for CSV) naming the file.
std::vector<GrayImage> read_images(const std::filesystem::path& path);

// One PGM or PNG image, by content whatever the file's name. Throws ImageError naming the
// file, with `unknown` as the reason when it is neither.
GrayImage read_image(const std::filesystem::path& path, const char* unknown = "not a PGM or PNG image");

GrayImage read_pgm(const std::filesystem::path& path);
GrayImage read_png(const std::filesystem::path& path);

}  // namespace tinydigit::images
