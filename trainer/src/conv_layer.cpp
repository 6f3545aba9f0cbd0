#include "tinydigit/trainer/conv_layer.hpp"

#include <stdexcept>

#include "tinydigit/trainer/cpu_isa.hpp"

namespace tinydigit::trainer {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;

namespace {

// Winograd F(4x4, 3x3) trains the 3x3 convolutions with 32 or more input channels in 0.5-0.9
// of the direct kernels' time (oneDNN 2.6 on Zen4, f32, 2 threads, batch 32, forward +
// backward-data + backward-weights: 256->256 at 8x8 15.3 -> 7.9 ms, 64->64 at 17x17 5.1 -> 2.7
// ms, 32->32 at 17x17 about 0.9x); with 16 it was slower (1.2-1.6x). oneDNN has it for f32 on
// AVX-512 only (below AVX-512 the 3x3 convs run the trainer's own, own_winograd_fastest). Taken
// only when all three passes have it and agree on the layouts the forward chose, which the
// layer's backward relies on.
constexpr memory::dim kWinogradMinChannels = 32;

algorithm winograd_if_available(const dnnl::engine& engine, const dnnl::convolution_forward::desc& winograd_forward,
                                const dnnl::convolution_backward_data::desc& winograd_backward_data,
                                const dnnl::convolution_backward_weights::desc& winograd_backward_weights) {
    try {
        const dnnl::convolution_forward::primitive_desc fwd(winograd_forward, engine);
        const dnnl::convolution_backward_data::primitive_desc bd(winograd_backward_data, engine, fwd);
        const dnnl::convolution_backward_weights::primitive_desc bw(winograd_backward_weights, engine, fwd);
        const bool agree = bd.diff_dst_desc() == fwd.dst_desc() && bd.diff_src_desc() == fwd.src_desc() &&
                           bw.src_desc() == fwd.src_desc() && bw.diff_dst_desc() == fwd.dst_desc();
        return agree ? algorithm::convolution_winograd : algorithm::convolution_direct;
    } catch (const dnnl::error& e) {
        if (e.status != dnnl_unimplemented) throw;
        return algorithm::convolution_direct;
    }
}

// The trainer's Winograd (WinogradConv) against oneDNN, ms per forward + backward-data +
// backward-weights at batch 32 (benchmarks/train_speed/conv3x3_speed, Zen4, 1 thread,
// 2026-11-29 after its transforms ran 256 channels per step):
//   AVX2 (oneDNN capped; direct kernels only): conv3 32->64 17x17 8.45 -> 6.06, conv4 64->64
//   17x17 16.4 -> 9.57, conv5 64->256 8x8 14.2 -> 4.85, conv6 256->256 8x8 58.0 -> 18.9;
//   AVX-512, against oneDNN's Winograd: conv5 4.58 -> 2.43, conv6 14.9 -> 10.5, and on the
//   17x17 maps (25 tiles of 4x4 cover 20x20) conv3 3.35 -> 3.22, conv4 6.26 -> 5.74; but ours on
//   conv3 and conv4 too slowed an f32 step (train_speed, 2 threads: batch 32 1,094-1,122 against
//   1,130-1,146 img/s, batch 128 1,162-1,177 against 1,180-1,227; their neighbours' layouts).
// So ours takes every f32 3x3 convolution below AVX-512 and those with maps up to 8x8 (whole
// tiles) on AVX-512.
// In bf16 (oneDNN 2.6 has no bf16 Winograd) ours runs F(2x2, 3x3) with bf16 products (bf16
// activations and GEMM operands; winograd_conv.hpp) against oneDNN's bf16 direct kernels, same
// bench, 2 threads, Zen4, batch 32: conv5 1.97 -> 1.11 ms, conv6 7.32-7.43 -> 3.91-4.25 (F(4x4,
// 3x3) with f32 products: 1.18-1.20 and 4.88-5.37), conv4 2.08-2.11 -> 1.82-1.85; at batch 128
// conv5 8.98 -> 6.40, conv6 32.5 -> 20.3, but conv4 8.81 -> 11.65. In the network ours on conv3
// and conv4 as well slowed a step (train_speed 32: 1,662 / 1,670 against 1,727 / 1,796 img/s):
// their neighbours' layouts and the transforms over 2,592 tiles cost more than the GEMMs save.
// So in bf16 ours takes the 8x8 maps where the CPU has AVX-512 BF16 (elsewhere oneDNN emulates
// bf16).
bool own_winograd_fastest(const Device& device, int kernel, memory::dim out_height, memory::dim out_width) {
    if (kernel != 3) return false;
    const bool small_maps = out_height <= 8 && out_width <= 8;
    if (device.activations == memory::data_type::bf16) return bf16_native() && small_maps;
    return !avx512_supported() || small_maps;
}

}  // namespace

ConvLayer::ConvLayer(Device& device, const std::string& name, const memory::desc& src_desc,
                     int out_channels, int kernel, int padding, bool need_diff_src, ConvChoice choice)
    : WeightedLayer(device), src_desc_(src_desc) {
    const auto in = src_desc.dims();
    const memory::dim n = in[0], c = in[1], h = in[2], w = in[3];
    const memory::dim oh = h + 2 * padding - kernel + 1, ow = w + 2 * padding - kernel + 1;
    if (choice == ConvChoice::kOwnWinograd ||
        (choice == ConvChoice::kFastest && own_winograd_fastest(device, kernel, oh, ow))) {
        if (kernel != 3) throw std::invalid_argument(name + ": the own Winograd convolution is for 3x3 kernels");
        set_up_own_winograd(name, out_channels, padding, need_diff_src);
        return;
    }
    const memory::dims weight_dims{out_channels, c, kernel, kernel}, bias_dims{out_channels};
    const memory::dims strides{1, 1}, pad{padding, padding};
    const auto bias_desc = plain_desc(bias_dims);

    const auto act = device.activations;
    const auto src_any = any_desc(in, act), weights_any = any_desc(weight_dims, act),
               dst_any = any_desc({n, out_channels, oh, ow}, act);
    const algorithm alg =
        c < kWinogradMinChannels
            ? algorithm::convolution_direct
            : winograd_if_available(device.engine,
                                    {prop_kind::forward_training, algorithm::convolution_winograd, src_any,
                                     weights_any, bias_desc, dst_any, strides, pad, pad},
                                    {algorithm::convolution_winograd, src_any, weights_any, dst_any, strides, pad, pad},
                                    {algorithm::convolution_winograd, src_any, any_desc(weight_dims), bias_desc,
                                     dst_any, strides, pad, pad});
    const dnnl::convolution_forward::primitive_desc fwd_pd(
        {prop_kind::forward_training, alg, src_any, weights_any, bias_desc, dst_any, strides, pad, pad},
        device.engine);
    fwd_ = dnnl::convolution_forward(fwd_pd);
    dst_desc_ = fwd_pd.dst_desc();
    dst_ = memory(dst_desc_, device.engine);
    src_reordered_ = fwd_pd.src_desc() != src_desc;
    if (src_reordered_) conv_src_ = memory(fwd_pd.src_desc(), device.engine);

    // Weight gradients are f32 in both precisions.
    auto backward_weights_pd = [&](algorithm a, const memory::desc& src, const memory::desc& diff_dst,
                                   const dnnl::convolution_forward::primitive_desc& hint) {
        return dnnl::convolution_backward_weights::primitive_desc(
            {a, src, any_desc(weight_dims), bias_desc, diff_dst, strides, pad, pad},
            device.engine, hint);
    };
    auto bw_pd = backward_weights_pd(alg, fwd_pd.src_desc(), dst_desc_, fwd_pd);
    if (is_reference(bw_pd)) {
        // Below AVX-512, oneDNN 2.6 has no JIT backward-weights for conv1's plain one-channel
        // src with a channel-blocked diff_dst: ref:any took about 6 s per batch-32 step. With
        // channels-last src and diff_dst it runs jit:avx2: 0.4 ms, plus 0.04 ms to reorder
        // diff_dst (im2col + GEMM on plain layouts: 1.1 ms; padding ic to 8: 1.8 ms).
        const auto src_nhwc = memory::desc(in, act, memory::format_tag::nhwc);
        const auto dst_nhwc = memory::desc({n, out_channels, oh, ow}, act, memory::format_tag::nhwc);
        const dnnl::convolution_forward::primitive_desc hint(
            {prop_kind::forward_training, algorithm::convolution_direct, src_nhwc, any_desc(weight_dims, act),
             bias_desc, dst_nhwc, strides, pad, pad},
            device.engine);
        bw_pd = backward_weights_pd(algorithm::convolution_direct, src_nhwc, dst_nhwc, hint);
        if (bw_pd.src_desc() != fwd_pd.src_desc()) bw_src_ = memory(bw_pd.src_desc(), device.engine);
        bw_diff_dst_ = memory(bw_pd.diff_dst_desc(), device.engine);
    }
    check_implementation(device, fwd_pd, name + " forward");
    check_implementation(device, bw_pd, name + " backward-weights");
    bwd_weights_ = dnnl::convolution_backward_weights(bw_pd);

    // The f32 master weights Adam updates. In f32 they are what the forward computes with; in
    // bf16 they take the layout the gradients arrive in and each forward converts them.
    const memory::desc master = act == memory::data_type::f32 ? fwd_pd.weights_desc() : bw_pd.diff_weights_desc();
    set_parameters(name, master);
    if (fwd_pd.weights_desc() != master) fwd_weight_ = memory(fwd_pd.weights_desc(), device.engine);
    if (bw_pd.diff_weights_desc() != master) grad_weight_raw_ = memory(bw_pd.diff_weights_desc(), device.engine);

    if (need_diff_src) {
        const dnnl::convolution_backward_data::primitive_desc bd_pd(
            {alg, fwd_pd.src_desc(), weights_any, dst_desc_, strides, pad, pad},
            device.engine, fwd_pd);
        check_implementation(device, bd_pd, name + " backward-data");
        bwd_data_ = dnnl::convolution_backward_data(bd_pd);
        if (bd_pd.weights_desc() != master) bwd_data_weight_ = memory(bd_pd.weights_desc(), device.engine);
        computed_diff_src_ = memory(fwd_pd.src_desc(), device.engine);
        diff_src_ = src_reordered_ ? memory(src_desc, device.engine) : computed_diff_src_;
    }
}

void ConvLayer::set_parameters(const std::string& name, const memory::desc& master) {
    const memory::dims dims = master.dims();
    const auto bias_desc = plain_desc({dims[0]});
    const int out_channels = static_cast<int>(dims[0]), in_channels = static_cast<int>(dims[1]),
              kernel = static_cast<int>(dims[2]), fan = kernel * kernel;
    weight_ = {name + ".weight", {out_channels, in_channels, kernel, kernel}, plain_desc(dims),
               memory(master, device_.engine), memory(master, device_.engine), in_channels * fan, out_channels * fan,
               0.0f};
    bias_ = {name + ".bias", {out_channels}, bias_desc, memory(bias_desc, device_.engine),
             memory(bias_desc, device_.engine), 0, 0, 0.0f};
}

void ConvLayer::set_up_own_winograd(const std::string& name, int out_channels, int padding, bool need_diff_src) {
    const auto in = src_desc_.dims();
    // GEMM operands of the activations' type: bf16 training runs bf16 products (on F(2x2, 3x3)).
    winograd_ = std::make_unique<WinogradConv>(device_.engine, static_cast<int>(in[0]), static_cast<int>(in[1]),
                                               static_cast<int>(in[2]), static_cast<int>(in[3]), out_channels,
                                               padding, device_.activations, device_.activations);
    for (const auto* pd : winograd_->matmul_descs()) check_implementation(device_, *pd, name + " Winograd matmul");
    const auto nhwc = [&](const memory::dims& dims) {
        return memory::desc(dims, device_.activations, memory::format_tag::nhwc);
    };
    dst_desc_ = nhwc({in[0], out_channels, winograd_->out_height(), winograd_->out_width()});
    dst_ = memory(dst_desc_, device_.engine);
    const memory::desc conv_src_desc = nhwc(in);
    src_reordered_ = conv_src_desc != src_desc_;
    if (src_reordered_) conv_src_ = memory(conv_src_desc, device_.engine);
    // f32 master weights as [ic][ky][kx][oc]: the transforms run along contiguous output
    // channels (and in bf16 round only their Winograd transforms).
    set_parameters(name, memory::desc({out_channels, in[1], 3, 3}, memory::data_type::f32, memory::format_tag::bcda));
    if (need_diff_src) {
        computed_diff_src_ = memory(conv_src_desc, device_.engine);
        diff_src_ = src_reordered_ ? memory(src_desc_, device_.engine) : computed_diff_src_;
    }
}

const memory& ConvLayer::forward(const memory& src, Mode) {
    if (src_reordered_) reorder_into(device_, src, conv_src_);
    const memory& conv_src = src_reordered_ ? conv_src_ : src;
    computed_src_ = &conv_src;
    if (winograd_) {
        device_.stream.wait();
        winograd_->forward(device_.stream, conv_src.get_data_handle(), data_of(weight_.value), data_of(bias_.value),
                           dst_.get_data_handle());
        return dst_;
    }
    if (fwd_weight_) reorder_into(device_, weight_.value, fwd_weight_);
    fwd_.execute(device_.stream, {{DNNL_ARG_SRC, conv_src},
                                  {DNNL_ARG_WEIGHTS, fwd_weight_ ? fwd_weight_ : weight_.value},
                                  {DNNL_ARG_BIAS, bias_.value},
                                  {DNNL_ARG_DST, dst_}});
    return dst_;
}

const memory& ConvLayer::backward(const memory& diff_dst) {
    if (!winograd_) return WeightedLayer::backward(diff_dst);
    winograd_->backward(device_.stream, diff_dst.get_data_handle(), data_of(weight_.grad), data_of(bias_.grad),
                        computed_diff_src_ ? computed_diff_src_.get_data_handle() : nullptr);
    if (diff_src_ != computed_diff_src_) reorder_into(device_, computed_diff_src_, diff_src_);
    return diff_src_;
}

}  // namespace tinydigit::trainer
