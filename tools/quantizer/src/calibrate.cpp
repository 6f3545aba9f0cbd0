#include "tinydigit/tools/calibrate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tinydigit/tools/quantize_error.hpp"

namespace tinydigit::tools {

float round_outward(float v) {
    if (v == 0.0f || !std::isfinite(v)) return v;
    int e = 0;
    const double fraction = std::frexp(double{v}, &e);  // |fraction| in [0.5, 1)
    const double scaled = fraction * 256.0;
    return static_cast<float>(std::ldexp(v > 0 ? std::ceil(scaled) : std::floor(scaled), e - 8));
}

namespace {

// Lowest second-largest value over the rows, and the largest value. (Capping the range at the
// highest second-largest logit instead saturated both top logits of test images whose
// runner-up was larger than any seen in calibration: an int8 tie, decided by class order.)
Range decision_range(const std::vector<float>& logits, std::size_t classes) {
    Range r{std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
    for (std::size_t row = 0; row + classes <= logits.size(); row += classes) {
        float first = -std::numeric_limits<float>::infinity(), second = first;
        for (std::size_t k = 0; k < classes; ++k) {
            const float v = logits[row + k];
            if (v > first) second = first, first = v;
            else if (v > second) second = v;
        }
        r.min = std::min(r.min, second);
        r.max = std::max(r.max, first);
    }
    return r;
}

}  // namespace

Ranges calibrate(FloatReference& reference, const std::uint8_t* pixels, std::size_t count,
                 const std::vector<std::string>& names, const std::string& logits_name, std::size_t classes) {
    constexpr std::size_t kBatch = 100;
    constexpr std::size_t kPixels = 28 * 28;
    Ranges ranges;
    for (std::size_t first = 0; first < count; first += kBatch) {
        const std::size_t n = std::min(kBatch, count - first);
        const auto activations = reference.activations(pixels + first * kPixels, n);
        for (const auto& name : names) {
            const auto it = activations.find(name);
            if (it == activations.end() || it->second.empty())
                throw QuantizeError("the float model has no activation " + name);
            const auto [lo, hi] = std::minmax_element(it->second.begin(), it->second.end());
            if (!std::isfinite(*lo) || !std::isfinite(*hi))
                throw QuantizeError("activation " + name + " is not finite on the calibration images");
            const Range batch = name == logits_name && classes >= 2 ? decision_range(it->second, classes)
                                                                      : Range{*lo, *hi};
            auto [range, fresh] = ranges.try_emplace(name, batch);
            if (!fresh) range->second = {std::min(range->second.min, batch.min), std::max(range->second.max, batch.max)};
        }
    }
    // Second pass for the non-negative (ReLU) activations: a histogram of their values, and
    // the clipping point that minimizes the expected squared quantization error.
    constexpr std::size_t kBins = 2048;
    std::map<std::string, std::vector<double>> histograms;
    for (const auto& name : names)
        if (name != logits_name && ranges.at(name).min >= 0.0f && ranges.at(name).max > 0.0f)
            histograms[name].assign(kBins, 0.0);
    if (!histograms.empty()) {
        for (std::size_t first = 0; first < count; first += kBatch) {
            const std::size_t n = std::min(kBatch, count - first);
            const auto activations = reference.activations(pixels + first * kPixels, n);
            for (auto& [name, bins] : histograms) {
                const double width = double{ranges.at(name).max} / kBins;
                for (const float v : activations.at(name))
                    bins[std::min(kBins - 1, static_cast<std::size_t>(v / width))] += 1.0;
            }
        }
        for (auto& [name, bins] : histograms) {
            const double width = double{ranges.at(name).max} / kBins;
            double best_error = std::numeric_limits<double>::infinity();
            std::size_t best = kBins;
            for (std::size_t clip = kBins / 16; clip <= kBins; ++clip) {
                const double c = clip * width, step = c / 255.0;
                double error = 0.0;
                for (std::size_t b = 0; b < kBins; ++b) {
                    const double x = (b + 0.5) * width;
                    error += bins[b] * (x <= c ? step * step / 12.0 : (x - c) * (x - c));
                }
                if (error < best_error) best_error = error, best = clip;
            }
            ranges.at(name).max = static_cast<float>(best * width);
        }
    }
    for (auto& [name, range] : ranges) range = {round_outward(range.min), round_outward(range.max)};
    return ranges;
}

}  // namespace tinydigit::tools
