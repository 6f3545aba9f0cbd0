// Max pooling 2x2, stride 2, no padding (odd sizes drop the last row and column: 17 -> 8).
#pragma once

#include "tinydigit/trainer/layer.hpp"

namespace tinydigit::trainer {

class MaxPoolLayer : public Layer {
public:
    MaxPoolLayer(Device& device, const dnnl::memory::desc& src_desc);
    const dnnl::memory::desc& dst_desc() const override { return dst_desc_; }
    const dnnl::memory& forward(const dnnl::memory& src, Mode mode) override;
    const dnnl::memory& backward(const dnnl::memory& diff_dst) override;

private:
    Device& device_;
    dnnl::memory::desc dst_desc_;
    dnnl::pooling_forward fwd_;
    dnnl::pooling_backward bwd_;
    dnnl::memory workspace_, dst_, diff_src_;
};

}  // namespace tinydigit::trainer
