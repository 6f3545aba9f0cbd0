// Convolution, stride 1, square kernel, symmetric zero padding, with bias; activations and
// the weights it computes with in the device's precision, master weights and gradients f32.
#pragma once

#include <memory>
#include <optional>

#include "tinydigit/trainer/layer.hpp"

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
    dnnl::convolution_backward_weights bwd_weights_;
    std::optional<dnnl::convolution_backward_data> bwd_data_;
    dnnl::memory conv_src_;        // src in the layout the convolution wants (a copy if needed)
    const dnnl::memory* src_ = nullptr;
    bool src_reordered_ = false;
    dnnl::memory dst_;
    dnnl::memory fwd_weight_;       // bf16: the weights the forward computes with
    dnnl::memory grad_weight_raw_;  // bwd-weights output when its layout differs from weight_'s
    dnnl::memory bwd_data_weight_;  // weights in the bwd-data layout when it differs
    dnnl::memory bw_src_, bw_diff_dst_;  // channels-last copies where bwd-weights needs them
    dnnl::memory conv_diff_src_, diff_src_;
};

}  // namespace tinydigit::trainer
