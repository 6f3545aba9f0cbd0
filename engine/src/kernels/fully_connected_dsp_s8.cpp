// FullyConnected for Cortex-M4/M7/M33, written for flash: one output per pass over the input
// in place, no scratch, a plain loop (6 instructions per MAC at -Os: two LDRSB, SUB, MLA, CMP,
// BNE). The dense layers are a small share of a network's MACs (seed 0.6 %), and the M4
// image's engine .text is the limit: an asm loop of SXTAB16 / SXTB16 / SMLAD pairs took 2.5
// instructions per MAC for 82 bytes more (166 bytes with its K % 4 tail and set-up), an int16
// pair-order copy of the input in scratch 2 per MAC for 46 more than that.
#if defined(__ARM_FEATURE_DSP)

#include "dsp_support.hpp"
#include "tinydigit/engine/kernels.hpp"

namespace tinydigit::engine {

std::uint64_t fully_connected_dsp_s8_scratch_bytes(const FullyConnectedParams&) { return 0; }

void fully_connected_dsp_s8(const FullyConnectedParams& p, const std::int8_t* in, std::int8_t* out, void*) {
    const std::int32_t z = p.in_zero_point;
    const std::int8_t* w = p.weights;  // row o follows row o - 1
    for (std::int32_t o = 0; o < p.out_count; ++o) {
        std::int32_t sum = 0;
        for (const std::int8_t* x = in; x != in + p.in_count; ++x) sum += (*x - z) * *w++;
        out[o] = detail::requantize_channel(p.requant, p.bias, o, sum);
    }
}

}  // namespace tinydigit::engine

#endif
