#include "tinydigit/trainer/max_pool_layer.hpp"

namespace tinydigit::trainer {

using dnnl::algorithm;
using dnnl::memory;

MaxPoolLayer::MaxPoolLayer(Device& device, const memory::desc& src_desc) : device_(device) {
    const auto d = src_desc.dims();
    const memory::dims strides{2, 2}, kernel{2, 2}, pad{0, 0};
    const dnnl::pooling_forward::primitive_desc fwd_pd(
        {dnnl::prop_kind::forward_training, algorithm::pooling_max, src_desc,
         any_desc({d[0], d[1], d[2] / 2, d[3] / 2}, src_desc.data_type()), strides, kernel, pad, pad},
        device.engine);
    dst_desc_ = fwd_pd.dst_desc();
    const dnnl::pooling_backward::primitive_desc bwd_pd(
        {algorithm::pooling_max, src_desc, dst_desc_, strides, kernel, pad, pad}, device.engine, fwd_pd);
    const std::string what = "max-pool " + dims_text(src_desc);
    check_implementation(device, fwd_pd, what + " forward");
    check_implementation(device, bwd_pd, what + " backward");
    fwd_ = dnnl::pooling_forward(fwd_pd);
    bwd_ = dnnl::pooling_backward(bwd_pd);
    workspace_ = memory(fwd_pd.workspace_desc(), device.engine);
    dst_ = memory(dst_desc_, device.engine);
    diff_src_ = memory(src_desc, device.engine);
}

const memory& MaxPoolLayer::forward(const memory& src, Mode) {
    fwd_.execute(device_.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst_}, {DNNL_ARG_WORKSPACE, workspace_}});
    return dst_;
}

const memory& MaxPoolLayer::backward(const memory& diff_dst) {
    bwd_.execute(device_.stream,
                 {{DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_SRC, diff_src_}, {DNNL_ARG_WORKSPACE, workspace_}});
    return diff_src_;
}

}  // namespace tinydigit::trainer
