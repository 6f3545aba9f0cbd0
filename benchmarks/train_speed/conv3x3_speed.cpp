// One training step's worth of each 3x3 convolution of the seed network (forward +
// backward-data + backward-weights, f32): oneDNN's direct kernels (layouts of its choice, as the
// trainer's ConvLayer asks), oneDNN's Winograd where it has one (AVX-512), and the trainer's own
// Winograd (WinogradConv, channels-last). Where the CPU has AVX-512 BF16, the same in bf16:
// oneDNN's direct kernels (it has no bf16 Winograd) and ours with bf16 activations, its GEMM
// operands in f32 (F(4x4, 3x3)) or in bf16 (F(2x2, 3x3), what bf16 training runs). Same
// process, one after the other, milliseconds per step.
// usage: conv3x3_speed [BATCH] [REPEATS]   (ONEDNN_MAX_CPU_ISA=AVX2 shows an AVX2-only CPU)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <vector>

#include "tinydigit/trainer/cpu_isa.hpp"
#include "tinydigit/trainer/winograd_conv.hpp"

using namespace tinydigit::trainer;
using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;

namespace {

struct Shape {
    const char* name;
    int ic, oc, size, pad;
};

double best_ms(const std::function<void()>& step, int repeats) {
    step();  // first touch, JIT
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        step();
        best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

// oneDNN's three training convolutions for the shape; nullopt when alg is not implemented.
std::optional<std::function<void()>> onednn_step(dnnl::engine& engine, dnnl::stream& stream, int batch, const Shape& s,
                                                 algorithm alg, std::string& impl,
                                                 memory::data_type type = memory::data_type::f32) {
    const int out = s.size + 2 * s.pad - 2;
    const memory::dims src_dims{batch, s.ic, s.size, s.size}, w_dims{s.oc, s.ic, 3, 3}, b_dims{s.oc},
        dst_dims{batch, s.oc, out, out}, strides{1, 1}, pad{s.pad, s.pad};
    auto any = [&](const memory::dims& d) { return memory::desc(d, type, memory::format_tag::any); };
    // Weight gradients in f32, as the trainer keeps them.
    auto any_f32 = [](const memory::dims& d) { return memory::desc(d, memory::data_type::f32, memory::format_tag::any); };
    const memory::desc bias(b_dims, memory::data_type::f32, memory::format_tag::a);
    try {
        dnnl::convolution_forward::primitive_desc fwd(
            {prop_kind::forward_training, alg, any(src_dims), any(w_dims), bias, any(dst_dims), strides, pad, pad},
            engine);
        dnnl::convolution_backward_data::primitive_desc bd(
            {alg, fwd.src_desc(), any(w_dims), fwd.dst_desc(), strides, pad, pad}, engine, fwd);
        dnnl::convolution_backward_weights::primitive_desc bw(
            {alg, fwd.src_desc(), any_f32(w_dims), bias, fwd.dst_desc(), strides, pad, pad}, engine, fwd);
        impl = std::string(fwd.impl_info_str()) + " / " + bd.impl_info_str() + " / " + bw.impl_info_str();
        auto mem = [&](const memory::desc& d) {
            memory m(d, engine);
            std::fill_n(static_cast<char*>(m.get_data_handle()), d.get_size(), 0);
            return m;
        };
        memory src = mem(fwd.src_desc()), w = mem(fwd.weights_desc()), b = mem(bias), dst = mem(fwd.dst_desc()),
               bdw = mem(bd.weights_desc()), dsrc = mem(bd.diff_src_desc()), dw = mem(bw.diff_weights_desc()),
               db = mem(bias);
        dnnl::convolution_forward f(fwd);
        dnnl::convolution_backward_data d(bd);
        dnnl::convolution_backward_weights g(bw);
        return [=, &stream]() mutable {
            f.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, dst}});
            g.execute(stream, {{DNNL_ARG_SRC, src},
                               {DNNL_ARG_DIFF_DST, dst},
                               {DNNL_ARG_DIFF_WEIGHTS, dw},
                               {DNNL_ARG_DIFF_BIAS, db}});
            d.execute(stream, {{DNNL_ARG_DIFF_DST, dst}, {DNNL_ARG_WEIGHTS, bdw}, {DNNL_ARG_DIFF_SRC, dsrc}});
            stream.wait();
        };
    } catch (const dnnl::error& e) {
        if (e.status != dnnl_unimplemented) throw;
        return std::nullopt;
    }
}

// Forward + backward of `conv` on constant inputs of element type T (float, or uint16_t for bf16).
template <typename T>
double winograd_ms(dnnl::stream& stream, WinogradConv& conv, int batch, const Shape& s, T value, int repeats) {
    const auto count = [](auto... dims) { return (std::size_t{1} * ... * static_cast<std::size_t>(dims)); };
    std::vector<T> src(count(batch, s.size, s.size, s.ic), value),
        dst(count(batch, conv.out_height(), conv.out_width(), s.oc), value), dsrc(src.size());
    std::vector<float> w(count(s.ic, 9, s.oc), 0.01f), b(count(s.oc)), dw(w.size()), db(b.size());
    return best_ms(
        [&] {
            conv.forward(stream, src.data(), w.data(), b.data(), dst.data());
            conv.backward(stream, dst.data(), dw.data(), db.data(), dsrc.data());
        },
        repeats);
}

}  // namespace

int main(int argc, char** argv) {
    const int batch = argc > 1 ? std::atoi(argv[1]) : 32;
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 20;
    if (batch < 1 || repeats < 1) {
        std::fprintf(stderr, "usage: conv3x3_speed [BATCH >= 1] [REPEATS >= 1]\n");
        return 2;
    }
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    std::printf("oneDNN ISA %s, batch %d, best of %d, ms per forward + backward-data + backward-weights\n",
                std::string(onednn_isa_name()).c_str(), batch, repeats);
    // conv3 as the network runs it: its padding of 2 is a ZeroPad layer's 1 and the conv's 1
    // (network.cpp; oneDNN's AVX-512 direct backward-weights has no JIT kernel for pad 2).
    static constexpr Shape kShapes[] = {{"conv3 32->64 17x17 pad 1", 32, 64, 17, 1},
                                        {"conv4 64->64 17x17 pad 1", 64, 64, 17, 1},
                                        {"conv5 64->256 8x8 pad 1", 64, 256, 8, 1},
                                        {"conv6 256->256 8x8 pad 1", 256, 256, 8, 1}};
    for (const Shape& s : kShapes) {
        std::string direct_impl, wino_impl;
        auto direct = onednn_step(engine, stream, batch, s, algorithm::convolution_direct, direct_impl);
        auto onednn_wino = onednn_step(engine, stream, batch, s, algorithm::convolution_winograd, wino_impl);
        WinogradConv ours(engine, batch, s.ic, s.size, s.size, s.oc, s.pad);
        const double d_ms = best_ms(*direct, repeats), o_ms = winograd_ms(stream, ours, batch, s, 0.01f, repeats);
        const double w_ms = onednn_wino ? best_ms(*onednn_wino, repeats) : 0.0;
        std::printf("%-26s direct %7.2f  ours %7.2f (%.2fx)", s.name, d_ms, o_ms, d_ms / o_ms);
        if (onednn_wino) std::printf("  oneDNN winograd %7.2f (ours %.2fx of it)", w_ms, w_ms / o_ms);
        std::printf("\n    direct: %s\n", direct_impl.c_str());
        if (onednn_wino) std::printf("    oneDNN winograd: %s\n", wino_impl.c_str());
        if (bf16_native()) {
            std::string bf16_impl;
            auto bf16_direct = onednn_step(engine, stream, batch, s, algorithm::convolution_direct, bf16_impl,
                                           memory::data_type::bf16);
            const auto bf16 = memory::data_type::bf16;
            WinogradConv ours_f32_operands(engine, batch, s.ic, s.size, s.size, s.oc, s.pad, bf16),
                ours_bf16_operands(engine, batch, s.ic, s.size, s.size, s.oc, s.pad, bf16, bf16);
            const std::uint16_t bf16_one_percent = 0x3c24;  // 0.01
            const double bd_ms = best_ms(*bf16_direct, repeats),
                         f32_ops_ms = winograd_ms(stream, ours_f32_operands, batch, s, bf16_one_percent, repeats),
                         bf16_ops_ms = winograd_ms(stream, ours_bf16_operands, batch, s, bf16_one_percent, repeats);
            std::printf("    bf16: oneDNN direct %7.2f  ours, F(4x4) f32 GEMMs %7.2f (%.2fx), F(2x2) bf16 GEMMs %7.2f (%.2fx)"
                        "  (%s)\n",
                        bd_ms, f32_ops_ms, bd_ms / f32_ops_ms, bf16_ops_ms, bd_ms / bf16_ops_ms, bf16_impl.c_str());
        }
    }
    return 0;
}
