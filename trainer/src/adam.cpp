#include "tinydigit/trainer/adam.hpp"

#include <cmath>

namespace tinydigit::trainer {

Adam::Adam(const std::vector<Parameter*>& parameters) : parameters_(parameters) {
    for (const Parameter* p : parameters_) {
        m_.emplace_back(element_count(p->value), 0.0f);
        v_.emplace_back(element_count(p->value), 0.0f);
    }
}

void Adam::step(float learning_rate) {
    ++step_;
    const double t = static_cast<double>(step_);
    const auto lr_t = static_cast<float>(learning_rate * std::sqrt(1.0 - std::pow(double{kBeta2}, t)) /
                                         (1.0 - std::pow(double{kBeta1}, t)));
    for (std::size_t k = 0; k < parameters_.size(); ++k) {
        float* w = data_of(parameters_[k]->value);
        const float* g = data_of(parameters_[k]->grad);
        float* m = m_[k].data();
        float* v = v_[k].data();
        const std::size_t n = m_[k].size();
#pragma omp parallel for simd schedule(static)
        for (std::size_t i = 0; i < n; ++i) {
            m[i] = kBeta1 * m[i] + (1.0f - kBeta1) * g[i];
            v[i] = kBeta2 * v[i] + (1.0f - kBeta2) * g[i] * g[i];
            w[i] -= lr_t * m[i] / (std::sqrt(v[i]) + kEpsilon);
        }
    }
}

}  // namespace tinydigit::trainer
