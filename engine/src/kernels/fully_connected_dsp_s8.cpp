// FullyConnected for Cortex-M4/M7/M33, written for flash: one output per pass over the input
// in place, no scratch. Per group of 4 inputs: an LDR of input and one of weights, 2 SXTAB16
// making the input's (x - z_in) pairs, 2 SXTB16 the weights' pairs (dsp_support.hpp), 2 SMLAD:
// 10 instructions per 4 MACs with the loop. The dense layers are a small share of a
// network's MACs (seed 0.6 %), so flash weighs more: an int16 pair-order copy of the input in
// scratch took 8 per 4 MACs (13 per 8 with 2 outputs per pass) for 46 (106) bytes more. The
// loop is asm: GCC's plain loop at -Os takes 8 instructions per MAC.
#if defined(__ARM_FEATURE_DSP)

#include "dsp_support.hpp"
#include "tinydigit/engine/kernels.hpp"

namespace tinydigit::engine {

std::uint64_t fully_connected_dsp_s8_scratch_bytes(const FullyConnectedParams&) { return 0; }

void fully_connected_dsp_s8(const FullyConnectedParams& p, const std::int8_t* in, std::int8_t* out, void*) {
    const std::int32_t k = p.in_count, z = p.in_zero_point;
    const std::uint32_t minus_z = static_cast<std::uint16_t>(-z) * 0x10001u;  // (-z, -z) as int16 pairs
    const std::int8_t* const full_end = in + (k & ~3);
    const std::int8_t* w = p.weights;  // row o follows row o - 1
    for (std::int32_t o = 0; o < p.out_count; ++o) {
        std::int32_t sum = 0;
        const std::int8_t* x = in;
        std::uint32_t lo, hi, t, v;
        __asm__ volatile(
            "b       2f\n\t"  // no group at all when k < 4
            "1:\n\t"
            "ldr     %[hi], [%[x]], #4\n\t"
            "ldr     %[v], [%[w]], #4\n\t"
            "sxtab16 %[lo], %[mz], %[hi]\n\t"
            "sxtab16 %[hi], %[mz], %[hi], ror #8\n\t"
            "sxtb16  %[t], %[v]\n\t"
            "sxtb16  %[v], %[v], ror #8\n\t"
            "smlad   %[sum], %[lo], %[t], %[sum]\n\t"
            "smlad   %[sum], %[hi], %[v], %[sum]\n\t"
            "2:\n\t"
            "cmp     %[x], %[end]\n\t"
            "bne     1b"
            : [x] "+r"(x), [w] "+r"(w), [sum] "+r"(sum), [lo] "=&r"(lo), [hi] "=&r"(hi), [t] "=&r"(t), [v] "=&r"(v)
            : [end] "r"(full_end), [mz] "r"(minus_z)
            : "cc", "memory");
        for (; x < in + k; ++x) sum += (*x - z) * *w++;  // the k % 4 last inputs
        out[o] = detail::requantize_channel(p.requant, p.bias, o, sum);
    }
}

}  // namespace tinydigit::engine

#endif
