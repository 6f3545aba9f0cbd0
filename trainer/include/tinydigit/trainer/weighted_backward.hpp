// The backward pass of a layer with weights and a bias (convolution, inner product): the
// weight and bias gradients, reordered into the master layout Adam updates when oneDNN chose
// another; then, if the layer passes a gradient on, the input gradient computed with the
// weights in backward-data's layout and converted back to the layout the layer received.
#pragma once

#include <optional>

#include "tinydigit/trainer/layer.hpp"

namespace tinydigit::trainer {

struct WeightedBackward {
    dnnl::primitive weights;              // backward-weights
    std::optional<dnnl::primitive> data;  // backward-data; absent when no input gradient is needed
    dnnl::memory grad_weight_raw;         // backward-weights' output when its layout differs from the master's
    dnnl::memory data_weight;             // the weights in backward-data's layout when it differs
    dnnl::memory computed_diff_src;       // backward-data's output, in the primitive's src layout
    dnnl::memory diff_src;                // the layer's input gradient (computed_diff_src unless that needs a reorder)

    // `src` is the input the forward pass computed with (in the primitive's layout).
    const dnnl::memory& run(Device& device, Parameter& weight, Parameter& bias, const dnnl::memory& src,
                            const dnnl::memory& diff_dst);
};

}  // namespace tinydigit::trainer
