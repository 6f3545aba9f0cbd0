// Adam as Keras implements it (epsilon added to sqrt(v) without bias correction):
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
// Elementwise, so it runs directly on the primitives' layouts (padding stays zero: its
// gradient is zero).
#pragma once

#include <cstdint>
#include <vector>

#include "tinydigit/trainer/layer.hpp"

namespace tinydigit::trainer {

class Adam {
public:
    static constexpr float kBeta1 = 0.9f, kBeta2 = 0.999f, kEpsilon = 1e-7f;

    explicit Adam(const std::vector<Parameter*>& parameters);
    void step(float learning_rate);
    // lr * sqrt(1 - b2^t) / (1 - b1^t): the rate step t applies to m / (sqrt(v) + eps).
    static float scaled_rate(float learning_rate, std::int64_t t);
    std::int64_t steps() const { return step_; }
    void set_steps(std::int64_t step) { step_ = step; }
    // Moments in the same layout as each parameter's value (index-aligned with parameters).
    std::vector<float>& m(std::size_t i) { return m_[i]; }
    std::vector<float>& v(std::size_t i) { return v_[i]; }

private:
    std::vector<Parameter*> parameters_;
    std::vector<std::vector<float>> m_, v_;
    std::vector<std::size_t> sizes_;  // elements of each parameter (physical, padding included)
    std::int64_t step_ = 0;
};

}  // namespace tinydigit::trainer
