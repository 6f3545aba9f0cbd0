#include "tinydigit/trainer/weighted_layer.hpp"

namespace tinydigit::trainer {

const dnnl::memory& WeightedLayer::backward(const dnnl::memory& diff_dst) {
    const dnnl::memory& raw = grad_weight_raw_ ? grad_weight_raw_ : weight_.grad;
    if (bw_src_) reorder_into(device_, *computed_src_, bw_src_);
    if (bw_diff_dst_) reorder_into(device_, diff_dst, bw_diff_dst_);
    bwd_weights_.execute(device_.stream, {{DNNL_ARG_SRC, bw_src_ ? bw_src_ : *computed_src_},
                                          {DNNL_ARG_DIFF_DST, bw_diff_dst_ ? bw_diff_dst_ : diff_dst},
                                          {DNNL_ARG_DIFF_WEIGHTS, raw},
                                          {DNNL_ARG_DIFF_BIAS, bias_.grad}});
    if (grad_weight_raw_) reorder_into(device_, grad_weight_raw_, weight_.grad);
    if (!bwd_data_) return diff_src_;
    // From the forward's bf16 copy where there is one: the same values, half the bytes to read.
    if (bwd_data_weight_) reorder_into(device_, fwd_weight_ ? fwd_weight_ : weight_.value, bwd_data_weight_);
    bwd_data_->execute(device_.stream, {{DNNL_ARG_DIFF_DST, diff_dst},
                                        {DNNL_ARG_WEIGHTS, bwd_data_weight_ ? bwd_data_weight_ : weight_.value},
                                        {DNNL_ARG_DIFF_SRC, computed_diff_src_}});
    if (diff_src_ != computed_diff_src_) {
        reorder_into(device_, computed_diff_src_view_ ? computed_diff_src_view_ : computed_diff_src_, diff_src_);
    }
    return diff_src_;
}

}  // namespace tinydigit::trainer
