// FullyConnected for Cortex-M4/M7: the input once as int16 pairs (x - z_in) in SMLAD pair
// order, then 2 outputs per pass sharing each column word.
#if defined(__ARM_FEATURE_DSP)

#include "dsp_support.hpp"
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/requantize.hpp"

namespace tinydigit::engine {

// The input once as int16 (reordered in place).
std::uint64_t fully_connected_dsp_s8_scratch_bytes(const FullyConnectedParams& p) {
    return 2 * static_cast<std::uint64_t>(p.in_count);
}

void fully_connected_dsp_s8(const FullyConnectedParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const std::int32_t k = p.in_count, groups = k / 4, tail = groups * 4;
    auto* col = static_cast<std::int16_t*>(scratch);
    for (std::int32_t j = 0; j < k; ++j) col[j] = static_cast<std::int16_t>(in[j] - p.in_zero_point);
    detail::pair_order(col, k);
    const Requant& rq = p.requant;
    for (std::int32_t o = 0; o < p.out_count; o += 2) {
        const bool both = o + 1 < p.out_count;
        const std::int8_t* wa = p.weights + o * k;
        const std::int8_t* wb = both ? wa + k : wa;
        std::int32_t sa = 0, sb = 0;
        const std::int16_t* c = col;
        for (std::int32_t g = 0; g < groups; ++g, c += 4) {
            const std::uint32_t ra = detail::load_word(wa + 4 * g), rb = detail::load_word(wb + 4 * g);
            const std::uint32_t x_lo = detail::load_word(c), x_hi = detail::load_word(c + 2);
            sa = __smlad(x_lo, __sxtb16(ra), sa);
            sa = __smlad(x_hi, detail::sxtb16_ror8(ra), sa);
            sb = __smlad(x_lo, __sxtb16(rb), sb);
            sb = __smlad(x_hi, detail::sxtb16_ror8(rb), sb);
        }
        for (std::int32_t j = tail; j < k; ++j) {
            sa += col[j] * wa[j];
            sb += col[j] * wb[j];
        }
        out[o] = requantize(wrapping_add(p.bias[o], sa), rq.multiplier[o], rq.shift[o], rq.out_zero_point,
                            rq.act_min, rq.act_max);
        if (both)
            out[o + 1] = requantize(wrapping_add(p.bias[o + 1], sb), rq.multiplier[o + 1], rq.shift[o + 1],
                                    rq.out_zero_point, rq.act_min, rq.act_max);
    }
}

}  // namespace tinydigit::engine

#endif
