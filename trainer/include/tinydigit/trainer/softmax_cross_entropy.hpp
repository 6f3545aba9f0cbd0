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
// (softmax - target) / n. The target is the one-hot label, or with label smoothing e
// (0 <= e < 1) 1 - e + e / classes on the label and e / classes elsewhere; loss_sum is the
// cross-entropy against that target (smoothing keeps the logits from growing without bound
// to make a training image's probability exactly 1).
LossResult softmax_cross_entropy(const float* logits, const std::uint8_t* labels, std::size_t n, int classes,
                                 float* diff, float smoothing = 0.0f);

// Index of the largest logit of one row (the first on ties).
int argmax(const float* row, int classes);

}  // namespace tinydigit::trainer
