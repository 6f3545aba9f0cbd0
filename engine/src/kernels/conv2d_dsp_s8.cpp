// Conv2D for Cortex-M4/M7/M33 (DSP extension): 4 output pixels x 1 output channel per pass.
//
// The metric is executed instructions, and every weight word costs an LDR and two SXTB16
// however many pixels share it, so the pass covers as many pixels as registers allow: four
// accumulators, four column words (one LDM per two pixels), the unpacked weight pair and
// the pointers (14 registers). Per group of 4 reduction steps (16 MACs): LDR + 2 SXTB16 +
// 2 LDM + 8 SMLAD = 13 instructions; 2 groups per loop iteration (0.875 per MAC with CMP +
// BNE; 4 groups took 0.84 for 98 bytes more flash, which the M4 image's engine .text limit
// weighs more: seed 0.935 instead of 0.905 per MAC). 8 channels x 2 pixels or 3 pixels x 2
// channels would need more registers than exist unless two channels' weights were
// interleaved in the file (a model-format change).
//
// The column of 4 pixels over the whole reduction would take 8 x K bytes, twice the planned
// scratch, so the reduction runs in chunks (a kernel row when kernel_w * in_c % 4 == 0, so a
// chunk that is all padding for the 4 pixels is skipped), summing into int32 accumulators in
// scratch for a block of output channels (all of them unless the plan is too small).
//
// Column layout of a chunk (int16 = x - z_in, padding 0): for every group of 4 steps, 16
// halfwords [pixel 0: x0 x2 x1 x3][pixel 1 ...][pixel 2 ...][pixel 3 ...] (SMLAD pair order,
// see dsp_support.hpp); the K % 4 leftover steps of the last chunk follow as one more group
// whose slots past them hold anything (their weights are zero, below). Weights are read in
// place (OHWI), no repacking.
#if defined(__ARM_FEATURE_DSP)

#include <cstring>

#include "conv_support.hpp"
#include "dsp_support.hpp"
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/requantize.hpp"
#include "tinydigit/engine/scratch.hpp"

namespace tinydigit::engine {
namespace {

constexpr std::int32_t kPixels = 4;

// How the planned scratch is split: accumulators for `channels` output channels at a time,
// then the column of one chunk of `chunk` reduction steps (a multiple of 4, or all of K).
struct Plan {
    std::int32_t chunk, channels;
    std::uint32_t bytes;  // the sums, then one chunk's column (a 16-byte multiple)
};

// conv2d_scratch_bytes() of a verified conv (K and out_c >= 1, K <= 65,536), in 32-bit
// arithmetic: the 64-bit original with its range checks is 52 bytes more here.
constexpr std::uint32_t planned_bytes(std::uint32_t k, std::uint32_t out_c) { return 4 * ((k + 63) & ~63u) + 4 * out_c; }
static_assert(planned_bytes(5 * 5 * 32, 32) == conv2d_scratch_bytes(5, 5, 32, 32));
static_assert(planned_bytes(3 * 3 * 256, 256) == conv2d_scratch_bytes(3, 3, 256, 256));
static_assert(planned_bytes(65536, 1) == conv2d_scratch_bytes(1, 1, 65536, 1));
static_assert(planned_bytes(1, 1) == conv2d_scratch_bytes(1, 1, 1, 1));

Plan plan_of(const Conv2DParams& p) {
    // Unsigned: every quantity is positive, and unsigned division needs no rounding fix-up.
    const std::uint32_t row = p.kernel_w * p.in_c, k = p.kernel_h * row, out_c = p.out_c;
    const std::uint32_t budget = planned_bytes(k, out_c);
    const std::uint32_t tail = k % 4 != 0 ? 8 * kPixels : 0;
    const std::uint32_t min_channels = out_c < 8 ? out_c : 8;
    // A kernel row (all-padding rows are skipped), else all of K if it fits beside one
    // channel's sums, else what fits beside 8 channels' sums.
    std::uint32_t chunk = row % 4 == 0 ? row : k;
    const std::uint32_t channels_needed = chunk == k ? 1 : min_channels;
    if (8 * (chunk & ~3u) + tail + 16 * channels_needed > budget) chunk = (budget - tail - 16 * min_channels) / 32 * 4;
    const std::uint32_t column = 8 * (chunk & ~3u) + tail;
    const std::uint32_t fit = (budget - column) / (4 * kPixels), channels = fit < out_c ? fit : out_c;
    return Plan{static_cast<std::int32_t>(chunk), static_cast<std::int32_t>(channels), column + 4 * kPixels * channels};
}

// One group of 4 reduction steps for 4 pixels of one channel (16 MACs, 13 instructions).
#define TD_DSP_GROUP                                              \
    "ldr    %[v], [%[w]], #4\n\t"                                \
    "ldmia  %[c]!, {%[x0], %[x1], %[x2], %[x3]}\n\t"           \
    "sxtb16 %[t], %[v]\n\t"                                      \
    "sxtb16 %[v], %[v], ror #8\n\t"                              \
    "smlad  %[a0], %[x0], %[t], %[a0]\n\t"                       \
    "smlad  %[a0], %[x1], %[v], %[a0]\n\t"                       \
    "smlad  %[a1], %[x2], %[t], %[a1]\n\t"                       \
    "smlad  %[a1], %[x3], %[v], %[a1]\n\t"                       \
    "ldmia  %[c]!, {%[x0], %[x1], %[x2], %[x3]}\n\t"           \
    "smlad  %[a2], %[x0], %[t], %[a2]\n\t"                       \
    "smlad  %[a2], %[x1], %[v], %[a2]\n\t"                       \
    "smlad  %[a3], %[x2], %[t], %[a3]\n\t"                       \
    "smlad  %[a3], %[x3], %[v], %[a3]\n\t"

// sums[4c .. 4c+3] += the 4 pixels' dot products with output channel c's weights over the
// chunk, for c in [0, channels): channel c's chunk starts at w + c * stride. col holds
// `groups` >= 1 groups in the interleaved layout. The channel loop is in the asm too (16
// instructions per channel instead of about 30 around a per-channel call). The loop body
// does 2 groups; for an odd count its first pass enters at the second (one copy of the
// body, no separate loop for the odd group).
__attribute__((noinline)) void dot_channels(const std::int16_t* col, const std::int8_t* w, std::int32_t stride,
                                            std::int32_t groups, std::int32_t* sums, std::int32_t channels) {
    // LDM and STM order registers by number: the column words go to r0..r3, pixel j's sum
    // to r8 + j. The low registers left are for what takes 16-bit encodings with them: the
    // column pointer's LDM (r7: the asm needs 14 registers, so the frame pointer is omitted
    // anyway, as every optimized build does) and the weight pointer's arithmetic.
    register std::uint32_t x0 __asm__("r0");
    register std::uint32_t x1 __asm__("r1");
    register std::uint32_t x2 __asm__("r2");
    register std::uint32_t x3 __asm__("r3");
    register std::uint32_t a0 __asm__("r8");
    register std::uint32_t a1 __asm__("r9");
    register std::uint32_t a2 __asm__("r10");
    register std::uint32_t a3 __asm__("r11");
    register const std::int16_t* c __asm__("r7");
    register const std::int8_t* wp __asm__("r4") = w;
    register std::uint32_t t __asm__("r5");
    register std::uint32_t end __asm__("r6");
    std::uint32_t v;
    const std::int32_t bytes = 4 * groups;
    const std::int32_t skip = stride - bytes;  // from a chunk's end to the next channel's
    const std::int32_t* const sums_end = sums + kPixels * channels;
    __asm__ volatile(
        "2:\n\t"
        "ldmia  %[s], {%[a0], %[a1], %[a2], %[a3]}\n\t"
        "ldr    %[c], %[col]\n\t"
        "ldr    %[t], %[bytes]\n\t"
        "adds   %[end], %[w], %[t]\n\t"
        "lsls   %[t], %[t], #29\n\t"  // groups & 1, bit 2 of bytes, to the sign
        "bmi    7f\n\t"
        "4:\n\t" TD_DSP_GROUP
        "7:\n\t" TD_DSP_GROUP
        "cmp    %[w], %[end]\n\t"
        "bne    4b\n\t"
        "stmia  %[s]!, {%[a0], %[a1], %[a2], %[a3]}\n\t"
        "ldr    %[end], %[skip]\n\t"
        "adds   %[w], %[w], %[end]\n\t"
        "ldr    %[end], %[sums_end]\n\t"
        "cmp    %[s], %[end]\n\t"
        "bne    2b"
        : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [w] "+r"(wp), [s] "+r"(sums),
          [c] "=&r"(c), [v] "=&r"(v), [t] "=&r"(t), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2),
          [x3] "=&r"(x3), [end] "=&r"(end)
        : [col] "m"(col), [bytes] "m"(bytes), [skip] "m"(skip), [sums_end] "m"(sums_end)
        : "cc", "memory");
}

#undef TD_DSP_GROUP

// Widens `words` words of input at src (4 values each, minus the zero point) into the
// column's pair order at dst, 32 bytes apart (the 4 pixels' interleave); src == nullptr
// writes padding zeros. 4 instructions + loop per word.
__attribute__((noinline)) void widen(const std::int8_t* src, std::int16_t* dst, std::int32_t words, std::uint32_t minus_z) {
    std::uint32_t lo = 0, hi = 0;
    if (words <= 0) return;
    if (src == nullptr) {
        for (std::int32_t t = 0; t < words; ++t)
            __asm__ volatile("strd %[lo], %[hi], [%[dst]], #32" : [dst] "+r"(dst) : [lo] "r"(lo), [hi] "r"(hi) : "memory");
        return;
    }
    const std::int8_t* const end = src + 4 * words;
    __asm__ volatile(
        "1:\n\t"
        "ldr     %[hi], [%[src]], #4\n\t"
        "sxtab16 %[lo], %[mz], %[hi]\n\t"
        "sxtab16 %[hi], %[mz], %[hi], ror #8\n\t"
        "strd    %[lo], %[hi], [%[dst]], #32\n\t"
        "cmp     %[src], %[end]\n\t"
        "bne     1b"
        : [src] "+r"(src), [dst] "+r"(dst), [lo] "=&r"(lo), [hi] "=&r"(hi)
        : [mz] "r"(minus_z), [end] "r"(end)
        : "cc", "memory");
}

// A conv pixel: row and column in the conv map.
struct Pixel {
    std::int32_t y, x;
};

// Writes the 4 pixels' values for reduction steps [k0, k0 + len) into the chunk's column,
// one run at a time: a run ends where the kernel row, its input cells or the chunk end.
// Returns whether any value is an input cell (not padding).
__attribute__((noinline)) bool gather(const Conv2DParams& p, const std::int8_t* in, const Pixel* pixel,
                                      std::int16_t* col, std::int32_t k0, std::int32_t len) {
    const std::int32_t z = p.in_zero_point;
    const std::uint32_t minus_z = static_cast<std::uint16_t>(-z) * 0x10001u;  // (-z, -z) as int16 pairs
    const std::int32_t row = p.kernel_w * p.in_c;
    bool any = false;
    for (std::int32_t j = 0; j < kPixels; ++j, col += 4) {  // pixel j's slots: col + 4 * j
        const std::int32_t cy = pixel[j].y;
        const detail::RowSpan span = detail::row_span(p, pixel[j].x);
        for (std::int32_t t = 0; t < len;) {
            const std::int32_t ky = (k0 + t) / row, r = k0 + t - ky * row;
            const std::int32_t y = cy * p.stride_h - p.pad_top + ky;
            const std::int8_t* src = nullptr;
            std::int32_t end = row;  // of this run, within the kernel row
            if (static_cast<std::uint32_t>(y) < static_cast<std::uint32_t>(p.in_h)) {  // 0 <= y < in_h
                if (r < span.left) {
                    end = span.left;
                } else if (r < span.mid_end) {
                    end = span.mid_end;
                    src = in + (y * p.in_w + span.first_x) * p.in_c + (r - span.left);
                }
            }
            const std::int32_t n = end - r < len - t ? end - r : len - t;
            any |= src != nullptr;
            std::int32_t m = 0;
            if ((t & 3) == 0) {  // whole groups (t + n <= len: none in the K % 4 tail): one word each
                const std::int32_t words = n >> 2;
                widen(src, col + t * kPixels, words, minus_z);
                m = 4 * words;
            }
            for (; m < n; ++m) {
                const std::int32_t kk = t + m, g = kk & 3;
                const std::int32_t at = (kk & ~3) * kPixels + detail::pair_slot(g);
                col[at] = src != nullptr ? static_cast<std::int16_t>(src[m] - z) : std::int16_t{0};
            }
            t += n;
        }
    }
    return any;
}

// Requantizes the 4 pixels' sums of channel o and max-updates them into their outputs
// (every output starts at -128, pooled or not: one store rule, and a value stored twice,
// as the last block's pixels past the end are, stays the same, so all 4 pixels are stored).
// The common case inline: shift n > 32 (scales below 2^-1, every trained model).
// requantize() in 32-bit arithmetic: (acc * M + 2^(n-1)) >> n is the high word of acc * M
// (one SMULL) plus 2^(n-33), shifted right by n - 32, exactly, as the floor of a floor is the
// floor of the quotient. Otherwise the shared out-of-line requantize.
__attribute__((noinline)) void finish(const Conv2DParams& p, std::int8_t* const* targets, std::int32_t o,
                                      const std::int32_t* sums) {
    const Requant& rq = p.requant;
    const std::int32_t n = rq.shift[o];
    if (n <= 32) {
        for (std::int32_t j = 0; j < kPixels; ++j) {
            const std::int8_t y = detail::requantize_channel(rq, p.bias, o, sums[j]);
            std::int8_t* const d = targets[j] + o;
            if (y > *d) *d = y;
        }
        return;
    }
    // Locals first: an int8 store may alias any field, which would then be loaded again.
    const std::int32_t bias = p.bias[o], m = rq.multiplier[o], zp = rq.out_zero_point;
    const std::int32_t lo = rq.act_min, hi = rq.act_max, round = std::int32_t{1} << (n - 33);
    for (std::int32_t j = 0; j < kPixels; ++j) {
        const std::int32_t acc = wrapping_add(bias, sums[j]);
        const auto high = static_cast<std::int32_t>((std::int64_t{acc} * m) >> 32);  // |high| < 2^30
        std::int32_t y = ((high + round) >> (n - 32)) + zp;
        if (y < lo) y = lo;
        if (y > hi) y = hi;
        std::int8_t* const d = targets[j] + o;
        if (y > *d) *d = static_cast<std::int8_t>(y);
    }
}

}  // namespace

// Accumulators for a block of output channels, then one chunk's column (plan_of: at most
// the planned conv2d_scratch_bytes).
std::uint64_t conv2d_dsp_s8_scratch_bytes(const Conv2DParams& p) {
    return plan_of(p).bytes;
}

void conv2d_dsp_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const std::int32_t k = p.kernel_h * p.kernel_w * p.in_c;
    const Plan plan = plan_of(p);
    auto* const sums = static_cast<std::int32_t*>(scratch);  // [channel][pixel]
    auto* const col = reinterpret_cast<std::int16_t*>(sums + kPixels * plan.channels);
    const bool one_chunk = plan.chunk >= k;  // the column then serves every channel block
    // Conv pixels by the outputs they feed, so that every pixel has one target: per output
    // row, each of its pool window's rows (1 x 1 without a pool) across the output row's
    // windows. Without overlapping windows that is the conv map in row order (4 pixels of
    // one row often share a kernel row that is all padding); a pixel that overlapping
    // windows share is computed once per window, one no window holds not at all. The place
    // is kept per axis (no product of extents, which could pass 32 bits).
    const bool pooled = p.pool_h != 0;
    const std::int32_t pool_h = pooled ? p.pool_h : 1, pool_w = pooled ? p.pool_w : 1;
    const std::int32_t stride_h = pooled ? p.pool_stride_h : 1, stride_w = pooled ? p.pool_stride_w : 1;
    std::memset(out, -128, static_cast<std::size_t>(p.out_h) * p.out_w * p.out_c);  // max's identity, see the store
    // The next pixel as an odometer: window column, output column, window row, output row.
    // Past the last pixel it starts again, so a short last block is filled with the first
    // pixels (their values stored again change nothing, see the store below).
    const std::int32_t limit[4] = {pool_w, p.out_w, pool_h, p.out_h};
    std::int32_t at[4] = {0, 0, 0, 0};
    bool wrapped = false;
    while (!wrapped) {
        Pixel pixel[kPixels];
        std::int8_t* targets[kPixels];
        for (std::int32_t j = 0; j < kPixels; ++j) {
            pixel[j] = Pixel{at[3] * stride_h + at[2], at[1] * stride_w + at[0]};
            targets[j] = out + (at[3] * p.out_w + at[1]) * p.out_c;
            std::int32_t d = 0;
            while (d < 4 && ++at[d] == limit[d]) at[d++] = 0;
            wrapped = wrapped || d == 4;
        }
        bool any = false;  // the chunk's column holds an input cell
        for (std::int32_t o0 = 0; o0 < p.out_c; o0 += plan.channels) {
            const std::int32_t channels = p.out_c - o0 < plan.channels ? p.out_c - o0 : plan.channels;
            std::memset(sums, 0, 4u * kPixels * static_cast<std::uint32_t>(channels));
            for (std::int32_t k0 = 0; k0 < k; k0 += plan.chunk) {
                const std::int32_t len = k - k0 < plan.chunk ? k - k0 : plan.chunk;
                const std::int32_t groups = len >> 2, rest = len & 3;
                // All padding adds nothing (a one-chunk column is gathered for the first block only).
                if (!one_chunk || o0 == 0) any = gather(p, in, pixel, col, k0, len);
                if (!any) continue;
                const std::int8_t* const w = p.weights + o0 * k + k0;
                if (groups > 0) dot_channels(col, w, k, groups, sums, channels);
                if (rest == 0) continue;
                // The tail group, per channel: its K % 4 weights zero-extended into a word (a
                // word read in place would pass the last channel's weights).
                for (std::int32_t o = 0; o < channels; ++o) {
                    const std::int8_t* const tail = w + o * k + 4 * groups;
                    std::uint32_t word = 0;
                    for (std::int32_t r = rest; r-- > 0;) word = word << 8 | static_cast<std::uint8_t>(tail[r]);
                    const std::uint32_t weights = word;  // built in a register, stored once
                    dot_channels(col + groups * 4 * kPixels, reinterpret_cast<const std::int8_t*>(&weights), 4, 1,
                                 sums + kPixels * o, 1);
                }
            }
            const std::int32_t* s = sums;
            for (std::int32_t o = o0; o < o0 + channels; ++o, s += kPixels) finish(p, targets, o, s);
        }
    }
}

}  // namespace tinydigit::engine

#endif
