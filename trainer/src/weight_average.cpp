#include "tinydigit/trainer/weight_average.hpp"

#include <algorithm>

#include "tinydigit/trainer/thread_ranges.hpp"

namespace tinydigit::trainer {

namespace {

// Cloned per instruction set like Adam's update (adam.cpp), built without FMA contraction so
// every clone computes the same bits.
[[gnu::target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")]]
void mix(float* __restrict a, const float* __restrict w, std::size_t n, float d) {
    for (std::size_t i = 0; i < n; ++i) a[i] = d * a[i] + (1.0f - d) * w[i];
}

}  // namespace

WeightAverage::WeightAverage(const std::vector<Parameter*>& parameters, float decay)
    : parameters_(parameters), decay_(decay) {
    for (Parameter* p : parameters_) {
        const float* w = data_of(p->value);
        average_.emplace_back(w, w + element_count(p->value));
        sizes_.push_back(average_.back().size());
    }
}

float WeightAverage::decay_at(float decay, std::int64_t updates) {
    const double t = static_cast<double>(updates);
    return std::min(decay, static_cast<float>((1.0 + t) / (10.0 + t)));
}

void WeightAverage::update() {
    const float d = decay_at(decay_, updates_);
    ++updates_;
    for_each_thread_range(sizes_, [&](std::size_t k, std::size_t begin, std::size_t end) {
        mix(average_[k].data() + begin, data_of(parameters_[k]->value) + begin, end - begin, d);
    });
}

void WeightAverage::swap_with_parameters() {
    for (std::size_t k = 0; k < parameters_.size(); ++k) {
        std::swap_ranges(average_[k].begin(), average_[k].end(), data_of(parameters_[k]->value));
    }
}

}  // namespace tinydigit::trainer
