// FullyConnected for Cortex-M55 and other Armv8.1-M cores with Helium (MVE): the raw int8
// input against 2 weight rows per pass, 16 MACs per VMLADAVA; the input zero point comes out
// as z_in * sum(w) (VADDVA in the same pass), exact in int32 modular arithmetic as in
// conv2d_mve_s8.cpp. No scratch: the last partial vector is a predicated load of input and
// weights, so nothing past either is read.
#if defined(__ARM_FEATURE_MVE)

#include <arm_mve.h>

#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/requantize.hpp"

namespace tinydigit::engine {

std::uint64_t fully_connected_mve_s8_scratch_bytes(const FullyConnectedParams&) { return 0; }

void fully_connected_mve_s8(const FullyConnectedParams& p, const std::int8_t* in, std::int8_t* out, void*) {
    const std::int32_t k = p.in_count;
    const Requant& rq = p.requant;
    for (std::int32_t o = 0; o < p.out_count; o += 2) {
        const bool both = o + 1 < p.out_count;
        const std::int8_t* wa = p.weights + o * k;
        const std::int8_t* wb = both ? wa + k : wa;
        std::int32_t sa = 0, sb = 0, wsum_a = 0, wsum_b = 0;
        for (std::int32_t j = 0; j < k; j += 16) {
            const mve_pred16_t lanes = vctp8q(static_cast<std::uint32_t>(k - j));
            const int8x16_t x = vldrbq_z_s8(in + j, lanes);
            const int8x16_t va = vldrbq_z_s8(wa + j, lanes), vb = vldrbq_z_s8(wb + j, lanes);
            sa = vmladavaq_s8(sa, x, va);
            sb = vmladavaq_s8(sb, x, vb);
            wsum_a = vaddvaq_s8(wsum_a, va);
            wsum_b = vaddvaq_s8(wsum_b, vb);
        }
        // sa - z * wsum is the reference's sum_k (x_k - z) w_k exactly, which fits in int32.
        out[o] = requantize(wrapping_add(p.bias[o], sa - p.in_zero_point * wsum_a), rq.multiplier[o], rq.shift[o],
                            rq.out_zero_point, rq.act_min, rq.act_max);
        if (both)
            out[o + 1] = requantize(wrapping_add(p.bias[o + 1], sb - p.in_zero_point * wsum_b), rq.multiplier[o + 1],
                                    rq.shift[o + 1], rq.out_zero_point, rq.act_min, rq.act_max);
    }
}

}  // namespace tinydigit::engine

#endif
