#include "tinydigit/trainer/inner_product_layer.hpp"

namespace tinydigit::trainer {

using dnnl::memory;
using dnnl::prop_kind;

InnerProductLayer::InnerProductLayer(Device& device, const std::string& name, const memory::desc& src_desc,
                                     int out_features, bool need_diff_src)
    : WeightedLayer(device) {
    // The dense layers are a fraction of a percent of the work: they run in f32 in both
    // precisions, so the logits and the loss stay f32. The primitive sees its input as a plain
    // n x (c h w) matrix: with a 4-D channel-blocked input oneDNN 2.6 runs a GEMM whose forward
    // and backward-data want the weights in two layouts (a reorder of dense1's 524k weights
    // every step); on the plain matrix its brgemm kernels (AVX-512) take one layout in all three
    // passes (ONEDNN_VERBOSE, Zen4, batch 32, dense1's passes and reorders per step: f32 0.64 ->
    // 0.43 ms, bf16 0.58 -> 0.47 ms; AVX2 keeps the GEMM, 0.79 -> 0.87 ms, within the noise).
    // An input in another shape, layout or precision is converted into that matrix first.
    const auto in = src_desc.dims();
    memory::dim flat = 1;
    std::vector<int> shape{out_features};
    for (std::size_t i = 1; i < in.size(); ++i) {
        flat *= in[i];
        shape.push_back(static_cast<int>(in[i]));
    }
    const memory::desc ip_src_desc = plain_desc({in[0], flat});
    const bool flattened = ip_src_desc != src_desc;
    if (flattened) {
        ip_src_ = memory(ip_src_desc, device.engine);
        ip_src_as_input_ = memory(plain_desc(in), device.engine, ip_src_.get_data_handle());
    }
    const memory::dims weight_dims{out_features, flat};
    const auto bias_desc = plain_desc({out_features});
    // The logits stay plain (n x classes) for the hand-written loss.
    const auto dst_desc = plain_desc({in[0], out_features});

    const dnnl::inner_product_forward::primitive_desc fwd_pd(
        {prop_kind::forward_training, ip_src_desc, any_desc(weight_dims), bias_desc, dst_desc}, device.engine);
    check_implementation(device, fwd_pd, name + " forward");
    fwd_ = dnnl::inner_product_forward(fwd_pd);
    dst_desc_ = fwd_pd.dst_desc();
    dst_ = memory(dst_desc_, device.engine);
    // The checkpoint's shape is [O, C, H, W]; its plain bytes are those of the O x (C H W) matrix.
    weight_ = {name + ".weight", shape, plain_desc(weight_dims), memory(fwd_pd.weights_desc(), device.engine),
               memory(fwd_pd.weights_desc(), device.engine), static_cast<int>(flat), out_features, 0.0f};
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
        diff_src_ = computed_diff_src_;
        if (flattened) {
            diff_src_ = memory(src_desc, device.engine);
            computed_diff_src_view_ = memory(plain_desc(in), device.engine, computed_diff_src_.get_data_handle());
        }
    }
}

const memory& InnerProductLayer::forward(const memory& src, Mode) {
    if (ip_src_) reorder_into(device_, src, ip_src_as_input_);
    computed_src_ = ip_src_ ? &ip_src_ : &src;
    fwd_.execute(device_.stream, {{DNNL_ARG_SRC, *computed_src_},
                                  {DNNL_ARG_WEIGHTS, weight_.value},
                                  {DNNL_ARG_BIAS, bias_.value},
                                  {DNNL_ARG_DST, dst_}});
    return dst_;
}

}  // namespace tinydigit::trainer
