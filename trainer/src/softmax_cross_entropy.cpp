#include "tinydigit/trainer/softmax_cross_entropy.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tinydigit::trainer {

int argmax(const float* row, int classes) {
    return static_cast<int>(std::max_element(row, row + classes) - row);
}

LossResult softmax_cross_entropy(const float* logits, const std::uint8_t* labels, std::size_t n, int classes,
                                 float* diff, float smoothing) {
    // Target distribution: 1 - smoothing + smoothing / classes on the label, smoothing / classes elsewhere.
    const double other = static_cast<double>(smoothing) / classes;
    const double on_label = 1.0 - static_cast<double>(smoothing) + other;
    LossResult result;
    std::vector<double> p(static_cast<std::size_t>(classes));
    for (std::size_t i = 0; i < n; ++i) {
        const float* row = logits + i * static_cast<std::size_t>(classes);
        const int label = labels[i];
        const double top = *std::max_element(row, row + classes);
        double sum = 0.0, shifted_sum = 0.0;
        for (int c = 0; c < classes; ++c) {
            sum += p[static_cast<std::size_t>(c)] = std::exp(row[c] - top);
            shifted_sum += row[c] - top;
        }
        // log-sum-exp form: no log(0) even when the label's probability underflows.
        // -sum_c q_c log p_c with log p_c = (row_c - top) - log(sum) and sum_c q_c = 1.
        result.loss_sum += std::log(sum) - (on_label - other) * (row[label] - top);
        if (smoothing > 0.0f) result.loss_sum -= other * shifted_sum;
        if (argmax(row, classes) == label) ++result.correct;
        if (diff) {
            float* d = diff + i * static_cast<std::size_t>(classes);
            for (int c = 0; c < classes; ++c) {
                const double prob = p[static_cast<std::size_t>(c)] / sum;
                d[c] = static_cast<float>((prob - (c == label ? on_label : other)) / static_cast<double>(n));
            }
        }
    }
    return result;
}

}  // namespace tinydigit::trainer
