// Conv2D for Cortex-M4/M7 (DSP extension): 2 output channels x 2 output pixels per pass.
// Per group of 4 reduction steps the inner loop loads 2 weight words (unpacked by 4 SXTB16),
// 4 column words (int16 pairs, already x - z_in) and issues 8 SMLAD: 16 MACs for about
// 16 instructions. Columns are gathered once per pixel pair and shared by all channels.
#if defined(__ARM_FEATURE_DSP)

#include "conv_support.hpp"
#include "dsp_support.hpp"
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/requantize.hpp"
#include "tinydigit/engine/scratch.hpp"

namespace tinydigit::engine {
namespace {

struct Acc4 {
    std::int32_t a0, a1, b0, b1;  // channel a/b x pixel 0/1
};

// Sums over k of col_p[k] * w_c[k] for 2 channels x 2 pixels; groups = k / 4 in pair order.
__attribute__((always_inline)) inline Acc4 dot_2x2(const std::int16_t* c0, const std::int16_t* c1,
                                                   const std::int8_t* wa, const std::int8_t* wb,
                                                   std::int32_t groups) {
    std::int32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
    const std::int8_t* const wa_end = wa + 4 * groups;
    while (wa != wa_end) {
        const std::uint32_t wa_raw = detail::load_word(wa);
        const std::uint32_t wb_raw = detail::load_word(wb);
        wa += 4;
        wb += 4;
        const std::uint32_t wa_hi = detail::sxtb16_ror8(wa_raw), wa_lo = __sxtb16(wa_raw);
        const std::uint32_t wb_hi = detail::sxtb16_ror8(wb_raw), wb_lo = __sxtb16(wb_raw);
        std::uint32_t x_lo = detail::load_word(c0), x_hi = detail::load_word(c0 + 2);
        c0 += 4;
        a0 = __smlad(x_lo, wa_lo, a0);
        a0 = __smlad(x_hi, wa_hi, a0);
        b0 = __smlad(x_lo, wb_lo, b0);
        b0 = __smlad(x_hi, wb_hi, b0);
        x_lo = detail::load_word(c1);
        x_hi = detail::load_word(c1 + 2);
        c1 += 4;
        a1 = __smlad(x_lo, wa_lo, a1);
        a1 = __smlad(x_hi, wa_hi, a1);
        b1 = __smlad(x_lo, wb_lo, b1);
        b1 = __smlad(x_hi, wb_hi, b1);
    }
    return Acc4{a0, a1, b0, b1};
}

// Gathers conv pixel i's column as int16 (x - z_in, padding 0) in SMLAD pair order.
void gather(const Conv2DParams& p, const std::int8_t* in, std::int32_t i, const detail::ConvSweep& sweep,
            std::int16_t* col, std::int32_t k) {
    const std::int32_t z = p.in_zero_point;
    detail::gather_column(p, in, i / sweep.used_w, i % sweep.used_w, col, std::int16_t{0},
                          [z](std::int8_t x) { return static_cast<std::int16_t>(x - z); });
    detail::pair_order(col, k);
}

std::int8_t finish(const Conv2DParams& p, std::int32_t o, std::int32_t sum) {
    return requantize(wrapping_add(p.bias[o], sum), p.requant.multiplier[o], p.requant.shift[o],
                      p.requant.out_zero_point, p.requant.act_min, p.requant.act_max);
}

}  // namespace

void conv2d_dsp_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const std::int32_t k = p.kernel_h * p.kernel_w * p.in_c;
    const std::int32_t groups = k / 4, tail = groups * 4;
    auto* col0 = static_cast<std::int16_t*>(scratch);
    std::int16_t* col1 = col0 + round_up(static_cast<std::uint64_t>(k), 64);
    const detail::ConvSweep sweep(p);
    detail::prepare_output(p, out);
    const std::int32_t n = sweep.count();
    for (std::int32_t i = 0; i < n; i += 2) {
        const bool pair = i + 1 < n;
        gather(p, in, i, sweep, col0, k);
        const std::int16_t* c1 = col0;
        if (pair) {
            gather(p, in, i + 1, sweep, col1, k);
            c1 = col1;
        }
        const std::int32_t cy0 = i / sweep.used_w, cx0 = i % sweep.used_w;
        const std::int32_t cy1 = (i + 1) / sweep.used_w, cx1 = (i + 1) % sweep.used_w;
        std::int32_t o = 0;
        for (; o < p.out_c; o += 2) {
            const bool both = o + 1 < p.out_c;
            const std::int8_t* wa = p.weights + o * k;
            const std::int8_t* wb = both ? wa + k : wa;
            Acc4 acc = dot_2x2(col0, c1, wa, wb, groups);
            for (std::int32_t j = tail; j < k; ++j) {
                acc.a0 += col0[j] * wa[j];
                acc.a1 += c1[j] * wa[j];
                acc.b0 += col0[j] * wb[j];
                acc.b1 += c1[j] * wb[j];
            }
            const std::int8_t y0[2] = {finish(p, o, acc.a0), both ? finish(p, o + 1, acc.b0) : std::int8_t{0}};
            detail::store_pixel(p, out, cy0, cx0, o, y0, both ? 2 : 1);
            if (pair) {
                const std::int8_t y1[2] = {finish(p, o, acc.a1), both ? finish(p, o + 1, acc.b1) : std::int8_t{0}};
                detail::store_pixel(p, out, cy1, cx1, o, y1, both ? 2 : 1);
            }
        }
    }
}

}  // namespace tinydigit::engine

#endif
