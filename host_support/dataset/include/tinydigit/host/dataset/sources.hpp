// Picking a reader for a data source named on a command line, and the MNIST cache layout.
#pragma once

#include "tinydigit/host/dataset/images.hpp"

namespace tinydigit::dataset {

// A ".csv" file is read as CSV; anything else as an IDX image file with its labels taken from
// labels_path, or else from the MNIST-named file beside it (unlabeled if there is none).
Images load_source(const std::filesystem::path& path,
                   const std::filesystem::path& labels_path = {});

struct MnistFiles {
    std::filesystem::path train_images, train_labels, test_images, test_labels;
};

// The four files in the cache folder (default: TINYDIGIT_DATA_DIR from the environment, else
// the folder the build was configured with). Throws DataError telling how to fetch them when
// one is missing.
MnistFiles mnist_files(const std::filesystem::path& dir = {});

}  // namespace tinydigit::dataset
