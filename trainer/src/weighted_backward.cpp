#include "tinydigit/trainer/weighted_backward.hpp"

namespace tinydigit::trainer {

const dnnl::memory& WeightedBackward::run(Device& device, Parameter& weight, Parameter& bias, const dnnl::memory& src,
                                          const dnnl::memory& diff_dst) {
    const dnnl::memory& raw = grad_weight_raw ? grad_weight_raw : weight.grad;
    weights.execute(device.stream, {{DNNL_ARG_SRC, src},
                                    {DNNL_ARG_DIFF_DST, diff_dst},
                                    {DNNL_ARG_DIFF_WEIGHTS, raw},
                                    {DNNL_ARG_DIFF_BIAS, bias.grad}});
    if (grad_weight_raw) reorder_into(device, grad_weight_raw, weight.grad);
    if (!data) return diff_src;
    if (data_weight) reorder_into(device, weight.value, data_weight);
    data->execute(device.stream, {{DNNL_ARG_DIFF_DST, diff_dst},
                                  {DNNL_ARG_WEIGHTS, data_weight ? data_weight : weight.value},
                                  {DNNL_ARG_DIFF_SRC, computed_diff_src}});
    if (diff_src != computed_diff_src) reorder_into(device, computed_diff_src, diff_src);
    return diff_src;
}

}  // namespace tinydigit::trainer
