// Conv2D for Cortex-M4/M7 (DSP extension): 2 output channels x 2 output pixels per pass.
//
// Column layout (scratch, per pixel pair, int16 = x - z_in, padding 0): for every group of 4
// reduction steps, 8 halfwords [pixel 0: x0 x2 x1 x3][pixel 1: x0 x2 x1 x3] (SMLAD pair
// order, see dsp_support.hpp); the K % 4 leftover steps follow as [pixel 0 ...][pixel 1 ...]
// in plain order, 4 halfwords per pixel. Both pixels stream through one pointer.
//
// Inner loop per group of 4 steps (16 MACs): 2 LDR weights, 4 SXTB16, 2 LDRD column,
// 8 SMLAD, CMP + BNE = 18 instructions, no spills (14 registers, written in asm so the
// allocation cannot degrade). Weights are read in place (OHWI), no repacking.
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

// One group of 4 reduction steps for 2 channels x 2 pixels (16 MACs, 16 instructions).
#define TD_DSP_GROUP                                 \
    "ldr    %[ra], [%[wa]], #4\n\t"                 \
    "ldr    %[rb], [%[wb]], #4\n\t"                 \
    "ldrd   %[x0], %[x1], [%[col]], #8\n\t"         \
    "sxtb16 %[ta], %[ra]\n\t"                       \
    "sxtb16 %[ra], %[ra], ror #8\n\t"               \
    "sxtb16 %[tb], %[rb]\n\t"                       \
    "sxtb16 %[rb], %[rb], ror #8\n\t"               \
    "smlad  %[a0], %[x0], %[ta], %[a0]\n\t"         \
    "smlad  %[a0], %[x1], %[ra], %[a0]\n\t"         \
    "smlad  %[b0], %[x0], %[tb], %[b0]\n\t"         \
    "smlad  %[b0], %[x1], %[rb], %[b0]\n\t"         \
    "ldrd   %[x0], %[x1], [%[col]], #8\n\t"         \
    "smlad  %[a1], %[x0], %[ta], %[a1]\n\t"         \
    "smlad  %[a1], %[x1], %[ra], %[a1]\n\t"         \
    "smlad  %[b1], %[x0], %[tb], %[b1]\n\t"         \
    "smlad  %[b1], %[x1], %[rb], %[b1]\n\t"

#define TD_DSP_OPERANDS                                                                                      \
    : [a0] "+r"(a0), [a1] "+r"(a1), [b0] "+r"(b0), [b1] "+r"(b1), [wa] "+r"(wa), [wb] "+r"(wb),             \
      [col] "+r"(col), [ra] "=&r"(ra), [rb] "=&r"(rb), [ta] "=&r"(ta), [tb] "=&r"(tb), [x0] "=&r"(x0),      \
      [x1] "=&r"(x1)                                                                                         \
    : [end] "r"(wa_end)                                                                                      \
    : "cc", "memory"

// Sums over `groups` groups of 4 steps; col in the interleaved pair layout. The loop body
// holds two groups (17 instructions per 16 MACs); an odd group count runs one group first.
inline Acc4 dot_2x2(const std::int16_t* col, const std::int8_t* wa, const std::int8_t* wb, std::int32_t groups) {
    std::int32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
    std::uint32_t ra, rb, ta, tb, x0, x1;
    const std::int8_t* const wa_end = wa + 4 * groups;
    if (groups & 1) __asm__ volatile(TD_DSP_GROUP TD_DSP_OPERANDS);
    if (groups > 1)
        __asm__ volatile("1:\n\t" TD_DSP_GROUP TD_DSP_GROUP
                         "cmp    %[wa], %[end]\n\t"
                         "bne    1b\n\t" TD_DSP_OPERANDS);
    return Acc4{a0, a1, b0, b1};
}

#undef TD_DSP_GROUP
#undef TD_DSP_OPERANDS

// Writes pixel j (0 or 1) of the pair into the interleaved column.
void gather(const Conv2DParams& p, const std::int8_t* in, std::int32_t i, std::int32_t used_w, std::int16_t* col,
            std::int32_t j, std::int32_t groups) {
    const std::int32_t z = p.in_zero_point;
    const std::uint32_t minus_z = static_cast<std::uint16_t>(-z) * 0x10001u;  // (-z, -z) as int16 pairs
    const std::int32_t full = 4 * groups;
    auto put = [&](std::int32_t k, std::int16_t v) {
        static constexpr std::int8_t kPairOrder[4] = {0, 2, 1, 3};
        col[k < full ? (k / 4) * 8 + j * 4 + kPairOrder[k % 4] : groups * 8 + j * 4 + (k - full)] = v;
    };
    const auto run = [&](std::int32_t k, const std::int8_t* src, std::int32_t n) {
        std::int32_t t = 0;
        if (k % 4 == 0) {  // whole groups: 4 values per word, converted with two SXTAB16
            std::int16_t* dst = col + (k / 4) * 8 + j * 4;
            const std::int32_t whole = (k + n <= full ? n : full - k) / 4 * 4;
            for (; t < whole; t += 4, dst += 8) {
                std::uint32_t lo = 0, hi = 0;
                if (src != nullptr) {
                    const std::uint32_t w = detail::load_word(src + t);
                    lo = static_cast<std::uint32_t>(__sxtab16(static_cast<std::int32_t>(minus_z), static_cast<std::int32_t>(w)));
                    hi = detail::sxtab16_ror8(minus_z, w);
                }
                std::memcpy(dst, &lo, 4);
                std::memcpy(dst + 2, &hi, 4);
            }
        }
        for (; t < n; ++t) put(k + t, src != nullptr ? static_cast<std::int16_t>(src[t] - z) : std::int16_t{0});
    };
    // Padding runs (src == nullptr) share one out-of-line copy of the body instead of three
    // inlined ones (about 500 bytes of flash); only the input run stays inline, as it is hot.
    const auto padding = [&](std::int32_t k, std::int32_t n) __attribute__((noinline)) { run(k, nullptr, n); };
    detail::for_each_run(p, in, i / used_w, i % used_w, [&](std::int32_t k, const std::int8_t* src, std::int32_t n) {
        if (src == nullptr)
            padding(k, n);
        else
            run(k, src, n);
    });
}

// Where a conv pixel's values go: the output pixel, or the pooled outputs whose windows hold it.
struct Target {
    std::int8_t* first;  // output pixel (py_lo, px_lo)
    std::int32_t rows, cols;  // pooled outputs covered (1 x 1 without pooling)
};

Target target_of(const Conv2DParams& p, std::int8_t* out, std::int32_t i, std::int32_t used_w) {
    const std::int32_t cy = i / used_w, cx = i % used_w;
    if (p.pool_h == 0) return Target{out + (cy * p.out_w + cx) * p.out_c, 1, 1};
    std::int32_t y_lo, y_hi, x_lo, x_hi;
    detail::pool_range(cy, p.pool_h, p.pool_stride_h, p.out_h, y_lo, y_hi);
    detail::pool_range(cx, p.pool_w, p.pool_stride_w, p.out_w, x_lo, x_hi);
    return Target{out + (y_lo * p.out_w + x_lo) * p.out_c, y_hi - y_lo + 1, x_hi - x_lo + 1};
}

// Stores (or max-updates, when pooled) n <= 2 channel values at channel offset o.
__attribute__((noinline)) void store(const Conv2DParams& p, const Target& t, std::int32_t o, std::int8_t y0, std::int8_t y1, bool both) {
    if (p.pool_h == 0) {
        t.first[o] = y0;
        if (both) t.first[o + 1] = y1;
        return;
    }
    for (std::int32_t r = 0; r < t.rows; ++r)
        for (std::int32_t c = 0; c < t.cols; ++c) {
            std::int8_t* d = t.first + (r * p.out_w + c) * p.out_c + o;
            if (y0 > d[0]) d[0] = y0;
            if (both && y1 > d[1]) d[1] = y1;
        }
}

// Out of line (as store above): four call sites per channel pair, and flash is the budget.
// requantize() in 32-bit arithmetic for shifts n > 32 (every trained model: scales below
// 2^-1): (acc * M + 2^(n-1)) >> n is the high word of acc * M (one SMULL) plus 2^(n-33),
// shifted right by n - 32, exactly, as the floor of a floor is the floor of the quotient.
// Other shifts take the 64-bit rule.
__attribute__((noinline)) std::int8_t finish(const Conv2DParams& p, std::int32_t o, std::int32_t sum) {
    const Requant& rq = p.requant;
    const std::int32_t acc = wrapping_add(p.bias[o], sum);
    const std::int32_t n = rq.shift[o];
    if (n <= 32) return requantize(acc, rq.multiplier[o], n, rq.out_zero_point, rq.act_min, rq.act_max);
    const auto high = static_cast<std::int32_t>((std::int64_t{acc} * rq.multiplier[o]) >> 32);  // |high| < 2^30
    std::int32_t y = ((high + (std::int32_t{1} << (n - 33))) >> (n - 32)) + rq.out_zero_point;
    if (y < rq.act_min) y = rq.act_min;
    if (y > rq.act_max) y = rq.act_max;
    return static_cast<std::int8_t>(y);
}

}  // namespace

// Two pixels' int16 columns: 8 halfwords per group of 4 steps, plus a tail group when
// K % 4 != 0 (at most 4 * round_up(K, 64), the planned size).
std::uint64_t conv2d_dsp_s8_scratch_bytes(const Conv2DParams& p) {
    const std::uint64_t k = conv2d_reduction_length(p.kernel_h, p.kernel_w, p.in_c);
    return 16 * (k / 4) + (k % 4 != 0 ? 16 : 0);
}

void conv2d_dsp_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const std::int32_t k = p.kernel_h * p.kernel_w * p.in_c;
    const std::int32_t groups = k / 4, rest = k - 4 * groups;
    auto* col = static_cast<std::int16_t*>(scratch);
    const std::int16_t* tail = col + groups * 8;  // [pixel 0: 4][pixel 1: 4]
    const detail::ConvSweep sweep(p);
    detail::prepare_output(p, out);
    const std::int32_t n = sweep.count();
    for (std::int32_t i = 0; i < n; i += 2) {
        const bool pair = i + 1 < n;
        gather(p, in, i, sweep.used_w, col, 0, groups);
        gather(p, in, pair ? i + 1 : i, sweep.used_w, col, 1, groups);  // an odd last pixel runs twice
        const Target t0 = target_of(p, out, i, sweep.used_w);
        const Target t1 = pair ? target_of(p, out, i + 1, sweep.used_w) : t0;
        for (std::int32_t o = 0; o < p.out_c; o += 2) {
            const bool both = o + 1 < p.out_c;
            const std::int8_t* wa = p.weights + o * k;
            const std::int8_t* wb = both ? wa + k : wa;
            Acc4 acc = dot_2x2(col, wa, wb, groups);
            for (std::int32_t r = 0; r < rest; ++r) {
                const std::int32_t wa_r = wa[4 * groups + r], wb_r = wb[4 * groups + r];
                acc.a0 += tail[r] * wa_r;
                acc.a1 += tail[4 + r] * wa_r;
                acc.b0 += tail[r] * wb_r;
                acc.b1 += tail[4 + r] * wb_r;
            }
            store(p, t0, o, finish(p, o, acc.a0), both ? finish(p, o + 1, acc.b0) : std::int8_t{0}, both);
            if (pair)
                store(p, t1, o, finish(p, o, acc.a1), both ? finish(p, o + 1, acc.b1) : std::int8_t{0}, both);
        }
    }
}

}  // namespace tinydigit::engine

#endif
