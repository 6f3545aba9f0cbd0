// Kaggle-style CSV digit files:
//   train.csv (Kaggle):        header "label,pixel0,...,pixel783", 785 columns
//   test.csv (Kaggle):         header "pixel0,...,pixel783", 784 columns, unlabeled
//   mnist_train.csv/_test.csv: no header, 785 columns, label first
#pragma once

#include "tinydigit/host/dataset/images.hpp"

namespace tinydigit::dataset {

// Throws DataError naming file and line for: wrong column count, non-numeric fields, pixels
// outside 0..255, labels outside 0..9, an empty file.
Images read_csv(const std::filesystem::path& path);

}  // namespace tinydigit::dataset
