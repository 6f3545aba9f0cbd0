// The IDX format of the original MNIST files (big-endian header, uint8 payload).
#pragma once

#include "tinydigit/host/dataset/images.hpp"

namespace tinydigit::dataset {

// Reads an idx3 image file (must be 28x28) and, if labels_path is not empty, the idx1 label
// file that goes with it. Throws DataError on a missing file, wrong magic, truncated payload,
// count mismatch or label outside 0..9.
Images read_idx(const std::filesystem::path& images_path,
                const std::filesystem::path& labels_path = {});

// The label file beside an MNIST-named image file: "...-images-idx3-ubyte" ->
// "...-labels-idx1-ubyte". Returns an empty path when the name does not follow that pattern.
std::filesystem::path idx_labels_beside(const std::filesystem::path& images_path);

}  // namespace tinydigit::dataset
