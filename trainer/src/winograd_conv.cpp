#include "tinydigit/trainer/winograd_conv.hpp"

#include <algorithm>
#include <cstring>

#include "tinydigit/trainer/cpu_isa.hpp"

namespace tinydigit::trainer {

using dnnl::memory;

namespace {

constexpr int kT = WinogradConv::kTile, kI = WinogradConv::kInputTile;
// Channels per transform step: the 1-D transforms below run across this many contiguous
// channels at once (vector lanes), and a tile's 6x6 block of them stays in L1.
constexpr int kBlock = 16;
using Index = std::ptrdiff_t;

struct Geometry {
    int ic, h, w, oc, pad, out_h, out_w, tiles_y, tiles_x;
    Index tiles;  // all images
};

// The 1-D transforms of F(4x4, 3x3) (Lavin and Gray's matrices), applied to n channels at
// once: element k of the input vector is x[k * xs + c], of the output y[k * ys + c]. Each 2-D
// transform is one of them along the rows, then one along the columns.
#define TINYDIGIT_CHANNELS _Pragma("omp simd") for (int c = 0; c < n; ++c)

// y = B^T x (6 -> 6), the input transform.
[[gnu::always_inline]] inline void input_1d(const float* x, Index xs, float* y, Index ys, int n) {
    TINYDIGIT_CHANNELS {
        const float x0 = x[c], x1 = x[xs + c], x2 = x[2 * xs + c], x3 = x[3 * xs + c], x4 = x[4 * xs + c],
                    x5 = x[5 * xs + c];
        y[c] = 4.0f * x0 - 5.0f * x2 + x4;
        y[ys + c] = -4.0f * (x1 + x2) + x3 + x4;
        y[2 * ys + c] = 4.0f * (x1 - x2) - x3 + x4;
        y[3 * ys + c] = 2.0f * (x3 - x1) - x2 + x4;
        y[4 * ys + c] = 2.0f * (x1 - x3) - x2 + x4;
        y[5 * ys + c] = 4.0f * x1 - 5.0f * x3 + x5;
    }
}

// y = B x (6 -> 6), the input transform's adjoint.
[[gnu::always_inline]] inline void input_adjoint_1d(const float* x, Index xs, float* y, Index ys, int n) {
    TINYDIGIT_CHANNELS {
        const float x0 = x[c], x1 = x[xs + c], x2 = x[2 * xs + c], x3 = x[3 * xs + c], x4 = x[4 * xs + c],
                    x5 = x[5 * xs + c];
        y[c] = 4.0f * x0;
        y[ys + c] = 4.0f * (x2 - x1 + x5) + 2.0f * (x4 - x3);
        y[2 * ys + c] = -5.0f * x0 - 4.0f * (x1 + x2) - x3 - x4;
        y[3 * ys + c] = x1 - x2 + 2.0f * (x3 - x4) - 5.0f * x5;
        y[4 * ys + c] = x0 + x1 + x2 + x3 + x4;
        y[5 * ys + c] = x5;
    }
}

// y = G x (3 -> 6), the weight transform.
[[gnu::always_inline]] inline void weight_1d(const float* x, Index xs, float* y, Index ys, int n) {
    TINYDIGIT_CHANNELS {
        const float x0 = x[c], x1 = x[xs + c], x2 = x[2 * xs + c];
        const float even = x0 + x2, quarter = x0 * (1.0f / 24.0f) + x2 * (1.0f / 6.0f);
        y[c] = x0 * 0.25f;
        y[ys + c] = (even + x1) * (-1.0f / 6.0f);
        y[2 * ys + c] = (even - x1) * (-1.0f / 6.0f);
        y[3 * ys + c] = quarter + x1 * (1.0f / 12.0f);
        y[4 * ys + c] = quarter - x1 * (1.0f / 12.0f);
        y[5 * ys + c] = x2;
    }
}

// y = G^T x (6 -> 3), the weight transform's adjoint.
[[gnu::always_inline]] inline void weight_adjoint_1d(const float* x, Index xs, float* y, Index ys, int n) {
    TINYDIGIT_CHANNELS {
        const float x0 = x[c], x1 = x[xs + c], x2 = x[2 * xs + c], x3 = x[3 * xs + c], x4 = x[4 * xs + c],
                    x5 = x[5 * xs + c];
        y[c] = x0 * 0.25f - (x1 + x2) * (1.0f / 6.0f) + (x3 + x4) * (1.0f / 24.0f);
        y[ys + c] = (x2 - x1) * (1.0f / 6.0f) + (x3 - x4) * (1.0f / 12.0f);
        y[2 * ys + c] = (x3 + x4 - x1 - x2) * (1.0f / 6.0f) + x5;
    }
}

// y = A^T x (6 -> 4), the output transform.
[[gnu::always_inline]] inline void output_1d(const float* x, Index xs, float* y, Index ys, int n) {
    TINYDIGIT_CHANNELS {
        const float x0 = x[c], x1 = x[xs + c], x2 = x[2 * xs + c], x3 = x[3 * xs + c], x4 = x[4 * xs + c],
                    x5 = x[5 * xs + c];
        const float sum12 = x1 + x2, diff12 = x1 - x2, sum34 = x3 + x4, diff34 = x3 - x4;
        y[c] = x0 + sum12 + sum34;
        y[ys + c] = diff12 + 2.0f * diff34;
        y[2 * ys + c] = sum12 + 4.0f * sum34;
        y[3 * ys + c] = diff12 + 8.0f * diff34 + x5;
    }
}

// y = A x (4 -> 6), the output transform's adjoint.
[[gnu::always_inline]] inline void output_adjoint_1d(const float* x, Index xs, float* y, Index ys, int n) {
    TINYDIGIT_CHANNELS {
        const float x0 = x[c], x1 = x[xs + c], x2 = x[2 * xs + c], x3 = x[3 * xs + c];
        const float even = x0 + x2, odd = x1 + x3, even4 = x0 + 4.0f * x2, odd8 = 2.0f * x1 + 8.0f * x3;
        y[c] = x0;
        y[ys + c] = even + odd;
        y[2 * ys + c] = even - odd;
        y[3 * ys + c] = even4 + odd8;
        y[4 * ys + c] = even4 - odd8;
        y[5 * ys + c] = x3;
    }
}

#undef TINYDIGIT_CHANNELS

struct TileOrigin {
    Index image;
    int y, x;  // output coordinates of the tile's top-left element
};

TileOrigin tile_origin(const Geometry& g, Index t) {
    const Index per_image = Index{g.tiles_y} * g.tiles_x;
    const int in_image = static_cast<int>(t % per_image);
    return {t / per_image, in_image / g.tiles_x * kT, in_image % g.tiles_x * kT};
}

// window[r][s][c] = channel c0 + c of pixel (y0 + r, x0 + s) of image `image` (height x width,
// channels-last), zero outside the image; c < n.
template <int kSize>
[[gnu::always_inline]] inline void gather_window(const float* images, Index image, int height, int width, int channels,
                                                 int y0, int x0, int c0, int n, float (&window)[kSize][kSize][kBlock]) {
    for (int r = 0; r < kSize; ++r) {
        const int y = y0 + r;
        for (int s = 0; s < kSize; ++s) {
            const int x = x0 + s;
            if (y >= 0 && y < height && x >= 0 && x < width) {
                std::memcpy(window[r][s], images + ((image * height + y) * width + x) * channels + c0, sizeof(float) * n);
            } else {
                std::fill_n(window[r][s], n, 0.0f);
            }
        }
    }
}

// V[xi][t][ic] = (B^T d B)[xi] for tile t's 6x6 input window d (zeros outside the image).
[[gnu::always_inline]] inline void input_tile(const Geometry& g, const float* src, Index t, float* v) {
    const TileOrigin o = tile_origin(g, t);
    const Index plane = g.tiles * g.ic;
    float d[kI][kI][kBlock], rows[kI][kI][kBlock];
    for (int c0 = 0; c0 < g.ic; c0 += kBlock) {
        const int n = std::min(kBlock, g.ic - c0);
        gather_window(src, o.image, g.h, g.w, g.ic, o.y - g.pad, o.x - g.pad, c0, n, d);
        for (int r = 0; r < kI; ++r) input_1d(d[r][0], kBlock, rows[r][0], kBlock, n);
        for (int j = 0; j < kI; ++j) input_1d(rows[0][j], kI * kBlock, v + j * plane + t * g.ic + c0, kI * plane, n);
    }
}

// dst tile = A^T M A + bias, clipped to the output.
[[gnu::always_inline]] inline void output_tile(const Geometry& g, const float* m, const float* bias, Index t,
                                               float* dst) {
    const TileOrigin o = tile_origin(g, t);
    const Index plane = g.tiles * g.oc;
    float rows[kI][kT][kBlock], y[kT][kT][kBlock];
    for (int c0 = 0; c0 < g.oc; c0 += kBlock) {
        const int n = std::min(kBlock, g.oc - c0);
        for (int i = 0; i < kI; ++i) output_1d(m + i * kI * plane + t * g.oc + c0, plane, rows[i][0], kBlock, n);
        for (int q = 0; q < kT; ++q) output_1d(rows[0][q], kT * kBlock, y[0][q], kT * kBlock, n);
        for (int p = 0; p < kT && o.y + p < g.out_h; ++p) {
            for (int q = 0; q < kT && o.x + q < g.out_w; ++q) {
                float* out = dst + ((o.image * g.out_h + o.y + p) * g.out_w + o.x + q) * g.oc + c0;
#pragma omp simd
                for (int c = 0; c < n; ++c) out[c] = y[p][q][c] + bias[c0 + c];
            }
        }
    }
}

// dM[xi][t][oc] = (A dy A^T)[xi] for the tile's 4x4 output gradient dy (zeros outside).
[[gnu::always_inline]] inline void output_adjoint_tile(const Geometry& g, const float* diff_dst, Index t, float* dm) {
    const TileOrigin o = tile_origin(g, t);
    const Index plane = g.tiles * g.oc;
    float dy[kT][kT][kBlock], rows[kT][kI][kBlock];
    for (int c0 = 0; c0 < g.oc; c0 += kBlock) {
        const int n = std::min(kBlock, g.oc - c0);
        gather_window(diff_dst, o.image, g.out_h, g.out_w, g.oc, o.y, o.x, c0, n, dy);
        for (int p = 0; p < kT; ++p) output_adjoint_1d(dy[p][0], kBlock, rows[p][0], kBlock, n);
        for (int j = 0; j < kI; ++j) {
            output_adjoint_1d(rows[0][j], kI * kBlock, dm + j * plane + t * g.oc + c0, kI * plane, n);
        }
    }
}

// Adds the tile's B dV B^T into diff_src inside the image (the padding's share is dropped).
[[gnu::always_inline]] inline void input_adjoint_tile(const Geometry& g, const float* dv, Index t, float* diff_src) {
    const TileOrigin o = tile_origin(g, t);
    const Index plane = g.tiles * g.ic;
    float rows[kI][kI][kBlock], dd[kI][kI][kBlock];
    for (int c0 = 0; c0 < g.ic; c0 += kBlock) {
        const int n = std::min(kBlock, g.ic - c0);
        for (int i = 0; i < kI; ++i) input_adjoint_1d(dv + i * kI * plane + t * g.ic + c0, plane, rows[i][0], kBlock, n);
        for (int s = 0; s < kI; ++s) input_adjoint_1d(rows[0][s], kI * kBlock, dd[0][s], kI * kBlock, n);
        for (int r = 0; r < kI; ++r) {
            const int y = o.y - g.pad + r;
            if (y < 0 || y >= g.h) continue;
            for (int s = 0; s < kI; ++s) {
                const int x = o.x - g.pad + s;
                if (x < 0 || x >= g.w) continue;
                float* out = diff_src + ((o.image * g.h + y) * g.w + x) * g.ic + c0;
#pragma omp simd
                for (int c = 0; c < n; ++c) out[c] += dd[r][s][c];
            }
        }
    }
}

// U[xi][ic][oc] = (G g G^T)[xi] for input channel ic's 3x3 kernels (weights [ic][3][3][oc]).
[[gnu::always_inline]] inline void weight_channel(const Geometry& g, const float* weights, int ic, float* u) {
    const Index plane = Index{g.ic} * g.oc;
    const float* k = weights + Index{ic} * 9 * g.oc;
    float rows[3][kI][kBlock];
    for (int c0 = 0; c0 < g.oc; c0 += kBlock) {
        const int n = std::min(kBlock, g.oc - c0);
        for (int ky = 0; ky < 3; ++ky) weight_1d(k + ky * 3 * g.oc + c0, g.oc, rows[ky][0], kBlock, n);
        for (int j = 0; j < kI; ++j) weight_1d(rows[0][j], kI * kBlock, u + j * plane + Index{ic} * g.oc + c0, kI * plane, n);
    }
}

// diff_weights[ic][3][3][oc] = (G^T dU G) for input channel ic.
[[gnu::always_inline]] inline void weight_adjoint_channel(const Geometry& g, const float* du, int ic, float* diff_weights) {
    const Index plane = Index{g.ic} * g.oc;
    float* k = diff_weights + Index{ic} * 9 * g.oc;
    float rows[kI][3][kBlock];
    for (int c0 = 0; c0 < g.oc; c0 += kBlock) {
        const int n = std::min(kBlock, g.oc - c0);
        for (int i = 0; i < kI; ++i) weight_adjoint_1d(du + i * kI * plane + Index{ic} * g.oc + c0, plane, rows[i][0], kBlock, n);
        for (int kx = 0; kx < 3; ++kx) weight_adjoint_1d(rows[0][kx], 3 * kBlock, k + kx * g.oc + c0, 3 * g.oc, n);
    }
}

// The transforms compiled for each instruction set; the one for oneDNN's effective ISA runs,
// so that capping oneDNN (ONEDNN_MAX_CPU_ISA=AVX2) shows what an AVX2-only CPU runs.
struct Kernels {
    void (*input)(const Geometry&, const float*, Index, float*);
    void (*output)(const Geometry&, const float*, const float*, Index, float*);
    void (*output_adjoint)(const Geometry&, const float*, Index, float*);
    void (*input_adjoint)(const Geometry&, const float*, Index, float*);
    void (*weight)(const Geometry&, const float*, int, float*);
    void (*weight_adjoint)(const Geometry&, const float*, int, float*);
};

#define TINYDIGIT_WINOGRAD_KERNELS(name, target)                                                                  \
    target void name##_input(const Geometry& g, const float* s, Index t, float* v) { input_tile(g, s, t, v); } \
    target void name##_output(const Geometry& g, const float* m, const float* b, Index t, float* d) {           \
        output_tile(g, m, b, t, d);                                                                             \
    }                                                                                                           \
    target void name##_output_adjoint(const Geometry& g, const float* dy, Index t, float* dm) {                \
        output_adjoint_tile(g, dy, t, dm);                                                                      \
    }                                                                                                           \
    target void name##_input_adjoint(const Geometry& g, const float* dv, Index t, float* dx) {                 \
        input_adjoint_tile(g, dv, t, dx);                                                                       \
    }                                                                                                           \
    target void name##_weight(const Geometry& g, const float* w, int ic, float* u) { weight_channel(g, w, ic, u); } \
    target void name##_weight_adjoint(const Geometry& g, const float* du, int ic, float* dw) {                 \
        weight_adjoint_channel(g, du, ic, dw);                                                                  \
    }                                                                                                           \
    constexpr Kernels name##_kernels{name##_input,         name##_output, name##_output_adjoint,               \
                                     name##_input_adjoint, name##_weight, name##_weight_adjoint};

TINYDIGIT_WINOGRAD_KERNELS(avx512, [[gnu::target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")]])
TINYDIGIT_WINOGRAD_KERNELS(avx2, [[gnu::target("avx2,fma")]])
TINYDIGIT_WINOGRAD_KERNELS(baseline, )
#undef TINYDIGIT_WINOGRAD_KERNELS

const Kernels& kernels() {
    static const Kernels& chosen = avx512_supported() ? avx512_kernels
                                   : avx2_supported() ? avx2_kernels
                                                      : baseline_kernels;
    return chosen;
}

memory::desc matrices(memory::dim rows, memory::dim cols, memory::format_tag tag = memory::format_tag::abc) {
    return memory::desc({WinogradConv::kPoints, rows, cols}, memory::data_type::f32, tag);
}

// The same 36 matrices read transposed (rows x cols of a cols x rows buffer).
memory::desc transposed(memory::dim rows, memory::dim cols) { return matrices(rows, cols, memory::format_tag::acb); }

dnnl::matmul::primitive_desc matmul_pd(const dnnl::engine& engine, const memory::desc& a, const memory::desc& b,
                                       const memory::desc& c) {
    return dnnl::matmul::primitive_desc(dnnl::matmul::desc(a, b, c), engine);
}

Geometry geometry_of(int ic, int h, int w, int oc, int pad, int out_h, int out_w, int ty, int tx, Index tiles) {
    return {ic, h, w, oc, pad, out_h, out_w, ty, tx, tiles};
}

}  // namespace

WinogradConv::WinogradConv(const dnnl::engine& engine, int batch, int in_channels, int height, int width,
                           int out_channels, int padding)
    : n_(batch), ic_(in_channels), h_(height), w_(width), oc_(out_channels), pad_(padding),
      out_h_(height + 2 * padding - 2), out_w_(width + 2 * padding - 2), tiles_y_((out_h_ + kTile - 1) / kTile),
      tiles_x_((out_w_ + kTile - 1) / kTile), tiles_(Index{batch} * tiles_y_ * tiles_x_), engine_(engine),
      fwd_pd_(matmul_pd(engine, matrices(tiles_, ic_), matrices(ic_, oc_), matrices(tiles_, oc_))),
      bwd_w_pd_(matmul_pd(engine, transposed(ic_, tiles_), matrices(tiles_, oc_), matrices(ic_, oc_))),
      bwd_d_pd_(matmul_pd(engine, matrices(tiles_, oc_), transposed(oc_, ic_), matrices(tiles_, ic_))),
      fwd_(fwd_pd_), bwd_w_(bwd_w_pd_), bwd_d_(bwd_d_pd_),
      v_(matrices(tiles_, ic_), engine), u_(matrices(ic_, oc_), engine), m_(matrices(tiles_, oc_), engine),
      du_(matrices(ic_, oc_), engine) {}

void WinogradConv::forward(dnnl::stream& stream, const float* src, const float* weights, const float* bias,
                           float* dst) {
    const Geometry g = geometry_of(ic_, h_, w_, oc_, pad_, out_h_, out_w_, tiles_y_, tiles_x_, tiles_);
    const Kernels& k = kernels();
    auto* v = static_cast<float*>(v_.get_data_handle());
    auto* u = static_cast<float*>(u_.get_data_handle());
    auto* m = static_cast<float*>(m_.get_data_handle());
#pragma omp parallel
    {
#pragma omp for schedule(static) nowait
        for (int c = 0; c < ic_; ++c) k.weight(g, weights, c, u);
#pragma omp for schedule(static)
        for (Index t = 0; t < tiles_; ++t) k.input(g, src, t, v);
    }
    fwd_.execute(stream, {{DNNL_ARG_SRC, v_}, {DNNL_ARG_WEIGHTS, u_}, {DNNL_ARG_DST, m_}});
    stream.wait();
#pragma omp parallel for schedule(static)
    for (Index t = 0; t < tiles_; ++t) k.output(g, m, bias, t, dst);
}

void WinogradConv::backward(dnnl::stream& stream, const float* diff_dst, float* diff_weights, float* diff_bias,
                            float* diff_src) {
    const Geometry g = geometry_of(ic_, h_, w_, oc_, pad_, out_h_, out_w_, tiles_y_, tiles_x_, tiles_);
    const Kernels& k = kernels();
    auto* dm = static_cast<float*>(m_.get_data_handle());
    auto* du = static_cast<float*>(du_.get_data_handle());
    const Index pixels = Index{n_} * out_h_ * out_w_;
#pragma omp parallel
    {
#pragma omp for schedule(static) nowait
        for (Index t = 0; t < tiles_; ++t) k.output_adjoint(g, diff_dst, t, dm);
#pragma omp for schedule(static)
        for (int c0 = 0; c0 < oc_; c0 += kBlock) {
            const int n = std::min(kBlock, oc_ - c0);
            float sum[kBlock] = {};
            for (Index p = 0; p < pixels; ++p) {
                for (int c = 0; c < n; ++c) sum[c] += diff_dst[p * oc_ + c0 + c];
            }
            std::copy_n(sum, n, diff_bias + c0);
        }
    }
    // dU from V before dV overwrites V.
    const memory v_transposed(transposed(ic_, tiles_), engine_, v_.get_data_handle());
    bwd_w_.execute(stream, {{DNNL_ARG_SRC, v_transposed}, {DNNL_ARG_WEIGHTS, m_}, {DNNL_ARG_DST, du_}});
    if (diff_src) {
        const memory u_transposed(transposed(oc_, ic_), engine_, u_.get_data_handle());
        bwd_d_.execute(stream, {{DNNL_ARG_SRC, m_}, {DNNL_ARG_WEIGHTS, u_transposed}, {DNNL_ARG_DST, v_}});
    }
    stream.wait();
    const auto* dv = static_cast<const float*>(v_.get_data_handle());
    const Index tiles_per_image = Index{tiles_y_} * tiles_x_, image_size = Index{h_} * w_ * ic_;
#pragma omp parallel
    {
#pragma omp for schedule(static) nowait
        for (int c = 0; c < ic_; ++c) k.weight_adjoint(g, du, c, diff_weights);
        // Neighbouring tiles overlap in the input: one thread adds all tiles of an image.
        if (diff_src) {
#pragma omp for schedule(static)
            for (int image = 0; image < n_; ++image) {
                std::fill_n(diff_src + image * image_size, image_size, 0.0f);
                for (Index t = image * tiles_per_image; t < (image + 1) * tiles_per_image; ++t) {
                    k.input_adjoint(g, dv, t, diff_src);
                }
            }
        }
    }
}

}  // namespace tinydigit::trainer
