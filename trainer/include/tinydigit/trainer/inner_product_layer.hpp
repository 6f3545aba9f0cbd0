// Fully connected layer with bias. A 4-D input is flattened by the primitive itself, with
// weights [O, C, H, W] (the checkpoint's flatten order, see architecture.hpp). Always f32.
#pragma once

#include "tinydigit/trainer/weighted_backward.hpp"

namespace tinydigit::trainer {

class InnerProductLayer : public Layer {
public:
    InnerProductLayer(Device& device, const std::string& name, const dnnl::memory::desc& src_desc,
                      int out_features, bool need_diff_src);
    const dnnl::memory::desc& dst_desc() const override { return dst_desc_; }
    const dnnl::memory& forward(const dnnl::memory& src, Mode mode) override;
    const dnnl::memory& backward(const dnnl::memory& diff_dst) override;
    std::vector<Parameter*> parameters() override { return {&weight_, &bias_}; }

private:
    Device& device_;
    dnnl::memory::desc dst_desc_;
    Parameter weight_, bias_;
    dnnl::inner_product_forward fwd_;
    const dnnl::memory* src_ = nullptr;
    dnnl::memory ip_src_;  // an f32 copy when the input is bf16
    dnnl::memory dst_;
    WeightedBackward backward_;
};

}  // namespace tinydigit::trainer
