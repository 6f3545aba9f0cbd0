// Fully connected layer with bias. A 4-D input is flattened by the primitive itself, with
// weights [O, C, H, W] (the checkpoint's flatten order, see architecture.hpp). Always f32.
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
    dnnl::memory ip_src_;  // an f32 copy when the input is bf16
};

}  // namespace tinydigit::trainer
