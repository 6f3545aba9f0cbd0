// FullyConnected for Cortex-M4/M7/M33: the input once as int16 pairs (x - z_in) in SMLAD pair
// order, then one output per pass: per group of 4 inputs, a weight LDR, one LDRD of the
// column, 2 SXTB16 and 2 SMLAD (8 instructions per 4 MACs with the loop). Two outputs per
// pass sharing each LDRD took 13 per 8 MACs for 60 bytes more flash; a network's dense
// layers are a small share of its MACs (seed 0.6 %), so flash wins. The loop is asm: at -Os
// GCC keeps no better than this.
#if defined(__ARM_FEATURE_DSP)

#include "dsp_support.hpp"
#include "tinydigit/engine/kernels.hpp"

namespace tinydigit::engine {

// The input once as int16, in pair order.
std::uint64_t fully_connected_dsp_s8_scratch_bytes(const FullyConnectedParams& p) {
    return 2 * static_cast<std::uint64_t>(p.in_count);
}

void fully_connected_dsp_s8(const FullyConnectedParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const std::int32_t k = p.in_count, full = k & ~3;
    auto* const col = static_cast<std::int16_t*>(scratch);  // 16-byte aligned (arena): LDRD may read it
    for (std::int32_t j = 0; j < k; ++j) {
        const std::int32_t at = j < full ? detail::pair_slot(j) : j;
        col[at] = static_cast<std::int16_t>(in[j] - p.in_zero_point);
    }
    const std::int8_t* w = p.weights;  // row o follows row o - 1
    for (std::int32_t o = 0; o < p.out_count; ++o) {
        std::int32_t sum = 0;
        const std::int16_t* c = col;
        std::uint32_t x0, x1, t, v;
        __asm__ volatile(
            "b      2f\n\t"  // no group at all when k < 4
            "1:\n\t"
            "ldr    %[v], [%[w]], #4\n\t"
            "ldrd   %[x0], %[x1], [%[c]], #8\n\t"
            "sxtb16 %[t], %[v]\n\t"
            "sxtb16 %[v], %[v], ror #8\n\t"
            "smlad  %[sum], %[x0], %[t], %[sum]\n\t"
            "smlad  %[sum], %[x1], %[v], %[sum]\n\t"
            "2:\n\t"
            "cmp    %[c], %[end]\n\t"
            "bne    1b"
            : [w] "+r"(w), [c] "+r"(c), [sum] "+r"(sum), [x0] "=&r"(x0), [x1] "=&r"(x1), [t] "=&r"(t), [v] "=&r"(v)
            : [end] "r"(col + full)
            : "cc", "memory");
        for (; c < col + k; ++c) sum += *c * *w++;  // the k % 4 last inputs, in plain order
        out[o] = detail::requantize_channel(p.requant, p.bias, o, sum);
    }
}

}  // namespace tinydigit::engine

#endif
