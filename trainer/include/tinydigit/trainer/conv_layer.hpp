// Convolution, stride 1, square kernel, symmetric zero padding, with bias; activations and
// the weights it computes with in the device's precision, master weights and gradients f32.
// oneDNN's primitives compute it, or, for 3x3 kernels where it measured faster, the trainer's
// own Winograd convolution (winograd_conv.hpp) with channels-last activations.
#pragma once

#include <memory>

#include "tinydigit/trainer/weighted_layer.hpp"
#include "tinydigit/trainer/winograd_conv.hpp"

namespace tinydigit::trainer {

enum class ConvChoice {
    kFastest,      // what measured fastest for the shape on this CPU (see conv_layer.cpp)
    kOneDnn,       // oneDNN's primitives (its Winograd or direct kernels)
    kOwnWinograd,  // WinogradConv (f32 GEMMs); 3x3 only (std::invalid_argument otherwise)
};

class ConvLayer : public WeightedLayer {
public:
    ConvLayer(Device& device, const std::string& name, const dnnl::memory::desc& src_desc,
              int out_channels, int kernel, int padding, bool need_diff_src,
              ConvChoice choice = ConvChoice::kFastest);
    const dnnl::memory& forward(const dnnl::memory& src, Mode mode) override;
    const dnnl::memory& backward(const dnnl::memory& diff_dst) override;
    bool uses_own_winograd() const { return winograd_ != nullptr; }

private:
    // weight_ and bias_ with the master weights in `master`'s layout.
    void set_parameters(const std::string& name, const dnnl::memory::desc& master);
    void set_up_own_winograd(const std::string& name, int out_channels, int padding, bool need_diff_src);

    dnnl::memory::desc src_desc_;
    dnnl::convolution_forward fwd_;
    dnnl::memory conv_src_;  // src in the layout the convolution wants (a copy if needed)
    bool src_reordered_ = false;
    std::unique_ptr<WinogradConv> winograd_;
};

}  // namespace tinydigit::trainer
