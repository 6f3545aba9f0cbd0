#include "tinydigit/trainer/inner_product_layer.hpp"

namespace tinydigit::trainer {

using dnnl::memory;
using dnnl::prop_kind;

InnerProductLayer::InnerProductLayer(Device& device, const std::string& name, const memory::desc& src_desc,
                                     int out_features, bool need_diff_src)
    : WeightedLayer(device) {
    // The dense layers are a fraction of a percent of the work: they run in f32 in both
    // precisions, so the logits and the loss stay f32. A bf16 input is converted here.
    const memory::desc ip_src_desc = with_type(src_desc, memory::data_type::f32);
    if (ip_src_desc != src_desc) ip_src_ = memory(ip_src_desc, device.engine);
    const auto in = src_desc.dims();
    memory::dims weight_dims = in;
    weight_dims[0] = out_features;
    int fan_in = 1;
    std::vector<int> shape{out_features};
    for (std::size_t i = 1; i < in.size(); ++i) {
        fan_in *= static_cast<int>(in[i]);
        shape.push_back(static_cast<int>(in[i]));
    }
    const auto bias_desc = plain_desc({out_features});
    // The logits stay plain (n x classes) for the hand-written loss.
    const auto dst_desc = plain_desc({in[0], out_features});

    const dnnl::inner_product_forward::primitive_desc fwd_pd(
        {prop_kind::forward_training, ip_src_desc, any_desc(weight_dims), bias_desc, dst_desc}, device.engine);
    check_implementation(device, fwd_pd, name + " forward");
    fwd_ = dnnl::inner_product_forward(fwd_pd);
    dst_desc_ = fwd_pd.dst_desc();
    dst_ = memory(dst_desc_, device.engine);
    weight_ = {name + ".weight", shape, plain_desc(weight_dims), memory(fwd_pd.weights_desc(), device.engine),
               memory(fwd_pd.weights_desc(), device.engine), fan_in, out_features, 0.0f};
    bias_ = {name + ".bias", {out_features}, bias_desc, memory(bias_desc, device.engine),
             memory(bias_desc, device.engine), 0, 0, 0.0f};

    const dnnl::inner_product_backward_weights::primitive_desc bw_pd(
        {ip_src_desc, any_desc(weight_dims), bias_desc, dst_desc_}, device.engine, fwd_pd);
    check_implementation(device, bw_pd, name + " backward-weights");
    bwd_weights_ = dnnl::inner_product_backward_weights(bw_pd);
    if (bw_pd.diff_weights_desc() != fwd_pd.weights_desc())
        grad_weight_raw_ = memory(bw_pd.diff_weights_desc(), device.engine);
    if (need_diff_src) {
        const dnnl::inner_product_backward_data::primitive_desc bd_pd(
            {ip_src_desc, any_desc(weight_dims), dst_desc_}, device.engine, fwd_pd);
        check_implementation(device, bd_pd, name + " backward-data");
        bwd_data_ = dnnl::inner_product_backward_data(bd_pd);
        if (bd_pd.weights_desc() != fwd_pd.weights_desc())
            bwd_data_weight_ = memory(bd_pd.weights_desc(), device.engine);
        computed_diff_src_ = memory(ip_src_desc, device.engine);
        diff_src_ = ip_src_ ? memory(src_desc, device.engine) : computed_diff_src_;
    }
}

const memory& InnerProductLayer::forward(const memory& src, Mode) {
    if (ip_src_) reorder_into(device_, src, ip_src_);
    computed_src_ = ip_src_ ? &ip_src_ : &src;
    fwd_.execute(device_.stream, {{DNNL_ARG_SRC, *computed_src_},
                                  {DNNL_ARG_WEIGHTS, weight_.value},
                                  {DNNL_ARG_BIAS, bias_.value},
                                  {DNNL_ARG_DST, dst_}});
    return dst_;
}

}  // namespace tinydigit::trainer
