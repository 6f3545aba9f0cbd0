// Conv2D with AVX-512 VNNI (VPDPBUSD: u8 x s8 -> s32, 64 MACs per instruction).
// Activations enter as u = x + 128 (uint8); padding cells hold z_in + 128. Then
//   sum_k (x_k - z_in) w_k = sum_k u_k w_k - (128 + z_in) sum_k w_k,
// so a per-channel correction (bias - (128 + z_in) * sum w) makes the result identical to
// the reference in wrapping int32 arithmetic. Window rows wholly in the top/bottom padding
// for every pixel of a block are skipped; the correction then sums only the rows that ran
// (per-channel prefix sums of the weight rows, packed at bind beside the weights).
// Every buffer is the caller's scratch, sized by conv2d_avx512vnni_s8_scratch_bytes (the
// engine extends the planned arena for it).
#include <cstring>

#include "conv_support.hpp"
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/scratch.hpp"
#include "x86_support.hpp"

namespace tinydigit::engine {
namespace {

// acc += u8(x) . s8(w) per 32-bit lane. Inline asm rather than _mm512_dpbusd_epi32: GCC 12
// copies every accumulator through a temporary register around the intrinsic (twice the
// instructions in the inner loop); the asm ties the accumulator in place.
inline void dpbusd(__m512i& acc, __m512i x, __m512i w) { __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w)); }

inline __mmask64 tail_mask(std::int32_t remaining) {
    return remaining >= 64 ? ~__mmask64{0} : ((__mmask64{1} << remaining) - 1);
}

// Per-lane requantization constants, split into the even and odd 32-bit elements (64-bit
// arithmetic works on one of each pair); when every lane's shift exceeds 32 (`narrow`, the
// quantizer's output) also the 32-bit form of the rule (requantize16).
struct Requant16 {
    __m512i bias, mult, round_even, round_odd, shift_even, shift_odd, zero_point, lo, hi;
    __m512i round32, shift32, zero_point32, lo32, hi32;
    bool narrow;
};

// Everything but bias and mult, from the lanes' shifts.
inline void shift_constants(Requant16& r, const Requant& rq, __m512i s32) {
    r.shift_even = _mm512_and_si512(s32, _mm512_set1_epi64(0xffffffff));
    r.shift_odd = _mm512_srli_epi64(s32, 32);
    const __m512i one = _mm512_set1_epi64(1);
    r.round_even = _mm512_sllv_epi64(one, _mm512_sub_epi64(r.shift_even, one));
    r.round_odd = _mm512_sllv_epi64(one, _mm512_sub_epi64(r.shift_odd, one));
    r.zero_point = _mm512_set1_epi64(rq.out_zero_point);
    r.lo = _mm512_set1_epi64(rq.act_min);
    r.hi = _mm512_set1_epi64(rq.act_max);
    const __m512i thirty_two = _mm512_set1_epi32(32);
    r.narrow = _mm512_cmpgt_epi32_mask(s32, thirty_two) == 0xffff;
    r.shift32 = _mm512_sub_epi32(s32, thirty_two);  // used only when narrow
    r.round32 = _mm512_sllv_epi32(_mm512_set1_epi32(1), _mm512_sub_epi32(r.shift32, _mm512_set1_epi32(1)));
    r.zero_point32 = _mm512_set1_epi32(rq.out_zero_point);
    r.lo32 = _mm512_set1_epi32(rq.act_min);
    r.hi32 = _mm512_set1_epi32(rq.act_max);
}

// docs/quantization.md on 16 accumulators at once, exactly: int64 product, one rounding,
// arithmetic shift, zero point and clamp in int64, then narrow to int8. When every shift s
// exceeds 32 the same in int32: with P = acc * m = H * 2^32 + L (0 <= L < 2^32),
// (P + 2^(s-1)) >> s = (H + 2^(s-33)) >> (s-32), since L only carries into bits the shift
// drops; |H| < 2^30, so nothing overflows.
inline __m128i requantize16(__m512i sums, const Requant16& r) {
    const __m512i acc = _mm512_add_epi32(sums, r.bias);  // wrapping, as the reference
    if (r.narrow) {
        const __m512i even = _mm512_mul_epi32(acc, r.mult);
        const __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), _mm512_srli_epi64(r.mult, 32));
        const __m512i high = _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64(even, 32), odd);
        const __m512i y = _mm512_add_epi32(_mm512_srav_epi32(_mm512_add_epi32(high, r.round32), r.shift32), r.zero_point32);
        return _mm512_cvtepi32_epi8(_mm512_min_epi32(_mm512_max_epi32(y, r.lo32), r.hi32));
    }
    auto half = [&](__m512i a, __m512i m, __m512i round, __m512i shift) {
        __m512i v = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(a, m), round), shift);
        v = _mm512_add_epi64(v, r.zero_point);
        return _mm512_min_epi64(_mm512_max_epi64(v, r.lo), r.hi);
    };
    const __m512i even = half(acc, r.mult, r.round_even, r.shift_even);
    const __m512i odd = half(_mm512_srli_epi64(acc, 32), _mm512_srli_epi64(r.mult, 32), r.round_odd, r.shift_odd);
    return _mm512_cvtepi32_epi8(_mm512_mask_blend_epi32(0xaaaa, even, _mm512_slli_epi64(odd, 32)));
}

// Window rows [lo, hi) of kernel_h that hold an input row for some pixel of a block (rows
// outside hold only padding for all of them: x - z_in = 0 there, so they add nothing).
struct RowRange {
    std::int32_t lo, hi;
};

inline RowRange live_rows(const Conv2DParams& p, const std::int32_t* cy, std::int32_t count) {
    std::int32_t lo = p.kernel_h, hi = 0;
    for (std::int32_t j = 0; j < count; ++j) {
        const std::int32_t y0 = cy[j] * p.stride_h - p.pad_top;
        const std::int32_t first = y0 < 0 ? -y0 : 0, last = p.in_h - y0 < p.kernel_h ? p.in_h - y0 : p.kernel_h;
        lo = first < lo ? first : lo;
        hi = last > hi ? last : hi;
    }
    return hi <= lo ? RowRange{0, 0} : RowRange{lo, hi};
}

// bias - (128 + z_in) * (sum of weight rows [lo, hi)) for 16 channels, from the prefix sums
// of the rows (prefix[r] = sum of rows < r); wrapping, as the reference.
inline __m512i corrected_bias(__m512i bias, __m512i offset, const std::int32_t* prefix_lo, const std::int32_t* prefix_hi) {
    const __m512i rows = _mm512_sub_epi32(_mm512_load_si512(prefix_hi), _mm512_load_si512(prefix_lo));
    return _mm512_sub_epi32(bias, _mm512_mullo_epi32(offset, rows));
}

// The broadcast form. Weights are packed once, at bind, per slice of output channels as
// [k/4][channel][4]; a group of 4 window bytes is broadcast and one VPDPBUSD advances 16
// channels of one pixel. A block of pixels x channels stays in registers; no horizontal sums,
// and results come out in channel order for a 16-lane requantization.
// Block shapes: 12 pixels x 32 channels (24 accumulators) for layers up to 32 channels;
// 4 x 64 (16) when a 64-channel slice's packed weights fit kPackedBytes, so they stay close
// while every pixel block passes; wider layers (seed conv6, 256 x 2304: 147 KB per 64
// channels) run 8 x 32 in 32-channel slices, a slice's 74 KB streaming from L2 once per 8
// pixels. Seed conv6 on Zen4, CPU ms per call: 8 x 32 ~0.074, 8 x 48 ~0.078, 12 x 32 ~0.084
// (64 pixels: two thirds of its sixth block idle), the dot-product form this replaced (4 pixels x 4
// channels, weights in place, a 16-way transpose-reduce per block) ~0.079.
constexpr std::int64_t kPackedBytes = 64 * 1024;

// 4-byte groups per window row (the last one zero-padded).
std::int32_t row_groups(const Conv2DParams& p) { return (p.kernel_w * p.in_c + 3) / 4; }

// Over 32 channels, and a 64-channel slice's packed weights would exceed kPackedBytes.
bool wide_layer(const Conv2DParams& p) {
    return p.out_c > 32 && std::int64_t{p.kernel_h} * row_groups(p) * 4 * 64 > kPackedBytes;
}

std::int32_t slice_channels(const Conv2DParams& p) { return p.out_c <= 32 || wide_layer(p) ? 32 : 64; }

// 16-channel blocks of a slice of `channels` (a last slice may be narrower).
std::int32_t broadcast_blocks(std::int32_t channels) { return channels <= 32 ? 2 : 4; }

std::int64_t up64(std::int64_t v) { return static_cast<std::int64_t>(round_up(static_cast<std::uint64_t>(v), 64)); }

// Padded input geometry: every conv pixel's window lies inside it.
std::int64_t padded_width(const Conv2DParams& p) { return std::int64_t{p.conv_w - 1} * p.stride_w + p.kernel_w; }
std::int64_t padded_height(const Conv2DParams& p) { return std::int64_t{p.conv_h - 1} * p.stride_h + p.kernel_h; }
std::int64_t padded_row_bytes(const Conv2DParams& p) { return padded_width(p) * p.in_c; }
std::int64_t padded_image_bytes(const Conv2DParams& p) { return up64(padded_height(p) * padded_row_bytes(p)); }

// Window rows of the broadcast form are read in place from the padded input when they hold
// whole 4-byte groups; otherwise (seed conv1: 5 bytes) from an expanded copy holding each
// conv column's window row padded with zeros to whole groups, so no pixel needs a column
// copy and rows wholly in padding can be skipped alike. Weights are packed per window row
// to match (zeros past the row).
struct BroadcastLayout {
    bool in_place;
    std::int32_t row_groups;  // 4-byte groups per window row
    std::int64_t row_stride;  // bytes from a window row to the next
    std::int64_t packed_bytes, expanded_bytes;
};

BroadcastLayout broadcast_layout(const Conv2DParams& p) {
    BroadcastLayout l{};
    const std::int32_t window_row = p.kernel_w * p.in_c;
    l.in_place = window_row % 4 == 0;
    l.row_groups = row_groups(p);
    l.row_stride = l.in_place ? padded_row_bytes(p) : std::int64_t{p.conv_w} * 4 * l.row_groups;
    const std::int64_t blocks = broadcast_blocks(p.out_c < slice_channels(p) ? p.out_c : slice_channels(p));
    l.packed_bytes = up64(std::int64_t{p.kernel_h} * l.row_groups * blocks * 64);
    l.expanded_bytes = l.in_place ? 0 : up64(padded_height(p) * l.row_stride);
    return l;
}

// Prefix sums of the weight rows, (kernel_h + 1) rows of up to 64 channels (one slice).
std::int64_t prefix_bytes(const Conv2DParams& p) { return 256 * (std::int64_t{p.kernel_h} + 1); }

// Requantization constants for 16 consecutive channels o..o+15 (lanes past out_c are inert);
// the bias (the correction) is set per pixel block.
Requant16 requant_constants16(const Requant& rq, std::int32_t o, std::int32_t channels) {
    alignas(64) std::int32_t m[16], sh[16];
    for (std::int32_t q = 0; q < 16; ++q) {
        const bool live = q < channels;
        m[q] = live ? rq.multiplier[o + q] : (1 << 30);
        sh[q] = live ? rq.shift[o + q] : 40;  // inert lanes never block the 32-bit form
    }
    Requant16 r;
    r.bias = _mm512_setzero_si512();
    r.mult = _mm512_load_si512(m);
    shift_constants(r, rq, _mm512_load_si512(sh));
    return r;
}

inline __m512i broadcast4(const std::uint8_t* p) {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

// kPixels_ pixels x kBlocks blocks of 16 channels, every accumulator in a register (24 of the
// 32 zmm for 12 x 2, 16 for 8 x 2 and 4 x 4; per group kBlocks weight loads and kPixels_
// broadcasts feed kPixels_ * kBlocks VPDPBUSD; the loops are unrolled, so the arrays are
// registers).
// Pixel j's groups of row r start at col[j] + r * row_stride; packed holds rows x groups
// groups of weights in order.
template <int kPixels_, int kBlocks>
void broadcast_block(const std::uint8_t* const* col, std::int64_t row_stride, std::int32_t rows,
                     const std::int8_t* packed, std::int32_t groups, __m512i (&out)[16][4]) {
    __m512i acc[kPixels_][kBlocks];
#pragma GCC unroll 16
    for (int j = 0; j < kPixels_; ++j)
#pragma GCC unroll 4
        for (int b = 0; b < kBlocks; ++b) acc[j][b] = _mm512_setzero_si512();
    for (std::int32_t r = 0; r < rows; ++r, packed += std::int64_t{groups} * kBlocks * 64) {
        const std::uint8_t* c[kPixels_];
#pragma GCC unroll 16
        for (int j = 0; j < kPixels_; ++j) c[j] = col[j] + r * row_stride;
        for (std::int32_t g = 0; g < groups; ++g) {
            __m512i w[kBlocks];
#pragma GCC unroll 4
            for (int b = 0; b < kBlocks; ++b) w[b] = _mm512_load_si512(packed + (std::int64_t{g} * kBlocks + b) * 64);
#pragma GCC unroll 16
            for (int j = 0; j < kPixels_; ++j) {
                const __m512i x = broadcast4(c[j] + 4 * g);
#pragma GCC unroll 4
                for (int b = 0; b < kBlocks; ++b) dpbusd(acc[j][b], x, w[b]);
            }
        }
    }
#pragma GCC unroll 16
    for (int j = 0; j < kPixels_; ++j)
#pragma GCC unroll 4
        for (int b = 0; b < kBlocks; ++b) out[j][b] = acc[j][b];
}

// The whole input padded once as uint8 (x + 128; padding = z_in + 128), so a window row of
// a pixel is kernel_w * in_c contiguous bytes: no per-pixel padding logic.
void pad_input(const Conv2DParams& p, const std::int8_t* in, std::uint8_t* image) {
    const auto pad = static_cast<std::uint8_t>(128 + p.in_zero_point);
    const std::int64_t padded_w = padded_width(p), padded_h = padded_height(p), row_bytes = padded_row_bytes(p);
    const std::int64_t left_w = p.pad_left < padded_w ? p.pad_left : padded_w;
    const std::int64_t inside_w = padded_w - left_w < p.in_w ? padded_w - left_w : p.in_w;
    const std::int64_t left = left_w * p.in_c, inside = inside_w * p.in_c;
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    for (std::int64_t y = 0; y < padded_h; ++y) {
        std::uint8_t* dst = image + y * row_bytes;
        const std::int64_t iy = y - p.pad_top;
        if (iy < 0 || iy >= p.in_h) {
            std::memset(dst, pad, static_cast<std::size_t>(row_bytes));
            continue;
        }
        std::memset(dst, pad, static_cast<std::size_t>(left));
        const std::int8_t* src = in + iy * p.in_w * p.in_c;
        for (std::int64_t i = 0; i < inside; i += 64) {
            const __mmask64 m = tail_mask(static_cast<std::int32_t>(inside - i < 64 ? inside - i : 64));
            _mm512_mask_storeu_epi8(dst + left + i, m, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, src + i), flip));
        }
        std::memset(dst + left + inside, pad, static_cast<std::size_t>(row_bytes - left - inside));
    }
}

// dst[g * dst_stride + i] = dword g of src row i (row i at src + i * src_stride bytes), for a
// 16 x 16 block of dwords: 16 loads, 64 shuffles, 16 stores.
inline void transpose16(const std::int8_t* src, std::int64_t src_stride, std::uint32_t* dst, std::int64_t dst_stride) {
    __m512i r[16], t[16];
    for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_si512(src + i * src_stride);
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    // u[4b + m], 128-bit lane L: dword 4L + m of rows 4b .. 4b + 3.
    for (int b = 0; b < 4; ++b) {
        r[4 * b + 0] = _mm512_unpacklo_epi64(t[4 * b], t[4 * b + 2]);
        r[4 * b + 1] = _mm512_unpackhi_epi64(t[4 * b], t[4 * b + 2]);
        r[4 * b + 2] = _mm512_unpacklo_epi64(t[4 * b + 1], t[4 * b + 3]);
        r[4 * b + 3] = _mm512_unpackhi_epi64(t[4 * b + 1], t[4 * b + 3]);
    }
    for (int m = 0; m < 4; ++m) {
        const __m512i x0 = _mm512_shuffle_i32x4(r[m], r[4 + m], 0x88), x1 = _mm512_shuffle_i32x4(r[m], r[4 + m], 0xdd);
        const __m512i y0 = _mm512_shuffle_i32x4(r[8 + m], r[12 + m], 0x88),
                      y1 = _mm512_shuffle_i32x4(r[8 + m], r[12 + m], 0xdd);
        _mm512_storeu_si512(dst + (m + 0) * dst_stride, _mm512_shuffle_i32x4(x0, y0, 0x88));
        _mm512_storeu_si512(dst + (m + 8) * dst_stride, _mm512_shuffle_i32x4(x0, y0, 0xdd));
        _mm512_storeu_si512(dst + (m + 4) * dst_stride, _mm512_shuffle_i32x4(x1, y1, 0x88));
        _mm512_storeu_si512(dst + (m + 12) * dst_stride, _mm512_shuffle_i32x4(x1, y1, 0xdd));
    }
}

// One 64-channel slice of the broadcast form's packed weights: [group][channel][4] bytes, then
// the prefix sums of its weight rows. Packed once, at bind (Conv2DParams::packed).
std::int64_t slice_bytes(const Conv2DParams& p) { return broadcast_layout(p).packed_bytes + prefix_bytes(p); }

void pack_broadcast_slice(const Conv2DParams& p, std::int32_t base, std::int8_t* packed) {
    const BroadcastLayout l = broadcast_layout(p);
    const std::int32_t k = p.kernel_h * p.kernel_w * p.in_c, window_row = p.kernel_w * p.in_c;
    const std::int32_t groups = p.kernel_h * l.row_groups;
    const std::int32_t width = slice_channels(p), slice = p.out_c - base < width ? p.out_c - base : width;
    const std::int32_t blocks = broadcast_blocks(slice), lanes = blocks * 16;
    auto* packed32 = reinterpret_cast<std::uint32_t*>(packed);
    if (l.in_place) {
        // Repack 4 bytes at a time: packed[g][o] = w[base + o][4g .. 4g+3] (zeros past the slice).
        std::int32_t transposed = 0;  // groups [0, transposed) of the current 16 channels are done
        for (std::int32_t o = 0; o < lanes; ++o) {
            if (o >= slice) {
                for (std::int32_t g = 0; g < groups; ++g) packed32[g * lanes + o] = 0;
                continue;
            }
            const std::int8_t* w = p.weights + std::int64_t{base + o} * k;
            // 16 channels x 16 groups at a time as a 16 x 16 dword transpose (the scalar
            // loop below does the rest).
            if (o % 16 == 0) {
                transposed = 0;
                if (o + 16 <= slice)
                    for (; transposed + 16 <= groups; transposed += 16)
                        transpose16(w + 4 * transposed, k, &packed32[transposed * lanes + o], lanes);
            }
            for (std::int32_t g = transposed; g < groups; ++g) std::memcpy(&packed32[g * lanes + o], w + 4 * g, 4);
        }
    } else {
        // Group t of window row ky: weights ky * window_row + 4t .. (zeros past the row).
        auto* packed8 = reinterpret_cast<std::uint8_t*>(packed);
        for (std::int32_t g = 0; g < groups; ++g) {
            const std::int32_t at = (g / l.row_groups) * window_row, t = 4 * (g % l.row_groups);
            for (std::int32_t o = 0; o < lanes; ++o)
                for (std::int32_t i = 0; i < 4; ++i)
                    packed8[(std::int64_t{g} * lanes + o) * 4 + i] =
                        o < slice && t + i < window_row
                            ? static_cast<std::uint8_t>(p.weights[std::int64_t{base + o} * k + at + t + i])
                            : std::uint8_t{0};
        }
    }
    auto* prefix = reinterpret_cast<std::int32_t*>(packed + l.packed_bytes);
    const __m512i ones = _mm512_set1_epi8(1);
    for (std::int32_t b = 0; b < blocks; ++b) {
        // Prefix sums of the packed weight rows (lanes past the slice hold zeros).
        __m512i run = _mm512_setzero_si512();
        _mm512_store_si512(prefix + 16 * b, run);
        for (std::int32_t r = 0; r < p.kernel_h; ++r) {
            for (std::int32_t g = r * l.row_groups; g < (r + 1) * l.row_groups; ++g)
                dpbusd(run, ones, _mm512_load_si512(packed + (std::int64_t{g} * blocks + b) * 64));
            _mm512_store_si512(prefix + (r + 1) * 64 + 16 * b, run);
        }
    }
}

void conv_broadcast_form(const Conv2DParams& p, const std::uint8_t* image, std::int8_t* out, std::uint8_t* scratch) {
    const BroadcastLayout l = broadcast_layout(p);
    const auto* slices = static_cast<const std::int8_t*>(p.packed);
    const std::int64_t slice_stride = slice_bytes(p);
    const std::int32_t window_row = p.kernel_w * p.in_c;
    const std::int64_t row_bytes = padded_row_bytes(p), group_row = 4 * std::int64_t{l.row_groups};
    // Window rows come from the padded input itself or from its expanded copy.
    const std::uint8_t* rows_from = image;
    std::int64_t pixel_step = std::int64_t{p.stride_w} * p.in_c;
    if (!l.in_place) {
        std::uint8_t* expanded = scratch;
        for (std::int64_t y = 0; y < padded_height(p); ++y)
            for (std::int32_t cx = 0; cx < p.conv_w; ++cx) {
                std::uint8_t* dst = expanded + y * l.row_stride + cx * group_row;
                const std::uint8_t* src = image + y * row_bytes + std::int64_t{cx} * pixel_step;
                for (std::int32_t j = 0; j < group_row; j += 64) {
                    const __mmask64 load = j < window_row ? tail_mask(window_row - j) : 0;
                    _mm512_mask_storeu_epi8(dst + j, tail_mask(static_cast<std::int32_t>(group_row) - j),
                                            _mm512_maskz_loadu_epi8(load, src + j));
                }
            }
        rows_from = expanded;
        pixel_step = group_row;
    }
    const __m512i offset = _mm512_set1_epi32(128 + p.in_zero_point);
    const detail::ConvSweep sweep(p);
    const std::int32_t n = sweep.count();
    const std::int32_t width = slice_channels(p);
    for (std::int32_t base = 0; base < p.out_c; base += width) {
        const std::int32_t slice = p.out_c - base < width ? p.out_c - base : width;
        const std::int32_t blocks = broadcast_blocks(slice), pixels = blocks == 4 ? 4 : wide_layer(p) ? 8 : 12;
        const std::int8_t* packed = slices + (base / width) * slice_stride;
        const auto* prefix = reinterpret_cast<const std::int32_t*>(packed + l.packed_bytes);
        Requant16 rq[4];
        __mmask16 store_mask[4];
        __m512i bias[4];
        for (std::int32_t b = 0; b < blocks; ++b) {
            std::int32_t channels = slice - 16 * b;
            channels = channels < 0 ? 0 : channels > 16 ? 16 : channels;
            rq[b] = requant_constants16(p.requant, base + 16 * b, channels);
            store_mask[b] = static_cast<__mmask16>((1u << channels) - 1);
            bias[b] = _mm512_maskz_loadu_epi32(store_mask[b], p.bias + base + 16 * b);
        }
        RowRange last{-1, -1};
        std::int32_t cy = 0, cx = 0;  // the sweep's next pixel
        for (std::int32_t i = 0; i < n; i += pixels) {
            const std::int32_t valid = n - i < pixels ? n - i : pixels;
            const std::uint8_t* col[12];
            detail::PixelTarget targets[12];
            std::int32_t cys[12];
            for (std::int32_t j = 0; j < valid; ++j) {
                col[j] = rows_from + std::int64_t{cy} * p.stride_h * l.row_stride + cx * pixel_step;
                cys[j] = cy;
                targets[j] = detail::pixel_target(p, out, cy, cx);
                if (++cx == sweep.used_w) {
                    cx = 0;
                    ++cy;
                }
            }
            for (std::int32_t j = valid; j < pixels; ++j) col[j] = col[valid - 1];
            const RowRange live = live_rows(p, cys, valid);
            if (live.lo != last.lo || live.hi != last.hi) {
                for (std::int32_t b = 0; b < blocks; ++b)
                    rq[b].bias = corrected_bias(bias[b], offset, prefix + live.lo * 64 + 16 * b, prefix + live.hi * 64 + 16 * b);
                last = live;
            }
            if (live.lo > 0)
                for (std::int32_t j = 0; j < pixels; ++j) col[j] += live.lo * l.row_stride;
            __m512i acc[16][4];
            const std::int8_t* live_packed = packed + std::int64_t{live.lo} * l.row_groups * blocks * 64;
            if (pixels == 8) broadcast_block<8, 2>(col, l.row_stride, live.hi - live.lo, live_packed, l.row_groups, acc);
            else if (pixels == 12) broadcast_block<12, 2>(col, l.row_stride, live.hi - live.lo, live_packed, l.row_groups, acc);
            else broadcast_block<4, 4>(col, l.row_stride, live.hi - live.lo, live_packed, l.row_groups, acc);
            if (p.pool_h == 0) {
                for (std::int32_t j = 0; j < valid; ++j)
                    for (std::int32_t b = 0; b < blocks && 16 * b < slice; ++b)
                        _mm_mask_storeu_epi8(targets[j].first + base + 16 * b, store_mask[b], requantize16(acc[j][b], rq[b]));
                continue;
            }
            for (std::int32_t j = 0; j < valid; ++j) {
                const detail::PixelTarget& t = targets[j];
                // Neighbours that feed the same pooled outputs (2x2 pools: pixel pairs of a
                // row) are maxed in registers first: one read-modify-write of the output instead
                // of a masked store the next masked load must wait for.
                std::int32_t last_px = j;
                while (last_px + 1 < valid && targets[last_px + 1].first == t.first && targets[last_px + 1].rows == t.rows &&
                       targets[last_px + 1].cols == t.cols)
                    ++last_px;
                for (std::int32_t b = 0; b < blocks && 16 * b < slice; ++b) {
                    __m128i y = requantize16(acc[j][b], rq[b]);
                    for (std::int32_t q = j + 1; q <= last_px; ++q) y = _mm_max_epi8(y, requantize16(acc[q][b], rq[b]));
                    for (std::int32_t r = 0; r < t.rows; ++r)
                        for (std::int32_t c = 0; c < t.cols; ++c) {
                            std::int8_t* d = t.first + (std::int64_t{r} * p.out_w + c) * p.out_c + base + 16 * b;
                            _mm_mask_storeu_epi8(d, store_mask[b], _mm_max_epi8(y, _mm_maskz_loadu_epi8(store_mask[b], d)));
                        }
                }
                j = last_px;
            }
        }
    }
}

}  // namespace

// The padded input, then the expanded rows (short window rows only); 64 bytes of alignment
// slack. Weights and their sums are packed (below).
std::uint64_t conv2d_avx512vnni_s8_scratch_bytes(const Conv2DParams& p) {
    return 64 + static_cast<std::uint64_t>(padded_image_bytes(p) + broadcast_layout(p).expanded_bytes);
}

// One packed slice per slice_channels(p) output channels; 64 bytes of alignment slack (the
// engine aligns to 16).
std::uint64_t conv2d_avx512vnni_s8_packed_bytes(const Conv2DParams& p) {
    const std::int32_t width = slice_channels(p);
    return 64 + static_cast<std::uint64_t>((p.out_c + width - 1) / width * slice_bytes(p));
}

void conv2d_avx512vnni_s8_pack(const Conv2DParams& p, void* packed) {
    auto* at = reinterpret_cast<std::int8_t*>(round_up(reinterpret_cast<std::uintptr_t>(packed), 64));
    const std::int32_t width = slice_channels(p);
    for (std::int32_t base = 0; base < p.out_c; base += width) pack_broadcast_slice(p, base, at + (base / width) * slice_bytes(p));
}

// p.packed: what conv2d_avx512vnni_s8_pack wrote for these parameters.
void conv2d_avx512vnni_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    auto* image = reinterpret_cast<std::uint8_t*>(round_up(reinterpret_cast<std::uintptr_t>(scratch), 64));
    Conv2DParams aligned = p;
    aligned.packed = reinterpret_cast<const void*>(round_up(reinterpret_cast<std::uintptr_t>(p.packed), 64));
    pad_input(p, in, image);
    detail::prepare_output(p, out);
    conv_broadcast_form(aligned, image, out, image + padded_image_bytes(p));
}

}  // namespace tinydigit::engine
