// Labeled (or unlabeled) 28x28 grayscale digit images as read from IDX or CSV files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace tinydigit::dataset {

inline constexpr int kRows = 28;
inline constexpr int kCols = 28;
inline constexpr int kPixels = kRows * kCols;

// Thrown for any file that cannot be read or is not what it claims to be; what() is a
// one-line message that names the file (and line, for CSV).
class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Images {
    std::vector<std::uint8_t> pixels;  // count * kPixels, row-major, 0 = background
    std::vector<std::uint8_t> labels;  // count entries 0..9, or empty when unlabeled
    std::string source;                // where the images came from, for messages

    std::size_t count() const { return pixels.size() / kPixels; }
    bool labeled() const { return !labels.empty(); }
    const std::uint8_t* image(std::size_t i) const { return pixels.data() + i * kPixels; }
};

// Appends b to a (both labeled or both unlabeled).
void append(Images& a, const Images& b);

// Opens a data file for reading; DataError naming the file, the reason (errno text) and the
// fix when it is a folder or cannot be opened.
std::ifstream open_data_file(const std::filesystem::path& path, std::ios::openmode mode);

}  // namespace tinydigit::dataset
