// Accuracy bookkeeping shared by `evaluate` and `quantize --report`.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tinydigit::tools {

struct Evaluation {
    std::size_t count = 0;
    std::size_t correct = 0;
    std::array<std::array<std::uint64_t, 10>, 10> confusion{};  // [label][predicted]
    double seconds = 0.0;

    void add(int label, int predicted);
    double accuracy() const { return count ? double(correct) / double(count) : 0.0; }
    double class_accuracy(int label) const;  // NaN-free: 0 for a class with no images
    double images_per_second() const { return seconds > 0 ? double(count) / seconds : 0.0; }

    std::string text() const;  // accuracy, per-class accuracy, confusion matrix, images/s
    std::string json() const;  // one line: count, accuracy, per_class_accuracy, confusion, images_per_second
};

// Lowest index among ties, as the engine does.
template <typename T>
int argmax(const T* values, std::size_t n) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < n; ++i)
        if (values[i] > values[best]) best = i;
    return static_cast<int>(best);
}

}  // namespace tinydigit::tools
