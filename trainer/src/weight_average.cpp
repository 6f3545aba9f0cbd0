#include "tinydigit/trainer/weight_average.hpp"

#include <algorithm>

namespace tinydigit::trainer {

WeightAverage::WeightAverage(const std::vector<Parameter*>& parameters, float decay)
    : parameters_(parameters), decay_(decay) {
    for (Parameter* p : parameters_) {
        const float* w = data_of(p->value);
        average_.emplace_back(w, w + element_count(p->value));
    }
}

float WeightAverage::decay_at(float decay, std::int64_t updates) {
    const double t = static_cast<double>(updates);
    return std::min(decay, static_cast<float>((1.0 + t) / (10.0 + t)));
}

void WeightAverage::update() {
    const float d = decay_at(decay_, updates_);
    ++updates_;
    for (std::size_t k = 0; k < parameters_.size(); ++k) {
        const float* w = data_of(parameters_[k]->value);
        float* a = average_[k].data();
        const std::size_t n = average_[k].size();
#pragma omp parallel for simd schedule(static)
        for (std::size_t i = 0; i < n; ++i) a[i] = d * a[i] + (1.0f - d) * w[i];
    }
}

void WeightAverage::swap_with_parameters() {
    for (std::size_t k = 0; k < parameters_.size(); ++k) {
        std::swap_ranges(average_[k].begin(), average_[k].end(), data_of(parameters_[k]->value));
    }
}

}  // namespace tinydigit::trainer
