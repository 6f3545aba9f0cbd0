// FullyConnected for Cortex-M4/M7/M33: the input once as int16 pairs (x - z_in) in SMLAD pair
// order, then 2 outputs per pass sharing each column word: per group of 4 inputs, 2 weight
// LDRs, one LDRD of the column, 4 SXTB16 and 4 SMLAD (13 instructions per 8 MACs with the
// loop). The loop is asm for its size: at -Os GCC spills the two sums in it.
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
    for (std::int32_t o = 0; o < p.out_count; o += 2) {
        // The second output of the pass; an odd count's last pass computes its output twice.
        const std::int32_t ob = o + 1 < p.out_count ? o + 1 : o;
        const std::int8_t* wa = p.weights + o * k;
        const std::int8_t* wb = p.weights + ob * k;
        std::int32_t sa = 0, sb = 0;
        const std::int16_t* c = col;
        std::uint32_t x0, x1, t, va, vb;
        __asm__ volatile(
            "b      2f\n\t"  // no group at all when k < 4
            "1:\n\t"
            "ldr    %[va], [%[wa]], #4\n\t"
            "ldr    %[vb], [%[wb]], #4\n\t"
            "ldrd   %[x0], %[x1], [%[c]], #8\n\t"
            "sxtb16 %[t], %[va]\n\t"
            "sxtb16 %[va], %[va], ror #8\n\t"
            "smlad  %[sa], %[x0], %[t], %[sa]\n\t"
            "smlad  %[sa], %[x1], %[va], %[sa]\n\t"
            "sxtb16 %[t], %[vb]\n\t"
            "sxtb16 %[vb], %[vb], ror #8\n\t"
            "smlad  %[sb], %[x0], %[t], %[sb]\n\t"
            "smlad  %[sb], %[x1], %[vb], %[sb]\n\t"
            "2:\n\t"
            "cmp    %[c], %[end]\n\t"
            "bne    1b"
            : [wa] "+r"(wa), [wb] "+r"(wb), [c] "+r"(c), [sa] "+r"(sa), [sb] "+r"(sb), [x0] "=&r"(x0),
              [x1] "=&r"(x1), [t] "=&r"(t), [va] "=&r"(va), [vb] "=&r"(vb)
            : [end] "r"(col + full)
            : "cc", "memory");
        for (; c < col + k; ++c) {  // the k % 4 last inputs, in plain order
            sa += *c * *wa++;
            sb += *c * *wb++;
        }
        out[o] = detail::requantize_channel(p.requant, p.bias, o, sa);
        out[ob] = detail::requantize_channel(p.requant, p.bias, ob, sb);
    }
}

}  // namespace tinydigit::engine

#endif
