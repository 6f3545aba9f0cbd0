// Batch normalization with ReLU fused into the same primitive (conv -> BN -> ReLU, so BN folds
// into the conv for int8). Training uses batch statistics and updates running statistics the
// Keras way (momentum 0.99, unbiased batch variance); evaluation uses the running statistics.
// Mode::kStatistics passes accumulate population statistics (mean and biased variance over
// all their images) that end_statistics() installs as the running statistics ("precise BN").
#pragma once

#include "tinydigit/trainer/layer.hpp"

namespace tinydigit::trainer {

class BnReluLayer : public Layer {
public:
    static constexpr float kEpsilon = 1e-3f;   // Keras BatchNormalization default
    static constexpr float kMomentum = 0.99f;  // Keras BatchNormalization default

    BnReluLayer(Device& device, const std::string& name, const dnnl::memory::desc& src_desc);
    const dnnl::memory::desc& dst_desc() const override { return desc_; }
    const dnnl::memory& forward(const dnnl::memory& src, Mode mode) override;
    const dnnl::memory& backward(const dnnl::memory& diff_dst) override;
    std::vector<Parameter*> parameters() override { return {&gamma_, &beta_}; }
    std::vector<Buffer> buffers() override;
    void begin_statistics();
    void end_statistics();  // needs at least one Mode::kStatistics forward since begin

private:
    Device& device_;
    std::string name_;
    dnnl::memory::desc desc_;
    Parameter gamma_, beta_;
    std::vector<float> running_mean_, running_var_;
    dnnl::batch_normalization_forward train_fwd_, eval_fwd_;
    dnnl::batch_normalization_backward bwd_;
    dnnl::memory mean_, variance_, running_mean_mem_, running_var_mem_, workspace_;
    const dnnl::memory* src_ = nullptr;
    dnnl::memory dst_, diff_src_;
    float unbias_ = 1.0f;  // n / (n - 1) over the reduced elements
    std::vector<double> sum_mean_, sum_square_;  // of per-batch mean and mean^2 + variance
    int statistics_batches_ = 0;
};

}  // namespace tinydigit::trainer
