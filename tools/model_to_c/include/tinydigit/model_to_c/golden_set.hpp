// The golden files of one model (tests/golden/<arch>/, format in docs/format.md):
//   golden-images-idx3-ubyte, golden-labels-idx1-ubyte   the input digits (IDX, 28x28)
//   expected.csv    image,label,predicted,checksum,l0..l9   (int8 logits, checksum = fnv1a32)
//   layers.csv      image,op,tensor,bytes,checksum          (every op's int8 output, a few images)
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace tinydigit::model_to_c {

inline constexpr int kGoldenPixels = 28 * 28;

class GoldenError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct GoldenImage {
    std::array<std::uint8_t, kGoldenPixels> pixels{};
    int label = 0;
    int predicted = 0;
    std::uint32_t checksum = 0;
    std::array<std::int8_t, 10> logits{};
};

struct GoldenLayer {
    int image = 0;
    int op = 0;
    std::string tensor;
    std::uint32_t bytes = 0;
    std::uint32_t checksum = 0;
};

struct GoldenSet {
    std::vector<GoldenImage> images;
    std::vector<GoldenLayer> layers;
};

inline constexpr const char* kGoldenImagesFile = "golden-images-idx3-ubyte";
inline constexpr const char* kGoldenLabelsFile = "golden-labels-idx1-ubyte";
inline constexpr const char* kGoldenExpectedFile = "expected.csv";
inline constexpr const char* kGoldenLayersFile = "layers.csv";

// Throws GoldenError with a one-line reason naming the file on anything missing or malformed.
GoldenSet read_golden_set(const std::filesystem::path& dir);

// The text of expected.csv / layers.csv for the given set (used by the writer and the reader's tests).
std::string expected_csv(const GoldenSet& set);
std::string layers_csv(const GoldenSet& set);
// The two IDX files' bytes.
std::string golden_images_idx(const GoldenSet& set);
std::string golden_labels_idx(const GoldenSet& set);

}  // namespace tinydigit::model_to_c
