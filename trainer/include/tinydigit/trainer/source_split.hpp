// Several --data sources in one run: each holds out its own validation share, and each
// epoch draws every source's training images `weight` times (fractions by a seeded choice).
#pragma once

#include <cstdint>
#include <vector>

#include "tinydigit/host/dataset/images.hpp"
#include "tinydigit/host/training/checkpoint.hpp"
#include "tinydigit/trainer/training.hpp"

namespace tinydigit::trainer {

struct SourceSplit {
    std::vector<std::vector<std::size_t>> train_ids;  // per source: indices into the run's images
    std::vector<dataset::Images> validation;          // per source
};

// `data` holds the sources one after the other (sources[i].count images each). Source i holds
// out llround(fraction * count) images chosen by (seed, i): source 0 exactly as a
// single-source run always did. Throws std::runtime_error naming a source too small to split.
SourceSplit split_sources(const dataset::Images& data, const std::vector<DataSource>& sources, double fraction,
                          std::uint64_t seed);

// The images of one epoch, before the shuffle: per source in order, each training image
// floor(weight) times, then llround(frac(weight) * n) more of them chosen by (seed, epoch,
// source). Weight 1 everywhere: every training image once, as without weights.
std::vector<std::size_t> epoch_images(const SourceSplit& split, const std::vector<DataSource>& sources,
                                      std::uint64_t seed, int epoch);

// evaluate() per source; loss and accuracy are the means over the sources, so a small source
// of the user's own digits weighs as much as MNIST when keeping the best checkpoint.
struct SourcesEval {
    double loss = 0.0;
    double accuracy = 0.0;
    std::vector<double> source_accuracy;
};
SourcesEval evaluate_sources(Network& net, const std::vector<dataset::Images>& validation);

}  // namespace tinydigit::trainer
