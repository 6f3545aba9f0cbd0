#include "tinydigit/trainer/source_split.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "tinydigit/trainer/counter_rng.hpp"
#include "tinydigit/trainer/training.hpp"

namespace tinydigit::trainer {

namespace {

dataset::Images subset(const dataset::Images& data, const std::size_t* indices, std::size_t count) {
    dataset::Images out;
    out.source = data.source;
    out.pixels.resize(count * dataset::kPixels);
    out.labels.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        std::memcpy(out.pixels.data() + i * dataset::kPixels, data.image(indices[i]), dataset::kPixels);
        out.labels[i] = data.labels[indices[i]];
    }
    return out;
}

}  // namespace

SourceSplit split_sources(const dataset::Images& data, const std::vector<DataSource>& sources, double fraction,
                          std::uint64_t seed) {
    SourceSplit split;
    std::size_t first = 0;
    for (std::size_t s = 0; s < sources.size(); ++s) {
        const auto n = static_cast<std::size_t>(sources[s].count);
        const auto n_val = static_cast<std::size_t>(std::llround(static_cast<double>(n) * fraction));
        if (n_val == 0 || n_val >= n)
            throw std::runtime_error(sources.size() == 1 ? "need at least 2 training images (got " + std::to_string(n) + ")"
                                                         : sources[s].path + ": " + std::to_string(n) +
                                                               " images are too few to hold out a validation share "
                                                               "(need at least 5)");
        auto ids = permutation(n, stream_key(seed, 0, s, Purpose::kSplit));
        for (auto& id : ids) id += first;
        split.validation.push_back(subset(data, ids.data(), n_val));
        split.train_ids.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(n_val), ids.end());
        first += n;
    }
    if (first != data.count()) throw std::logic_error("split_sources: the sources' counts do not add up to the images");
    return split;
}

std::vector<std::size_t> epoch_images(const SourceSplit& split, const std::vector<DataSource>& sources,
                                      std::uint64_t seed, int epoch) {
    std::vector<std::size_t> ids;
    for (std::size_t s = 0; s < sources.size(); ++s) {
        const auto& train = split.train_ids[s];
        const double weight = sources[s].weight;
        const double whole = std::floor(weight);
        for (int copy = 0; copy < static_cast<int>(whole); ++copy) ids.insert(ids.end(), train.begin(), train.end());
        const auto extra = static_cast<std::size_t>(std::llround((weight - whole) * static_cast<double>(train.size())));
        if (extra == 0) continue;
        const auto pick = permutation(train.size(), stream_key(seed, static_cast<std::uint64_t>(epoch), s, Purpose::kOversample));
        for (std::size_t i = 0; i < extra; ++i) ids.push_back(train[pick[i]]);
    }
    return ids;
}

SourcesEval evaluate_sources(Network& net, const std::vector<dataset::Images>& validation) {
    SourcesEval result;
    for (const auto& images : validation) {
        const EvalResult r = evaluate(net, images);
        result.loss += r.loss;
        result.accuracy += r.accuracy;
        result.source_accuracy.push_back(r.accuracy);
    }
    if (!validation.empty()) {
        result.loss /= static_cast<double>(validation.size());
        result.accuracy /= static_cast<double>(validation.size());
    }
    return result;
}

}  // namespace tinydigit::trainer
