// Convolution, stride 1, square kernel, symmetric zero padding, with bias; activations and
// the weights it computes with in the device's precision, master weights and gradients f32.
#pragma once

#include <memory>

#include "tinydigit/trainer/weighted_layer.hpp"

namespace tinydigit::trainer {

class ConvLayer : public WeightedLayer {
public:
    ConvLayer(Device& device, const std::string& name, const dnnl::memory::desc& src_desc,
              int out_channels, int kernel, int padding, bool need_diff_src);
    const dnnl::memory& forward(const dnnl::memory& src, Mode mode) override;

private:
    dnnl::memory::desc src_desc_;
    dnnl::convolution_forward fwd_;
    dnnl::memory conv_src_;  // src in the layout the convolution wants (a copy if needed)
    bool src_reordered_ = false;
};

}  // namespace tinydigit::trainer
