// An exponential moving average (EMA) of the trainable parameters, in the primitives' layouts
// beside the weights (elementwise, like Adam's moments). The averaged weights are what
// validation, best.ckpt and last.ckpt's params hold; precise BN recomputes the BN statistics
// for them (trainer/README.md: Recipes).
#pragma once

#include <cstdint>
#include <vector>

#include "tinydigit/trainer/layer.hpp"

namespace tinydigit::trainer {

class WeightAverage {
public:
    // Starts as a copy of the parameters' current values.
    WeightAverage(const std::vector<Parameter*>& parameters, float decay);

    // average = d * average + (1 - d) * weight with d = min(decay, (1 + t) / (10 + t)),
    // t = updates so far (TensorFlow's ExponentialMovingAverage with num_updates): the first
    // updates follow the fast-moving early weights instead of keeping the random start.
    void update();
    static float decay_at(float decay, std::int64_t updates);

    // Exchanges the averaged values with the parameters' (twice restores both).
    void swap_with_parameters();

    std::int64_t updates() const { return updates_; }
    void set_updates(std::int64_t n) { updates_ = n; }
    float decay() const { return decay_; }

private:
    std::vector<Parameter*> parameters_;
    std::vector<std::vector<float>> average_;
    std::vector<std::size_t> sizes_;  // elements of each array of average_
    float decay_;
    std::int64_t updates_ = 0;
};

}  // namespace tinydigit::trainer
