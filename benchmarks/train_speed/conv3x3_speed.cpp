// One training step's worth of each 3x3 convolution of the seed network (forward +
// backward-data + backward-weights, f32): oneDNN's direct kernels (layouts of its choice, as the
// trainer's ConvLayer asks), oneDNN's Winograd where it has one (AVX-512), and the trainer's own
// Winograd (WinogradConv, channels-last). Same process, alternating, milliseconds per step.
// usage: conv3x3_speed [BATCH] [REPEATS]   (ONEDNN_MAX_CPU_ISA=AVX2 shows an AVX2-only CPU)
#include <algorithm>
#include <chrono>
#include <cstdio>
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

// The three batched GEMMs of WinogradConv (forward, backward-weights, backward-data) for
// `tiles` tiles, inputs of type `type`, f32 results.
double gemms_ms(dnnl::engine& engine, dnnl::stream& stream, memory::dim tiles, memory::dim ic, memory::dim oc,
                memory::data_type type, int repeats) {
    using tag = memory::format_tag;
    const memory::dim p = WinogradConv::kPoints;
    auto md = [&](memory::dim r, memory::dim c, memory::data_type t, tag g = tag::abc) {
        return memory::desc({p, r, c}, t, g);
    };
    const auto f32 = memory::data_type::f32;
    const dnnl::matmul fwd({{md(tiles, ic, type), md(ic, oc, type), md(tiles, oc, f32)}, engine});
    const dnnl::matmul bwd_w({{md(ic, tiles, type, tag::acb), md(tiles, oc, type), md(ic, oc, f32)}, engine});
    const dnnl::matmul bwd_d({{md(tiles, oc, type), md(oc, ic, type, tag::acb), md(tiles, ic, f32)}, engine});
    memory v(md(tiles, ic, type), engine), vt(md(ic, tiles, type, tag::acb), engine, v.get_data_handle()),
        u(md(ic, oc, type), engine), ut(md(oc, ic, type, tag::acb), engine, u.get_data_handle()),
        m(md(tiles, oc, type), engine), m_out(md(tiles, oc, f32), engine), du(md(ic, oc, f32), engine),
        dv(md(tiles, ic, f32), engine);
    for (const memory* x : {&v, &u, &m}) std::fill_n(static_cast<char*>(x->get_data_handle()), x->get_desc().get_size(), 0);
    return best_ms(
        [&] {
            fwd.execute(stream, {{DNNL_ARG_SRC, v}, {DNNL_ARG_WEIGHTS, u}, {DNNL_ARG_DST, m_out}});
            bwd_w.execute(stream, {{DNNL_ARG_SRC, vt}, {DNNL_ARG_WEIGHTS, m}, {DNNL_ARG_DST, du}});
            bwd_d.execute(stream, {{DNNL_ARG_SRC, m}, {DNNL_ARG_WEIGHTS, ut}, {DNNL_ARG_DST, dv}});
            stream.wait();
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
    static constexpr Shape kShapes[] = {{"conv3 32->64 15x15 pad 2", 32, 64, 15, 2},
                                        {"conv4 64->64 17x17 pad 1", 64, 64, 17, 1},
                                        {"conv5 64->256 8x8 pad 1", 64, 256, 8, 1},
                                        {"conv6 256->256 8x8 pad 1", 256, 256, 8, 1}};
    for (const Shape& s : kShapes) {
        std::string direct_impl, wino_impl;
        auto direct = onednn_step(engine, stream, batch, s, algorithm::convolution_direct, direct_impl);
        auto onednn_wino = onednn_step(engine, stream, batch, s, algorithm::convolution_winograd, wino_impl);
        WinogradConv ours(engine, batch, s.ic, s.size, s.size, s.oc, s.pad);
        const auto out = static_cast<std::size_t>(ours.out_height()) * static_cast<std::size_t>(ours.out_width());
        std::vector<float> src(static_cast<std::size_t>(batch) * static_cast<std::size_t>(s.size * s.size * s.ic), 0.01f),
            w(static_cast<std::size_t>(s.ic * 9 * s.oc), 0.01f), b(static_cast<std::size_t>(s.oc), 0.0f),
            dst(static_cast<std::size_t>(batch) * out * static_cast<std::size_t>(s.oc)), dw(w.size()), db(b.size()),
            dsrc(src.size());
        const auto ours_step = [&] {
            ours.forward(stream, src.data(), w.data(), b.data(), dst.data());
            ours.backward(stream, dst.data(), dw.data(), db.data(), dsrc.data());
        };
        const double d_ms = best_ms(*direct, repeats), o_ms = best_ms(ours_step, repeats);
        const double w_ms = onednn_wino ? best_ms(*onednn_wino, repeats) : 0.0;
        std::printf("%-26s direct %7.2f  ours %7.2f (%.2fx)", s.name, d_ms, o_ms, d_ms / o_ms);
        if (onednn_wino) std::printf("  oneDNN winograd %7.2f (ours %.2fx of it)", w_ms, w_ms / o_ms);
        std::printf("\n    direct: %s\n", direct_impl.c_str());
        if (onednn_wino) std::printf("    oneDNN winograd: %s\n", wino_impl.c_str());
        if (bf16_native()) {
            // What ours could gain in bf16 (its GEMMs in bf16, transforms in f32) against
            // oneDNN's bf16 direct kernels: the same three batched GEMMs timed in both types.
            std::string bf16_impl;
            auto bf16_direct = onednn_step(engine, stream, batch, s, algorithm::convolution_direct, bf16_impl,
                                           memory::data_type::bf16);
            const memory::dim tiles = ours.tiles();
            const double f32_gemms = gemms_ms(engine, stream, tiles, s.ic, s.oc, memory::data_type::f32, repeats),
                         bf16_gemms = gemms_ms(engine, stream, tiles, s.ic, s.oc, memory::data_type::bf16, repeats);
            std::printf("    bf16: oneDNN direct %7.2f (%s); ours' GEMMs f32 %.2f, bf16 %.2f: ours in bf16 about %.2f\n",
                        best_ms(*bf16_direct, repeats), bf16_impl.c_str(), f32_gemms, bf16_gemms,
                        o_ms - f32_gemms + bf16_gemms);
        }
    }
    return 0;
}
