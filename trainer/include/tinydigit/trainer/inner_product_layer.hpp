// Fully connected layer with bias. A 4-D input is flattened in C, H, W order (the checkpoint's
// weights are [O, C, H, W], see architecture.hpp). Always f32.
#pragma once

#include "tinydigit/trainer/weighted_layer.hpp"

namespace tinydigit::trainer {

class InnerProductLayer : public WeightedLayer {
public:
    InnerProductLayer(Device& device, const std::string& name, const dnnl::memory::desc& src_desc,
                      int out_features, bool need_diff_src);
    const dnnl::memory& forward(const dnnl::memory& src, Mode mode) override;

private:
    dnnl::inner_product_forward fwd_;
    dnnl::memory ip_src_;           // the input as a plain f32 n x (c h w) matrix, unless it is one
    dnnl::memory ip_src_as_input_;  // the same bytes with the input's dims (n, c, h, w)
};

}  // namespace tinydigit::trainer
