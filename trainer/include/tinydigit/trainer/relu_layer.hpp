// ReLU as a standalone eltwise primitive (after dense1; the convs fuse it into BN).
#pragma once

#include "tinydigit/trainer/layer.hpp"

namespace tinydigit::trainer {

class ReluLayer : public Layer {
public:
    ReluLayer(Device& device, const dnnl::memory::desc& src_desc);
    const dnnl::memory::desc& dst_desc() const override { return desc_; }
    const dnnl::memory& forward(const dnnl::memory& src, Mode mode) override;
    const dnnl::memory& backward(const dnnl::memory& diff_dst) override;

private:
    Device& device_;
    dnnl::memory::desc desc_;
    dnnl::eltwise_forward fwd_;
    dnnl::eltwise_backward bwd_;
    const dnnl::memory* src_ = nullptr;
    dnnl::memory dst_, diff_src_;
};

}  // namespace tinydigit::trainer
