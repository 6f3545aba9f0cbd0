// Softmax followed by categorical cross-entropy, averaged over the batch (Keras' default).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinydigit::trainer {

struct LossResult {
    double loss_sum = 0.0;    // summed over the batch (divide by n for the mean)
    std::size_t correct = 0;  // argmax(logits) == label
};

// logits: n x classes. diff (n x classes, may be null) receives d(mean loss)/d(logits) =
// (softmax - onehot) / n.
LossResult softmax_cross_entropy(const float* logits, const std::uint8_t* labels, std::size_t n, int classes,
                                 float* diff);

// Index of the largest logit of one row (the first on ties).
int argmax(const float* row, int classes);

}  // namespace tinydigit::trainer
