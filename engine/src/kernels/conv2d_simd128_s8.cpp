// Conv2D with WebAssembly SIMD128: int16 columns (x - z_in, padding 0) for 2 output pixels,
// weights sign-extended on load (i16x8.load8x8_s), i32x4.dot_i16x8_s pairs into int32: exact,
// no correction term. Block: 2 pixels x 4 channels, 8 reduction steps per iteration, scalar
// tail. The same scheme as the AVX2 variant at half the width.
#include <wasm_simd128.h>

#include "conv_support.hpp"
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/requantize.hpp"
#include "tinydigit/engine/scratch.hpp"

namespace tinydigit::engine {
namespace {

constexpr int kPixels = 2;
constexpr int kChannels = 4;

inline std::int32_t hsum(v128_t v) {
    return wasm_i32x4_extract_lane(v, 0) + wasm_i32x4_extract_lane(v, 1) + wasm_i32x4_extract_lane(v, 2) +
           wasm_i32x4_extract_lane(v, 3);
}

}  // namespace

void conv2d_simd128_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const std::int32_t k = p.kernel_h * p.kernel_w * p.in_c;
    const std::int32_t k8 = k / 8 * 8;
    const auto kp = static_cast<std::int64_t>(round_up(static_cast<std::uint64_t>(k), 64));
    auto* cols = static_cast<std::int16_t*>(scratch);
    const detail::ConvSweep sweep(p);
    detail::prepare_output(p, out);
    const std::int32_t z = p.in_zero_point;
    auto convert = [z](std::int8_t x) { return static_cast<std::int16_t>(x - z); };
    const std::int32_t n = sweep.count();
    const Requant& rq = p.requant;
    for (std::int32_t i = 0; i < n; i += kPixels) {
        const std::int32_t valid = n - i < kPixels ? n - i : kPixels;
        for (std::int32_t j = 0; j < valid; ++j)
            detail::gather_column(p, in, (i + j) / sweep.used_w, (i + j) % sweep.used_w, cols + j * kp,
                                  std::int16_t{0}, convert);
        const std::int16_t* c[kPixels];
        for (std::int32_t j = 0; j < kPixels; ++j) c[j] = cols + (j < valid ? j : valid - 1) * kp;
        for (std::int32_t o = 0; o < p.out_c; o += kChannels) {
            const std::int32_t channels = p.out_c - o < kChannels ? p.out_c - o : kChannels;
            const std::int8_t* w[kChannels];
            for (std::int32_t q = 0; q < kChannels; ++q)
                w[q] = p.weights + std::int64_t{o + (q < channels ? q : channels - 1)} * k;
            v128_t acc[kPixels][kChannels];
            for (auto& row : acc)
                for (auto& a : row) a = wasm_i32x4_splat(0);
            for (std::int32_t j = 0; j < k8; j += 8) {
                v128_t wv[kChannels];
                for (std::int32_t q = 0; q < kChannels; ++q) wv[q] = wasm_i16x8_load8x8(w[q] + j);
                for (std::int32_t px = 0; px < kPixels; ++px) {
                    const v128_t x = wasm_v128_load(c[px] + j);
                    for (std::int32_t q = 0; q < kChannels; ++q)
                        acc[px][q] = wasm_i32x4_add(acc[px][q], wasm_i32x4_dot_i16x8(x, wv[q]));
                }
            }
            for (std::int32_t px = 0; px < valid; ++px) {
                std::int8_t y[kChannels];
                for (std::int32_t q = 0; q < channels; ++q) {
                    std::int32_t s = hsum(acc[px][q]);
                    for (std::int32_t j = k8; j < k; ++j) s += c[px][j] * w[q][j];
                    y[q] = requantize(wrapping_add(p.bias[o + q], s), rq.multiplier[o + q], rq.shift[o + q],
                                      rq.out_zero_point, rq.act_min, rq.act_max);
                }
                detail::store_pixel(p, out, (i + px) / sweep.used_w, (i + px) % sweep.used_w, o, y, channels);
            }
        }
    }
}

}  // namespace tinydigit::engine
