#include "tinydigit/trainer/relu_layer.hpp"

namespace tinydigit::trainer {

using dnnl::algorithm;
using dnnl::memory;

ReluLayer::ReluLayer(Device& device, const memory::desc& src_desc)
    : device_(device), desc_(src_desc), dst_(src_desc, device.engine), diff_src_(src_desc, device.engine) {
    const dnnl::eltwise_forward::primitive_desc fwd_pd(
        {dnnl::prop_kind::forward_training, algorithm::eltwise_relu, src_desc, 0.0f, 0.0f}, device.engine);
    const dnnl::eltwise_backward::primitive_desc bwd_pd({algorithm::eltwise_relu, src_desc, src_desc, 0.0f, 0.0f},
                                                        device.engine, fwd_pd);
    const std::string what = "relu " + dims_text(src_desc);
    check_implementation(device, fwd_pd, what + " forward");
    check_implementation(device, bwd_pd, what + " backward");
    fwd_ = dnnl::eltwise_forward(fwd_pd);
    bwd_ = dnnl::eltwise_backward(bwd_pd);
}

const memory& ReluLayer::forward(const memory& src, Mode) {
    src_ = &src;
    fwd_.execute(device_.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst_}});
    return dst_;
}

const memory& ReluLayer::backward(const memory& diff_dst) {
    bwd_.execute(device_.stream, {{DNNL_ARG_SRC, *src_}, {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_SRC, diff_src_}});
    return diff_src_;
}

}  // namespace tinydigit::trainer
