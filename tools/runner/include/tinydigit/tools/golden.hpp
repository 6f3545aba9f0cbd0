// Golden files for the engine and firmware tests (tests/golden/<arch>/, docs/format.md).
#pragma once

#include <filesystem>

#include "tinydigit/host/dataset/images.hpp"
#include "tinydigit/model_to_c/golden_set.hpp"
#include "tinydigit/tools/model_file.hpp"

namespace tinydigit::tools {

struct GoldenOptions {
    std::size_t images = 100;       // the first N images of `source`
    std::size_t layer_images = 4;   // per-op checksums for the first few
};

// Throws std::invalid_argument (one line) for unlabeled or too few images or a model without
// 10 logits. Runs the engine's reference kernels (the arithmetic of docs/quantization.md) on the images.
model_to_c::GoldenSet make_golden_set(const ModelFile& model, const dataset::Images& source, GoldenOptions options);

// Creates `dir` if needed and writes the four files, each atomically.
void write_golden_dir(const std::filesystem::path& dir, const model_to_c::GoldenSet& set);

}  // namespace tinydigit::tools
