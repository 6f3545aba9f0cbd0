// Conv2D, portable C++: two output pixels per pass over an int16 column (x - z_in, padding 0),
// inner loops simple enough for the compiler to vectorize (int16 x int8 -> int32 sums).
// Runs on any target (the Cortex-M3 build uses it).
#include "conv_support.hpp"
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/requantize.hpp"
#include "tinydigit/engine/scratch.hpp"

namespace tinydigit::engine {

// Two int16 columns, each padded to a multiple of 64 values.
std::uint64_t conv2d_portable_s8_scratch_bytes(const Conv2DParams& p) {
    return 2 * 2 * round_up(conv2d_reduction_length(p.kernel_h, p.kernel_w, p.in_c), 64);
}

void conv2d_portable_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const std::int32_t k = p.kernel_h * p.kernel_w * p.in_c;
    const auto stride = static_cast<std::int32_t>(round_up(static_cast<std::uint64_t>(k), 64));
    auto* col0 = static_cast<std::int16_t*>(scratch);
    std::int16_t* col1 = col0 + stride;
    const detail::ConvSweep sweep(p);
    detail::prepare_output(p, out);
    const std::int32_t z = p.in_zero_point;
    auto convert = [z](std::int8_t x) { return static_cast<std::int16_t>(x - z); };
    const std::int32_t n = sweep.count();
    for (std::int32_t i = 0; i < n; i += 2) {
        const bool pair = i + 1 < n;
        const std::int32_t cy0 = i / sweep.used_w, cx0 = i % sweep.used_w;
        const std::int32_t cy1 = (i + 1) / sweep.used_w, cx1 = (i + 1) % sweep.used_w;
        detail::gather_column(p, in, cy0, cx0, col0, std::int16_t{0}, convert);
        if (pair) detail::gather_column(p, in, cy1, cx1, col1, std::int16_t{0}, convert);
        const std::int16_t* __restrict c0 = col0;
        const std::int16_t* __restrict c1 = pair ? col1 : col0;
        for (std::int32_t o = 0; o < p.out_c; ++o) {
            const std::int8_t* __restrict w = p.weights + std::int64_t{o} * k;
            std::int32_t s0 = 0, s1 = 0;
            for (std::int32_t j = 0; j < k; ++j) {
                s0 += c0[j] * w[j];
                s1 += c1[j] * w[j];
            }
            const std::int32_t mult = p.requant.multiplier[o], shift = p.requant.shift[o];
            const std::int8_t y0 = requantize(wrapping_add(p.bias[o], s0), mult, shift, p.requant.out_zero_point,
                                              p.requant.act_min, p.requant.act_max);
            detail::store_pixel(p, out, cy0, cx0, o, &y0, 1);
            if (pair) {
                const std::int8_t y1 = requantize(wrapping_add(p.bias[o], s1), mult, shift, p.requant.out_zero_point,
                                                  p.requant.act_min, p.requant.act_max);
                detail::store_pixel(p, out, cy1, cx1, o, &y1, 1);
            }
        }
    }
}

}  // namespace tinydigit::engine
