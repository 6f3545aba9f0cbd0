#include "tinydigit/trainer/bn_relu_layer.hpp"

#include <algorithm>

namespace tinydigit::trainer {

using dnnl::memory;
using dnnl::normalization_flags;
using dnnl::prop_kind;

BnReluLayer::BnReluLayer(Device& device, const std::string& name, const memory::desc& src_desc)
    : device_(device), name_(name), desc_(src_desc) {
    const auto dims = src_desc.dims();
    const memory::dim c = dims[1];
    const auto channel_desc = plain_desc({c});
    const auto flags = normalization_flags::use_scale | normalization_flags::use_shift |
                       normalization_flags::fuse_norm_relu;

    const dnnl::batch_normalization_forward::primitive_desc train_pd(
        {prop_kind::forward_training, src_desc, kEpsilon, flags}, device.engine);
    const dnnl::batch_normalization_forward::primitive_desc eval_pd(
        {prop_kind::forward_inference, src_desc, kEpsilon, flags | normalization_flags::use_global_stats},
        device.engine);
    const dnnl::batch_normalization_backward::primitive_desc bwd_pd(
        {prop_kind::backward, src_desc, src_desc, kEpsilon, flags}, device.engine, train_pd);
    check_implementation(device, train_pd, name + " forward");
    check_implementation(device, eval_pd, name + " inference");
    check_implementation(device, bwd_pd, name + " backward");
    train_fwd_ = dnnl::batch_normalization_forward(train_pd);
    eval_fwd_ = dnnl::batch_normalization_forward(eval_pd);
    bwd_ = dnnl::batch_normalization_backward(bwd_pd);

    const int channels = static_cast<int>(c);
    gamma_ = {name + ".gamma", {channels}, channel_desc, memory(channel_desc, device.engine),
              memory(channel_desc, device.engine), 0, 0, 1.0f};
    beta_ = {name + ".beta", {channels}, channel_desc, memory(channel_desc, device.engine),
             memory(channel_desc, device.engine), 0, 0, 0.0f};
    running_mean_.assign(static_cast<std::size_t>(c), 0.0f);
    running_var_.assign(static_cast<std::size_t>(c), 1.0f);
    mean_ = memory(train_pd.mean_desc(), device.engine);
    variance_ = memory(train_pd.variance_desc(), device.engine);
    running_mean_mem_ = memory(channel_desc, device.engine, running_mean_.data());
    running_var_mem_ = memory(channel_desc, device.engine, running_var_.data());
    workspace_ = memory(train_pd.workspace_desc(), device.engine);
    dst_ = memory(src_desc, device.engine);
    diff_src_ = memory(src_desc, device.engine);
    const double reduced = static_cast<double>(dims[0] * dims[2] * dims[3]);
    unbias_ = reduced > 1 ? static_cast<float>(reduced / (reduced - 1)) : 1.0f;
}

std::vector<Buffer> BnReluLayer::buffers() {
    return {{name_ + ".running_mean", &running_mean_}, {name_ + ".running_var", &running_var_}};
}

const memory& BnReluLayer::forward(const memory& src, Mode mode) {
    src_ = &src;
    if (mode == Mode::kEval) {
        eval_fwd_.execute(device_.stream, {{DNNL_ARG_SRC, src},
                                           {DNNL_ARG_MEAN, running_mean_mem_},
                                           {DNNL_ARG_VARIANCE, running_var_mem_},
                                           {DNNL_ARG_SCALE, gamma_.value},
                                           {DNNL_ARG_SHIFT, beta_.value},
                                           {DNNL_ARG_DST, dst_}});
        return dst_;
    }
    train_fwd_.execute(device_.stream, {{DNNL_ARG_SRC, src},
                                        {DNNL_ARG_MEAN, mean_},
                                        {DNNL_ARG_VARIANCE, variance_},
                                        {DNNL_ARG_SCALE, gamma_.value},
                                        {DNNL_ARG_SHIFT, beta_.value},
                                        {DNNL_ARG_WORKSPACE, workspace_},
                                        {DNNL_ARG_DST, dst_}});
    const float* mean = data_of(mean_);
    const float* var = data_of(variance_);
    if (mode == Mode::kStatistics) {
        for (std::size_t i = 0; i < sum_mean_.size(); ++i) {
            sum_mean_[i] += mean[i];
            sum_square_[i] += static_cast<double>(mean[i]) * mean[i] + var[i];
        }
        ++statistics_batches_;
        return dst_;
    }
    for (std::size_t i = 0; i < running_mean_.size(); ++i) {
        running_mean_[i] = kMomentum * running_mean_[i] + (1.0f - kMomentum) * mean[i];
        running_var_[i] = kMomentum * running_var_[i] + (1.0f - kMomentum) * var[i] * unbias_;
    }
    return dst_;
}

void BnReluLayer::begin_statistics() {
    sum_mean_.assign(running_mean_.size(), 0.0);
    sum_square_.assign(running_mean_.size(), 0.0);
    statistics_batches_ = 0;
}

void BnReluLayer::end_statistics() {
    if (statistics_batches_ == 0) return;
    const double n = statistics_batches_;
    for (std::size_t i = 0; i < running_mean_.size(); ++i) {
        const double mean = sum_mean_[i] / n;
        running_mean_[i] = static_cast<float>(mean);
        running_var_[i] = static_cast<float>(std::max(0.0, sum_square_[i] / n - mean * mean));
    }
}

const memory& BnReluLayer::backward(const memory& diff_dst) {
    // DNNL_ARG_SHIFT is required at execute time in oneDNN 2.6 even though backward ignores it.
    bwd_.execute(device_.stream, {{DNNL_ARG_SRC, *src_},
                                  {DNNL_ARG_MEAN, mean_},
                                  {DNNL_ARG_VARIANCE, variance_},
                                  {DNNL_ARG_SCALE, gamma_.value},
                                  {DNNL_ARG_SHIFT, beta_.value},
                                  {DNNL_ARG_WORKSPACE, workspace_},
                                  {DNNL_ARG_DIFF_DST, diff_dst},
                                  {DNNL_ARG_DIFF_SRC, diff_src_},
                                  {DNNL_ARG_DIFF_SCALE, gamma_.grad},
                                  {DNNL_ARG_DIFF_SHIFT, beta_.grad}});
    return diff_src_;
}

}  // namespace tinydigit::trainer
