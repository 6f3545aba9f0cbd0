// Conv2D for Cortex-M55 and other Armv8.1-M cores with Helium (MVE): 2 output channels x
// 4 output pixels per pass, 16 reduction steps per vector.
//
// The columns hold raw int8 input (padding cells hold z_in), so one VMLADAVA multiplies 16
// int8 pairs into a 32-bit sum; the zero point comes out afterwards as z_in * sum(w) per
// channel: sum_k (x_k - z) w_k = sum_k x_k w_k - z sum_k w_k, an identity in int32 modular
// arithmetic, so the result equals the reference bit for bit.
//
// Scratch (within conv2d_scratch_bytes): columns, K rounded up to 16 (Kp), interleaved per
// 16-step chunk as [chunk][pixel 0..3][16 bytes] so the inner loop streams one pointer
// (4 x Kp bytes), then one int32 per output channel: bias - z_in * sum(w). Steps K..Kp hold 0
// and the weights' last chunk is a predicated load, so nothing past a channel's K weights is
// read.
//
// Inner loop per chunk (128 MACs): 2 weight + 4 column VLDRB, 8 VMLADAVA, CMP + BNE = 16
// instructions.
#if defined(__ARM_FEATURE_MVE)

#include <arm_mve.h>

#include "conv_support.hpp"
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/requantize.hpp"
#include "tinydigit/engine/scratch.hpp"

namespace tinydigit::engine {
namespace {

constexpr std::int32_t kPixels = 4;
constexpr std::int32_t kLanes = 16;

// Writes conv pixel j of the pass into the interleaved columns: raw input, z_in for padding.
void gather(const Conv2DParams& p, const std::int8_t* in, std::int32_t i, std::int32_t used_w, std::int8_t* col,
            std::int32_t j) {
    const int8x16_t pad = vdupq_n_s8(static_cast<std::int8_t>(p.in_zero_point));
    detail::for_each_run(p, in, i / used_w, i % used_w, [&](std::int32_t k, const std::int8_t* src, std::int32_t n) {
        while (n > 0) {
            const std::int32_t offset = k % kLanes;
            const std::int32_t len = n < kLanes - offset ? n : kLanes - offset;
            const mve_pred16_t lanes = vctp8q(static_cast<std::uint32_t>(len));
            const int8x16_t v = src != nullptr ? vldrbq_z_s8(src, lanes) : pad;
            vstrbq_p_s8(col + ((k / kLanes) * kPixels + j) * kLanes + offset, v, lanes);
            k += len;
            n -= len;
            if (src != nullptr) src += len;
        }
    });
}

// Sums over `chunks` >= 1 full chunks for 2 channels x 4 pixels into acc[8] = {a0, a1, a2,
// a3, b0, b1, b2, b3} (channel a/b x pixel 0..3). In asm because VMLADAVA accumulates only
// into even registers and 8 accumulators take all of them (r0, r2, ..., r12, lr): compiled
// from intrinsics, GCC 12 spills and copies, 23 instructions per chunk instead of 16.
// -fstack-usage reports 0 bytes for a naked function; it pushes 36 (conv2d_mve_s8's path is
// then 580 bytes, below the loader's 776 that the firmware build reports as the worst).
__attribute__((naked, noinline)) void dot_2x4_full_chunks(const std::int8_t* /*col*/, const std::int8_t* /*wa*/,
                                                           const std::int8_t* /*wb*/, std::int32_t /*chunks*/,
                                                           std::int32_t* /*acc*/) {
    __asm__ volatile(
        "push   {r4-r11, lr}\n\t"
        "mov    r5, r0\n\t"              // col
        "mov    r7, r2\n\t"              // wb (wa stays in r1)
        "add    r11, r1, r3, lsl #4\n\t" // wa end
        "movs   r0, #0\n\t"
        "movs   r2, #0\n\t"
        "movs   r4, #0\n\t"
        "movs   r6, #0\n\t"
        "mov    r8, #0\n\t"
        "mov    r10, #0\n\t"
        "mov    r12, #0\n\t"
        "mov    lr, #0\n"
        "1:\n\t"
        "vldrb.8 q0, [r1], #16\n\t"
        "vldrb.8 q1, [r7], #16\n\t"
        "vldrb.8 q2, [r5], #16\n\t"
        "vldrb.8 q3, [r5], #16\n\t"
        "vmladava.s8 r0, q2, q0\n\t"    // a0
        "vmladava.s8 r2, q3, q0\n\t"    // a1
        "vmladava.s8 r8, q2, q1\n\t"    // b0
        "vmladava.s8 r10, q3, q1\n\t"   // b1
        "vldrb.8 q2, [r5], #16\n\t"
        "vldrb.8 q3, [r5], #16\n\t"
        "vmladava.s8 r4, q2, q0\n\t"    // a2
        "vmladava.s8 r6, q3, q0\n\t"    // a3
        "vmladava.s8 r12, q2, q1\n\t"   // b2
        "vmladava.s8 lr, q3, q1\n\t"    // b3
        "cmp    r1, r11\n\t"
        "bne    1b\n\t"
        "ldr    r3, [sp, #36]\n\t"       // acc, the fifth argument, above the 9 saved registers
        "stm    r3, {r0, r2, r4, r6, r8, r10, r12, lr}\n\t"
        "pop    {r4-r11, pc}\n\t");
}

// The full chunks in asm, then the last partial chunk (if any) loading only the weights
// that exist. sums = {a0..a3, b0..b3}.
inline void dot_2x4(const std::int8_t* col, const std::int8_t* wa, const std::int8_t* wb, std::int32_t k,
                    std::int32_t* sums) {
    const std::int32_t full = k / kLanes;
    if (full > 0) dot_2x4_full_chunks(col, wa, wb, full, sums);
    if (const std::int32_t rest = k - full * kLanes; rest != 0) {
        const mve_pred16_t lanes = vctp8q(static_cast<std::uint32_t>(rest));
        const std::int32_t at = full * kLanes;
        const int8x16_t va = vldrbq_z_s8(wa + at, lanes), vb = vldrbq_z_s8(wb + at, lanes);
        const std::int8_t* x = col + full * kPixels * kLanes;
        for (std::int32_t j = 0; j < kPixels; ++j) {
            const int8x16_t xj = vld1q_s8(x + j * kLanes);
            sums[j] = vmladavaq_s8(full > 0 ? sums[j] : 0, xj, va);
            sums[kPixels + j] = vmladavaq_s8(full > 0 ? sums[kPixels + j] : 0, xj, vb);
        }
    }
}

// sum(w) of one output channel's K weights.
std::int32_t weight_sum(const std::int8_t* w, std::int32_t k) {
    std::int32_t sum = 0;
    for (; k > 0; k -= kLanes, w += kLanes)
        sum = vaddvaq_s8(sum, vldrbq_z_s8(w, vctp8q(static_cast<std::uint32_t>(k))));
    return sum;
}

// requantize() of channel o for 4 pixels at once; offset = bias - z_in * sum(w). With the
// shift n >= 32 (scales below 2^-1: every trained model) (acc * M + 2^(n-1)) >> n is exactly
// VRMULH (n = 32) or VMULH then a rounding shift right by n - 32, as the floor of a floor
// is the floor of the quotient; smaller shifts take the scalar rule.
int32x4_t requantize_4(const Conv2DParams& p, std::int32_t o, const std::int32_t* sums, std::int32_t offset) {
    const Requant& rq = p.requant;
    const std::int32_t n = rq.shift[o];
    const int32x4_t acc = vaddq_n_s32(vld1q_s32(sums), offset);  // wraps like wrapping_add
    if (n < 32) {
        std::int32_t y[kPixels];
        for (std::int32_t j = 0; j < kPixels; ++j)
            y[j] = requantize(wrapping_add(offset, sums[j]), rq.multiplier[o], n, rq.out_zero_point, rq.act_min,
                              rq.act_max);
        return vld1q_s32(y);
    }
    const int32x4_t m = vdupq_n_s32(rq.multiplier[o]);
    const int32x4_t r = n == 32 ? vrmulhq_s32(acc, m) : vrshlq_n_s32(vmulhq_s32(acc, m), 32 - n);
    const int32x4_t y = vaddq_n_s32(r, rq.out_zero_point);
    return vminq_s32(vmaxq_s32(y, vdupq_n_s32(rq.act_min)), vdupq_n_s32(rq.act_max));
}

// Stores (or max-updates, when pooled, in every pooled output t says holds it) one value at d.
inline void put(const Conv2DParams& p, const detail::PixelTarget& t, std::int8_t* d, std::int8_t y) {
    if (p.pool_h == 0) {
        *d = y;
        return;
    }
    for (std::int32_t r = 0; r < t.rows; ++r)
        for (std::int32_t c = 0; c < t.cols; ++c) {
            std::int8_t* e = d + (r * p.out_w + c) * p.out_c;
            if (y > *e) *e = y;
        }
}

}  // namespace

// 4 interleaved columns of round_up(K, 16) bytes, then one int32 per output channel.
std::uint64_t conv2d_mve_s8_scratch_bytes(const Conv2DParams& p) {
    return 4 * round_up(conv2d_reduction_length(p.kernel_h, p.kernel_w, p.in_c), 16) + 4 * static_cast<std::uint64_t>(p.out_c);
}

void conv2d_mve_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const std::int32_t k = p.kernel_h * p.kernel_w * p.in_c;
    const std::int32_t chunks = (k + kLanes - 1) / kLanes;
    auto* col = static_cast<std::int8_t*>(scratch);
    auto* offset = reinterpret_cast<std::int32_t*>(col + chunks * kPixels * kLanes);
    for (std::int32_t o = 0; o < p.out_c; ++o)
        offset[o] = wrapping_add(p.bias[o], -p.in_zero_point * weight_sum(p.weights + o * k, k));
    // Steps K..Kp of the last chunk are never gathered: zero them once (their weights are 0 too).
    for (std::int32_t j = 0; j < kPixels * kLanes; ++j) col[(chunks - 1) * kPixels * kLanes + j] = 0;

    const detail::ConvSweep sweep(p);
    detail::prepare_output(p, out);
    const std::int32_t n = sweep.count();
    for (std::int32_t i = 0; i < n; i += kPixels) {
        const std::int32_t valid = n - i < kPixels ? n - i : kPixels;
        detail::PixelTarget t[kPixels];
        for (std::int32_t j = 0; j < kPixels; ++j) {
            const std::int32_t pixel = i + (j < valid ? j : valid - 1);  // short last pass: repeat a pixel
            gather(p, in, pixel, sweep.used_w, col, j);
            t[j] = detail::pixel_target(p, out, pixel / sweep.used_w, pixel % sweep.used_w);
        }
        for (std::int32_t o = 0; o < p.out_c; o += 2) {
            const bool both = o + 1 < p.out_c;
            const std::int8_t* wa = p.weights + o * k;
            std::int32_t sums[2 * kPixels];
            dot_2x4(col, wa, both ? wa + k : wa, k, sums);
            const int32x4_t ya = requantize_4(p, o, sums, offset[o]);
            const int32x4_t yb = both ? requantize_4(p, o + 1, sums + kPixels, offset[o + 1]) : ya;
            // Lane numbers must be constants: the four pixels unrolled.
            const auto put_pixel = [&](std::int32_t j, std::int32_t a, std::int32_t b) {
                if (j >= valid) return;
                put(p, t[j], t[j].first + o, static_cast<std::int8_t>(a));
                if (both) put(p, t[j], t[j].first + o + 1, static_cast<std::int8_t>(b));
            };
            put_pixel(0, vgetq_lane_s32(ya, 0), vgetq_lane_s32(yb, 0));
            put_pixel(1, vgetq_lane_s32(ya, 1), vgetq_lane_s32(yb, 1));
            put_pixel(2, vgetq_lane_s32(ya, 2), vgetq_lane_s32(yb, 2));
            put_pixel(3, vgetq_lane_s32(ya, 3), vgetq_lane_s32(yb, 3));
        }
    }
}

}  // namespace tinydigit::engine

#endif
