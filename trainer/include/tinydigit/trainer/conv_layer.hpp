// Convolution, stride 1, square kernel, symmetric zero padding, with bias; activations and
// the weights it computes with in the device's precision, master weights and gradients f32.
#pragma once

#include <memory>

#include "tinydigit/trainer/weighted_backward.hpp"

namespace tinydigit::trainer {

class ConvLayer : public Layer {
public:
    ConvLayer(Device& device, const std::string& name, const dnnl::memory::desc& src_desc,
              int out_channels, int kernel, int padding, bool need_diff_src);
    const dnnl::memory::desc& dst_desc() const override { return dst_desc_; }
    const dnnl::memory& forward(const dnnl::memory& src, Mode mode) override;
    const dnnl::memory& backward(const dnnl::memory& diff_dst) override;
    std::vector<Parameter*> parameters() override { return {&weight_, &bias_}; }

private:
    Device& device_;
    dnnl::memory::desc src_desc_, dst_desc_;
    Parameter weight_, bias_;
    dnnl::convolution_forward fwd_;
    dnnl::memory conv_src_;        // src in the layout the convolution wants (a copy if needed)
    const dnnl::memory* src_ = nullptr;
    bool src_reordered_ = false;
    dnnl::memory dst_;
    dnnl::memory fwd_weight_;  // bf16: the weights the forward computes with
    WeightedBackward backward_;
};

}  // namespace tinydigit::trainer
