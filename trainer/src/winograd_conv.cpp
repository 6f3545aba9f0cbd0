#include "tinydigit/trainer/winograd_conv.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <stdexcept>
#include <type_traits>

#include "tinydigit/trainer/cpu_isa.hpp"

namespace tinydigit::trainer {

using dnnl::memory;

namespace {

// Channels per transform step: the 1-D transforms below run across up to this many contiguous
// channels at once (all of them in the seed network's layers), so each step writes its 36 (or
// 16) transformed rows into V or dM as runs of that many channels. With runs of 16 (one cache
// line) the transforms took 1.5-2x as long (Zen4, 2 threads, conv6 at batch 32 and 128), and
// a training step 5-10 % longer.
constexpr int kBlock = 256;
// Channels per parallel piece of the bias gradient (a sum over all pixels).
constexpr int kBiasBlock = 16;
using Index = std::ptrdiff_t;

// A bf16 value: the upper half of an f32's bits.
struct Bf16 {
    std::uint16_t bits;
};

[[gnu::always_inline]] inline float widen(float x) { return x; }
[[gnu::always_inline]] inline float widen(Bf16 x) { return std::bit_cast<float>(std::uint32_t{x.bits} << 16); }

template <typename T>
[[gnu::always_inline]] inline T narrow(float x);
template <>
[[gnu::always_inline]] inline float narrow<float>(float x) {
    return x;
}
// Rounded to nearest, ties to even, as oneDNN's f32 -> bf16 conversions; a NaN stays a NaN
// (rounding could carry it into infinity).
template <>
[[gnu::always_inline]] inline Bf16 narrow<Bf16>(float x) {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
    const std::uint32_t rounded = x != x ? bits | 0x400000u : bits + 0x7fffu + ((bits >> 16) & 1u);
    return {static_cast<std::uint16_t>(rounded >> 16)};
}

struct Geometry {
    int ic, h, w, oc, pad, out_h, out_w, tiles_y, tiles_x;
    Index tiles;  // all images
};

// The 1-D transforms, applied to n channels at once: element k of the input vector is
// x[k * xs + c], of the output y[k * ys + c]. Each 2-D transform is one of them along the rows,
// then one along the columns. Those whose results feed a GEMM write them in its operand type;
// those that read a GEMM's result read it in that type.
#define TINYDIGIT_CHANNELS _Pragma("omp simd") for (int c = 0; c < n; ++c)

// F(4x4, 3x3), Lavin and Gray's matrices: 36 products per 16 outputs (144 multiplies direct).
// Its transforms scale values by up to 8 and 1/24, so its products stay f32.
struct F4x4 {
    static constexpr int kTile = 4, kInput = 6;

    // y = B^T x (6 -> 6), the input transform.
    template <typename Out>
    [[gnu::always_inline]] static void input(const float* x, Index xs, Out* y, Index ys, int n) {
        TINYDIGIT_CHANNELS {
            const float x0 = x[c], x1 = x[xs + c], x2 = x[2 * xs + c], x3 = x[3 * xs + c], x4 = x[4 * xs + c],
                        x5 = x[5 * xs + c];
            y[c] = narrow<Out>(4.0f * x0 - 5.0f * x2 + x4);
            y[ys + c] = narrow<Out>(-4.0f * (x1 + x2) + x3 + x4);
            y[2 * ys + c] = narrow<Out>(4.0f * (x1 - x2) - x3 + x4);
            y[3 * ys + c] = narrow<Out>(2.0f * (x3 - x1) - x2 + x4);
            y[4 * ys + c] = narrow<Out>(2.0f * (x1 - x3) - x2 + x4);
            y[5 * ys + c] = narrow<Out>(4.0f * x1 - 5.0f * x3 + x5);
        }
    }

    // y = B x (6 -> 6), the input transform's adjoint.
    template <typename In>
    [[gnu::always_inline]] static void input_adjoint(const In* x, Index xs, float* y, Index ys, int n) {
        TINYDIGIT_CHANNELS {
            const float x0 = widen(x[c]), x1 = widen(x[xs + c]), x2 = widen(x[2 * xs + c]),
                        x3 = widen(x[3 * xs + c]), x4 = widen(x[4 * xs + c]), x5 = widen(x[5 * xs + c]);
            y[c] = 4.0f * x0;
            y[ys + c] = 4.0f * (x2 - x1 + x5) + 2.0f * (x4 - x3);
            y[2 * ys + c] = -5.0f * x0 - 4.0f * (x1 + x2) - x3 - x4;
            y[3 * ys + c] = x1 - x2 + 2.0f * (x3 - x4) - 5.0f * x5;
            y[4 * ys + c] = x0 + x1 + x2 + x3 + x4;
            y[5 * ys + c] = x5;
        }
    }

    // y = G x (3 -> 6), the weight transform.
    template <typename Out>
    [[gnu::always_inline]] static void weight(const float* x, Index xs, Out* y, Index ys, int n) {
        TINYDIGIT_CHANNELS {
            const float x0 = x[c], x1 = x[xs + c], x2 = x[2 * xs + c];
            const float even = x0 + x2, quarter = x0 * (1.0f / 24.0f) + x2 * (1.0f / 6.0f);
            y[c] = narrow<Out>(x0 * 0.25f);
            y[ys + c] = narrow<Out>((even + x1) * (-1.0f / 6.0f));
            y[2 * ys + c] = narrow<Out>((even - x1) * (-1.0f / 6.0f));
            y[3 * ys + c] = narrow<Out>(quarter + x1 * (1.0f / 12.0f));
            y[4 * ys + c] = narrow<Out>(quarter - x1 * (1.0f / 12.0f));
            y[5 * ys + c] = narrow<Out>(x2);
        }
    }

    // y = G^T x (6 -> 3), the weight transform's adjoint.
    [[gnu::always_inline]] static void weight_adjoint(const float* x, Index xs, float* y, Index ys, int n) {
        TINYDIGIT_CHANNELS {
            const float x0 = x[c], x1 = x[xs + c], x2 = x[2 * xs + c], x3 = x[3 * xs + c], x4 = x[4 * xs + c],
                        x5 = x[5 * xs + c];
            y[c] = x0 * 0.25f - (x1 + x2) * (1.0f / 6.0f) + (x3 + x4) * (1.0f / 24.0f);
            y[ys + c] = (x2 - x1) * (1.0f / 6.0f) + (x3 - x4) * (1.0f / 12.0f);
            y[2 * ys + c] = (x3 + x4 - x1 - x2) * (1.0f / 6.0f) + x5;
        }
    }

    // y = A^T x (6 -> 4), the output transform.
    template <typename In>
    [[gnu::always_inline]] static void output(const In* x, Index xs, float* y, Index ys, int n) {
        TINYDIGIT_CHANNELS {
            const float x0 = widen(x[c]), x1 = widen(x[xs + c]), x2 = widen(x[2 * xs + c]),
                        x3 = widen(x[3 * xs + c]), x4 = widen(x[4 * xs + c]), x5 = widen(x[5 * xs + c]);
            const float sum12 = x1 + x2, diff12 = x1 - x2, sum34 = x3 + x4, diff34 = x3 - x4;
            y[c] = x0 + sum12 + sum34;
            y[ys + c] = diff12 + 2.0f * diff34;
            y[2 * ys + c] = sum12 + 4.0f * sum34;
            y[3 * ys + c] = diff12 + 8.0f * diff34 + x5;
        }
    }

    // y = A x (4 -> 6), the output transform's adjoint.
    template <typename Out>
    [[gnu::always_inline]] static void output_adjoint(const float* x, Index xs, Out* y, Index ys, int n) {
        TINYDIGIT_CHANNELS {
            const float x0 = x[c], x1 = x[xs + c], x2 = x[2 * xs + c], x3 = x[3 * xs + c];
            const float even = x0 + x2, odd = x1 + x3, even4 = x0 + 4.0f * x2, odd8 = 2.0f * x1 + 8.0f * x3;
            y[c] = narrow<Out>(x0);
            y[ys + c] = narrow<Out>(even + odd);
            y[2 * ys + c] = narrow<Out>(even - odd);
            y[3 * ys + c] = narrow<Out>(even4 + odd8);
            y[4 * ys + c] = narrow<Out>(even4 - odd8);
            y[5 * ys + c] = narrow<Out>(x3);
        }
    }
};

// F(2x2, 3x3), Lavin and Gray's matrices: 16 products per 4 outputs. Its transforms only add,
// subtract and halve, so bf16 products (V, U, M, dM and dV each rounded once) leave results
// about 1.9x as far from the exact convolution as oneDNN's bf16 direct kernels', where
// F(4x4, 3x3)'s would be about 20x (winograd_conv_test).
struct F2x2 {
    static constexpr int kTile = 2, kInput = 4;

    // y = B^T x (4 -> 4).
    template <typename Out>
    [[gnu::always_inline]] static void input(const float* x, Index xs, Out* y, Index ys, int n) {
        TINYDIGIT_CHANNELS {
            const float x0 = x[c], x1 = x[xs + c], x2 = x[2 * xs + c], x3 = x[3 * xs + c];
            y[c] = narrow<Out>(x0 - x2);
            y[ys + c] = narrow<Out>(x1 + x2);
            y[2 * ys + c] = narrow<Out>(x2 - x1);
            y[3 * ys + c] = narrow<Out>(x1 - x3);
        }
    }

    // y = B x (4 -> 4).
    template <typename In>
    [[gnu::always_inline]] static void input_adjoint(const In* x, Index xs, float* y, Index ys, int n) {
        TINYDIGIT_CHANNELS {
            const float x0 = widen(x[c]), x1 = widen(x[xs + c]), x2 = widen(x[2 * xs + c]),
                        x3 = widen(x[3 * xs + c]);
            y[c] = x0;
            y[ys + c] = x1 - x2 + x3;
            y[2 * ys + c] = x1 + x2 - x0;
            y[3 * ys + c] = -x3;
        }
    }

    // y = G x (3 -> 4).
    template <typename Out>
    [[gnu::always_inline]] static void weight(const float* x, Index xs, Out* y, Index ys, int n) {
        TINYDIGIT_CHANNELS {
            const float x0 = x[c], x1 = x[xs + c], x2 = x[2 * xs + c];
            y[c] = narrow<Out>(x0);
            y[ys + c] = narrow<Out>((x0 + x1 + x2) * 0.5f);
            y[2 * ys + c] = narrow<Out>((x0 - x1 + x2) * 0.5f);
            y[3 * ys + c] = narrow<Out>(x2);
        }
    }

    // y = G^T x (4 -> 3).
    [[gnu::always_inline]] static void weight_adjoint(const float* x, Index xs, float* y, Index ys, int n) {
        TINYDIGIT_CHANNELS {
            const float x0 = x[c], x1 = x[xs + c], x2 = x[2 * xs + c], x3 = x[3 * xs + c];
            y[c] = x0 + (x1 + x2) * 0.5f;
            y[ys + c] = (x1 - x2) * 0.5f;
            y[2 * ys + c] = (x1 + x2) * 0.5f + x3;
        }
    }

    // y = A^T x (4 -> 2).
    template <typename In>
    [[gnu::always_inline]] static void output(const In* x, Index xs, float* y, Index ys, int n) {
        TINYDIGIT_CHANNELS {
            const float x0 = widen(x[c]), x1 = widen(x[xs + c]), x2 = widen(x[2 * xs + c]),
                        x3 = widen(x[3 * xs + c]);
            y[c] = x0 + x1 + x2;
            y[ys + c] = x1 - x2 - x3;
        }
    }

    // y = A x (2 -> 4).
    template <typename Out>
    [[gnu::always_inline]] static void output_adjoint(const float* x, Index xs, Out* y, Index ys, int n) {
        TINYDIGIT_CHANNELS {
            const float x0 = x[c], x1 = x[xs + c];
            y[c] = narrow<Out>(x0);
            y[ys + c] = narrow<Out>(x0 + x1);
            y[2 * ys + c] = narrow<Out>(x0 - x1);
            y[3 * ys + c] = narrow<Out>(-x1);
        }
    }
};

// The tiling for GEMM operands of type O.
template <typename O>
using TilingFor = std::conditional_t<std::is_same_v<O, Bf16>, F2x2, F4x4>;

#undef TINYDIGIT_CHANNELS

struct TileOrigin {
    Index image;
    int y, x;  // output coordinates of the tile's top-left element
};

template <int kTile>
TileOrigin tile_origin(const Geometry& g, Index t) {
    const Index per_image = Index{g.tiles_y} * g.tiles_x;
    const int in_image = static_cast<int>(t % per_image);
    return {t / per_image, in_image / g.tiles_x * kTile, in_image % g.tiles_x * kTile};
}

// window[r][s][c] = channel c0 + c of pixel (y0 + r, x0 + s) of image `image` (height x width,
// channels-last), zero outside the image; c < n.
template <int kSize, typename T>
[[gnu::always_inline]] inline void gather_window(const T* images, Index image, int height, int width, int channels,
                                                 int y0, int x0, int c0, int n, float (&window)[kSize][kSize][kBlock]) {
    for (int r = 0; r < kSize; ++r) {
        const int y = y0 + r;
        for (int s = 0; s < kSize; ++s) {
            const int x = x0 + s;
            if (y >= 0 && y < height && x >= 0 && x < width) {
                const T* pixel = images + ((image * height + y) * width + x) * channels + c0;
#pragma omp simd
                for (int c = 0; c < n; ++c) window[r][s][c] = widen(pixel[c]);
            } else {
                std::fill_n(window[r][s], n, 0.0f);
            }
        }
    }
}

// In the tile functions F is the tiling (kT outputs from kI inputs per side), and V, M, dM
// and dV hold kI * kI matrices of the operand type O, point xi's at xi * plane.

// V[xi][t][ic] = (B^T d B)[xi] for tile t's input window d (zeros outside the image).
template <typename A, typename O, typename F = TilingFor<O>>
[[gnu::always_inline]] inline void input_tile(const Geometry& g, const A* src, Index t, O* v) {
    constexpr int kT = F::kTile, kI = F::kInput;
    const TileOrigin o = tile_origin<kT>(g, t);
    const Index plane = g.tiles * g.ic;
    float d[kI][kI][kBlock], rows[kI][kI][kBlock];
    for (int c0 = 0; c0 < g.ic; c0 += kBlock) {
        const int n = std::min(kBlock, g.ic - c0);
        gather_window(src, o.image, g.h, g.w, g.ic, o.y - g.pad, o.x - g.pad, c0, n, d);
        for (int r = 0; r < kI; ++r) F::input(d[r][0], kBlock, rows[r][0], kBlock, n);
        for (int j = 0; j < kI; ++j) F::input(rows[0][j], kI * kBlock, v + j * plane + t * g.ic + c0, kI * plane, n);
    }
}

// dst tile = A^T M A + bias, clipped to the output.
template <typename A, typename O, typename F = TilingFor<O>>
[[gnu::always_inline]] inline void output_tile(const Geometry& g, const O* m, const float* bias, Index t, A* dst) {
    constexpr int kT = F::kTile, kI = F::kInput;
    const TileOrigin o = tile_origin<kT>(g, t);
    const Index plane = g.tiles * g.oc;
    float rows[kI][kT][kBlock], y[kT][kT][kBlock];
    for (int c0 = 0; c0 < g.oc; c0 += kBlock) {
        const int n = std::min(kBlock, g.oc - c0);
        for (int i = 0; i < kI; ++i) F::output(m + i * kI * plane + t * g.oc + c0, plane, rows[i][0], kBlock, n);
        for (int q = 0; q < kT; ++q) F::output(rows[0][q], kT * kBlock, y[0][q], kT * kBlock, n);
        for (int p = 0; p < kT && o.y + p < g.out_h; ++p) {
            for (int q = 0; q < kT && o.x + q < g.out_w; ++q) {
                A* out = dst + ((o.image * g.out_h + o.y + p) * g.out_w + o.x + q) * g.oc + c0;
#pragma omp simd
                for (int c = 0; c < n; ++c) out[c] = narrow<A>(y[p][q][c] + bias[c0 + c]);
            }
        }
    }
}

// dM[xi][t][oc] = (A dy A^T)[xi] for the tile's output gradient dy (zeros outside).
template <typename A, typename O, typename F = TilingFor<O>>
[[gnu::always_inline]] inline void output_adjoint_tile(const Geometry& g, const A* diff_dst, Index t, O* dm) {
    constexpr int kT = F::kTile, kI = F::kInput;
    const TileOrigin o = tile_origin<kT>(g, t);
    const Index plane = g.tiles * g.oc;
    float dy[kT][kT][kBlock], rows[kT][kI][kBlock];
    for (int c0 = 0; c0 < g.oc; c0 += kBlock) {
        const int n = std::min(kBlock, g.oc - c0);
        gather_window(diff_dst, o.image, g.out_h, g.out_w, g.oc, o.y, o.x, c0, n, dy);
        for (int p = 0; p < kT; ++p) F::output_adjoint(dy[p][0], kBlock, rows[p][0], kBlock, n);
        for (int j = 0; j < kI; ++j) {
            F::output_adjoint(rows[0][j], kI * kBlock, dm + j * plane + t * g.oc + c0, kI * plane, n);
        }
    }
}

// Adds the tile's B dV B^T into diff_src (f32 in both precisions) inside the image (the
// padding's share is dropped).
template <typename O, typename F = TilingFor<O>>
[[gnu::always_inline]] inline void input_adjoint_tile(const Geometry& g, const O* dv, Index t, float* diff_src) {
    constexpr int kI = F::kInput;
    const TileOrigin o = tile_origin<F::kTile>(g, t);
    const Index plane = g.tiles * g.ic;
    float rows[kI][kI][kBlock], dd[kI][kI][kBlock];
    for (int c0 = 0; c0 < g.ic; c0 += kBlock) {
        const int n = std::min(kBlock, g.ic - c0);
        for (int i = 0; i < kI; ++i) {
            F::input_adjoint(dv + i * kI * plane + t * g.ic + c0, plane, rows[i][0], kBlock, n);
        }
        for (int s = 0; s < kI; ++s) F::input_adjoint(rows[0][s], kI * kBlock, dd[0][s], kI * kBlock, n);
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
template <typename O, typename F = TilingFor<O>>
[[gnu::always_inline]] inline void weight_channel(const Geometry& g, const float* weights, int ic, O* u) {
    constexpr int kI = F::kInput;
    const Index plane = Index{g.ic} * g.oc;
    const float* k = weights + Index{ic} * 9 * g.oc;
    float rows[3][kI][kBlock];
    for (int c0 = 0; c0 < g.oc; c0 += kBlock) {
        const int n = std::min(kBlock, g.oc - c0);
        for (int ky = 0; ky < 3; ++ky) F::weight(k + ky * 3 * g.oc + c0, g.oc, rows[ky][0], kBlock, n);
        for (int j = 0; j < kI; ++j) {
            F::weight(rows[0][j], kI * kBlock, u + j * plane + Index{ic} * g.oc + c0, kI * plane, n);
        }
    }
}

// diff_weights[ic][3][3][oc] = (G^T dU G) for input channel ic (dU f32 for either operand type).
template <typename O, typename F = TilingFor<O>>
[[gnu::always_inline]] inline void weight_adjoint_channel(const Geometry& g, const float* du, int ic,
                                                          float* diff_weights) {
    constexpr int kI = F::kInput;
    const Index plane = Index{g.ic} * g.oc;
    float* k = diff_weights + Index{ic} * 9 * g.oc;
    float rows[kI][3][kBlock];
    for (int c0 = 0; c0 < g.oc; c0 += kBlock) {
        const int n = std::min(kBlock, g.oc - c0);
        for (int i = 0; i < kI; ++i) {
            F::weight_adjoint(du + i * kI * plane + Index{ic} * g.oc + c0, plane, rows[i][0], kBlock, n);
        }
        for (int kx = 0; kx < 3; ++kx) F::weight_adjoint(rows[0][kx], 3 * kBlock, k + kx * g.oc + c0, 3 * g.oc, n);
    }
}

// diff_bias[oc] = sum of diff_dst over all pixels, for the channels [c0, c0 + n).
template <typename T>
[[gnu::always_inline]] inline void bias_gradient(const T* diff_dst, Index pixels, int oc, int c0, int n,
                                                 float* diff_bias) {
    float sum[kBiasBlock] = {};
    for (Index p = 0; p < pixels; ++p) {
#pragma omp simd
        for (int c = 0; c < n; ++c) sum[c] += widen(diff_dst[p * oc + c0 + c]);
    }
    std::copy_n(sum, n, diff_bias + c0);
}

template <typename T>
[[gnu::always_inline]] inline void round_to(const float* x, Index count, T* y) {
#pragma omp simd
    for (Index i = 0; i < count; ++i) y[i] = narrow<T>(x[i]);
}

// The transforms compiled for each instruction set; the one for oneDNN's effective ISA runs,
// so that capping oneDNN (ONEDNN_MAX_CPU_ISA=AVX2) shows what an AVX2-only CPU runs. A is the
// activations' type, O the GEMM operands'.
template <typename A, typename O>
struct Kernels {
    void (*input)(const Geometry&, const A*, Index, O*);
    void (*output)(const Geometry&, const O*, const float*, Index, A*);
    void (*output_adjoint)(const Geometry&, const A*, Index, O*);
    void (*input_adjoint)(const Geometry&, const O*, Index, float*);
    void (*weight)(const Geometry&, const float*, int, O*);
    void (*weight_adjoint)(const Geometry&, const float*, int, float*);
    void (*bias_gradient)(const A*, Index, int, int, int, float*);
    void (*round)(const float*, Index, A*);
};

#define TINYDIGIT_WINOGRAD_KERNELS(name, target)                                                                       \
    template <typename A, typename O>                                                                                  \
    target void name##_input(const Geometry& g, const A* s, Index t, O* v) {                                           \
        input_tile(g, s, t, v);                                                                                        \
    }                                                                                                                  \
    template <typename A, typename O>                                                                                  \
    target void name##_output(const Geometry& g, const O* m, const float* b, Index t, A* d) {                          \
        output_tile(g, m, b, t, d);                                                                                    \
    }                                                                                                                  \
    template <typename A, typename O>                                                                                  \
    target void name##_output_adjoint(const Geometry& g, const A* dy, Index t, O* dm) {                                \
        output_adjoint_tile(g, dy, t, dm);                                                                             \
    }                                                                                                                  \
    template <typename O>                                                                                              \
    target void name##_input_adjoint(const Geometry& g, const O* dv, Index t, float* dx) {                             \
        input_adjoint_tile(g, dv, t, dx);                                                                              \
    }                                                                                                                  \
    template <typename O>                                                                                              \
    target void name##_weight(const Geometry& g, const float* w, int ic, O* u) {                                       \
        weight_channel(g, w, ic, u);                                                                                   \
    }                                                                                                                  \
    template <typename O>                                                                                              \
    target void name##_weight_adjoint(const Geometry& g, const float* du, int ic, float* dw) {                         \
        weight_adjoint_channel<O>(g, du, ic, dw);                                                                      \
    }                                                                                                                  \
    template <typename A>                                                                                              \
    target void name##_bias_gradient(const A* dy, Index pixels, int oc, int c0, int n, float* db) {                    \
        bias_gradient(dy, pixels, oc, c0, n, db);                                                                      \
    }                                                                                                                  \
    template <typename A>                                                                                              \
    target void name##_round(const float* x, Index count, A* y) {                                                      \
        round_to(x, count, y);                                                                                         \
    }                                                                                                                  \
    template <typename A, typename O>                                                                                  \
    constexpr Kernels<A, O> name##_kernels{name##_input<A, O>,       name##_output<A, O>, name##_output_adjoint<A, O>, \
                                           name##_input_adjoint<O>,  name##_weight<O>,    name##_weight_adjoint<O>,    \
                                           name##_bias_gradient<A>,  name##_round<A>};

TINYDIGIT_WINOGRAD_KERNELS(avx512, [[gnu::target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")]])
TINYDIGIT_WINOGRAD_KERNELS(avx2, [[gnu::target("avx2,fma")]])
TINYDIGIT_WINOGRAD_KERNELS(baseline, )
#undef TINYDIGIT_WINOGRAD_KERNELS

template <typename A, typename O>
const Kernels<A, O>& kernels() {
    static const Kernels<A, O>& chosen = avx512_supported() ? avx512_kernels<A, O>
                                         : avx2_supported() ? avx2_kernels<A, O>
                                                            : baseline_kernels<A, O>;
    return chosen;
}

// One matrix of rows x cols per transformed point; transposed: read as rows x cols from a cols x
// rows buffer.
memory::desc matrices(int points, memory::dim rows, memory::dim cols, memory::data_type type,
                      bool transposed = false) {
    return memory::desc({points, rows, cols}, type, transposed ? memory::format_tag::acb : memory::format_tag::abc);
}

dnnl::matmul::primitive_desc matmul_pd(const dnnl::engine& engine, const memory::desc& a, const memory::desc& b,
                                       const memory::desc& c) {
    return dnnl::matmul::primitive_desc(dnnl::matmul::desc(a, b, c), engine);
}

memory::data_type checked(memory::data_type type) {
    if (type != memory::data_type::f32 && type != memory::data_type::bf16) {
        throw std::invalid_argument("WinogradConv: activations and GEMM operands must be f32 or bf16");
    }
    return type;
}

// Calls f(A{}, O{}) with the C++ types of the activations and the GEMM operands.
template <typename F>
void with_types(memory::data_type activations, memory::data_type operands, F&& f) {
    const auto with_operands = [&](auto a) {
        if (operands == memory::data_type::bf16) {
            f(a, Bf16{});
        } else {
            f(a, float{});
        }
    };
    if (activations == memory::data_type::bf16) {
        with_operands(Bf16{});
    } else {
        with_operands(float{});
    }
}

Geometry geometry_of(int ic, int h, int w, int oc, int pad, int out_h, int out_w, int ty, int tx, Index tiles) {
    return {ic, h, w, oc, pad, out_h, out_w, ty, tx, tiles};
}

// Outputs per tile side for GEMM operands of `operands`' type (TilingFor).
int tile_for(memory::data_type operands) {
    return operands == memory::data_type::bf16 ? F2x2::kTile : F4x4::kTile;
}

}  // namespace

WinogradConv::WinogradConv(const dnnl::engine& engine, int batch, int in_channels, int height, int width,
                           int out_channels, int padding, memory::data_type activations, memory::data_type operands)
    : n_(batch), ic_(in_channels), h_(height), w_(width), oc_(out_channels), pad_(padding),
      out_h_(height + 2 * padding - 2), out_w_(width + 2 * padding - 2), activations_(checked(activations)),
      operands_(checked(operands)), tile_(tile_for(operands_)), points_((tile_ + 2) * (tile_ + 2)),
      tiles_y_((out_h_ + tile_ - 1) / tile_), tiles_x_((out_w_ + tile_ - 1) / tile_),
      tiles_(Index{batch} * tiles_y_ * tiles_x_), engine_(engine),
      fwd_pd_(matmul_pd(engine, matrices(points_, tiles_, ic_, operands_), matrices(points_, ic_, oc_, operands_),
                        matrices(points_, tiles_, oc_, operands_))),
      bwd_w_pd_(matmul_pd(engine, matrices(points_, ic_, tiles_, operands_, true),
                          matrices(points_, tiles_, oc_, operands_),
                          matrices(points_, ic_, oc_, memory::data_type::f32))),
      bwd_d_pd_(matmul_pd(engine, matrices(points_, tiles_, oc_, operands_),
                          matrices(points_, oc_, ic_, operands_, true), matrices(points_, tiles_, ic_, operands_))),
      fwd_(fwd_pd_), bwd_w_(bwd_w_pd_), bwd_d_(bwd_d_pd_), v_(matrices(points_, tiles_, ic_, operands_), engine),
      u_(matrices(points_, ic_, oc_, operands_), engine), m_(matrices(points_, tiles_, oc_, operands_), engine),
      dm_(m_.get_desc(), engine, m_.get_data_handle()),
      du_(matrices(points_, ic_, oc_, memory::data_type::f32), engine),
      dv_(v_.get_desc(), engine, v_.get_data_handle()) {
    if (activations_ == memory::data_type::bf16) {
        diff_src_sum_.resize(static_cast<std::size_t>(Index{n_} * h_ * w_ * ic_));
    }
}

void WinogradConv::forward(dnnl::stream& stream, const void* src, const float* weights, const float* bias, void* dst) {
    with_types(activations_, operands_, [&](auto a, auto o) {
        using A = decltype(a);
        forward_in<A, decltype(o)>(stream, static_cast<const A*>(src), weights, bias, static_cast<A*>(dst));
    });
}

void WinogradConv::backward(dnnl::stream& stream, const void* diff_dst, float* diff_weights, float* diff_bias,
                            void* diff_src) {
    with_types(activations_, operands_, [&](auto a, auto o) {
        using A = decltype(a);
        backward_in<A, decltype(o)>(stream, static_cast<const A*>(diff_dst), diff_weights, diff_bias,
                                    static_cast<A*>(diff_src));
    });
}

template <typename A, typename O>
void WinogradConv::forward_in(dnnl::stream& stream, const A* src, const float* weights, const float* bias, A* dst) {
    const Geometry g = geometry_of(ic_, h_, w_, oc_, pad_, out_h_, out_w_, tiles_y_, tiles_x_, tiles_);
    const Kernels<A, O>& k = kernels<A, O>();
    auto* v = static_cast<O*>(v_.get_data_handle());
    auto* u = static_cast<O*>(u_.get_data_handle());
    const auto* m = static_cast<const O*>(m_.get_data_handle());
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

template <typename A, typename O>
void WinogradConv::backward_in(dnnl::stream& stream, const A* diff_dst, float* diff_weights, float* diff_bias,
                               A* diff_src) {
    const Geometry g = geometry_of(ic_, h_, w_, oc_, pad_, out_h_, out_w_, tiles_y_, tiles_x_, tiles_);
    const Kernels<A, O>& k = kernels<A, O>();
    auto* dm = static_cast<O*>(dm_.get_data_handle());
    const auto* du = static_cast<const float*>(du_.get_data_handle());
    const Index pixels = Index{n_} * out_h_ * out_w_;
#pragma omp parallel
    {
#pragma omp for schedule(static) nowait
        for (Index t = 0; t < tiles_; ++t) k.output_adjoint(g, diff_dst, t, dm);
#pragma omp for schedule(static)
        for (int c0 = 0; c0 < oc_; c0 += kBiasBlock) {
            k.bias_gradient(diff_dst, pixels, oc_, c0, std::min(kBiasBlock, oc_ - c0), diff_bias);
        }
    }
    // dU from V before dV overwrites it.
    const memory v_transposed(matrices(points_, ic_, tiles_, operands_, true), engine_, v_.get_data_handle());
    bwd_w_.execute(stream, {{DNNL_ARG_SRC, v_transposed}, {DNNL_ARG_WEIGHTS, dm_}, {DNNL_ARG_DST, du_}});
    if (diff_src) {
        const memory u_transposed(matrices(points_, oc_, ic_, operands_, true), engine_, u_.get_data_handle());
        bwd_d_.execute(stream, {{DNNL_ARG_SRC, dm_}, {DNNL_ARG_WEIGHTS, u_transposed}, {DNNL_ARG_DST, dv_}});
    }
    stream.wait();
    const auto* dv = static_cast<const O*>(dv_.get_data_handle());
    const Index tiles_per_image = Index{tiles_y_} * tiles_x_, image_size = Index{h_} * w_ * ic_;
    // In bf16 the overlapping tiles are summed in f32 and the sum rounded once.
    constexpr bool kF32 = std::is_same_v<A, float>;
    float* sum = nullptr;
    if constexpr (kF32) {
        sum = diff_src;
    } else {
        sum = diff_src_sum_.data();
    }
#pragma omp parallel
    {
#pragma omp for schedule(static) nowait
        for (int c = 0; c < ic_; ++c) k.weight_adjoint(g, du, c, diff_weights);
        // Neighbouring tiles overlap in the input: one thread adds all tiles of an image.
        if (diff_src) {
#pragma omp for schedule(static)
            for (int image = 0; image < n_; ++image) {
                float* image_sum = sum + image * image_size;
                std::fill_n(image_sum, image_size, 0.0f);
                for (Index t = image * tiles_per_image; t < (image + 1) * tiles_per_image; ++t) {
                    k.input_adjoint(g, dv, t, sum);
                }
                if constexpr (!kF32) k.round(image_sum, image_size, diff_src + image * image_size);
            }
        }
    }
}

}  // namespace tinydigit::trainer
