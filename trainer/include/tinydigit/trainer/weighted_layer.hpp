// A layer with weights and a bias (convolution, inner product). What such layers share lives
// here: their parameters, output, and the backward pass: the weight and bias gradients,
// reordered into the master layout Adam updates when oneDNN chose another; then, if the layer
// passes a gradient on, the input gradient computed with the weights in backward-data's
// layout and converted back to the layout the layer received.
#pragma once

#include <optional>

#include "tinydigit/trainer/layer.hpp"

namespace tinydigit::trainer {

class WeightedLayer : public Layer {
public:
    const dnnl::memory::desc& dst_desc() const final { return dst_desc_; }
    const dnnl::memory& backward(const dnnl::memory& diff_dst) override;
    std::vector<Parameter*> parameters() final { return {&weight_, &bias_}; }

protected:
    explicit WeightedLayer(Device& device) : device_(device) {}

    Device& device_;
    dnnl::memory::desc dst_desc_;
    dnnl::memory dst_;
    Parameter weight_, bias_;
    const dnnl::memory* computed_src_ = nullptr;  // forward() sets it: its input in the primitive's layout

    // Set up by the derived constructor.
    dnnl::primitive bwd_weights_;
    std::optional<dnnl::primitive> bwd_data_;  // absent when no input gradient is needed
    dnnl::memory bw_src_, bw_diff_dst_;  // src and diff_dst in backward-weights' layouts where they differ
    dnnl::memory grad_weight_raw_;    // backward-weights' output when its layout differs from the master's
    dnnl::memory fwd_weight_;         // bf16: the weights the forward computes with
    dnnl::memory bwd_data_weight_;    // the weights in backward-data's layout when it differs
    dnnl::memory computed_diff_src_;  // backward-data's output, in the primitive's src layout
    dnnl::memory computed_diff_src_view_;  // its bytes with the input's dims, where the primitive saw other dims
    dnnl::memory diff_src_;           // the input gradient (computed_diff_src_ unless that needs a reorder)
};

}  // namespace tinydigit::trainer
