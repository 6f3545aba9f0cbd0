// Conv2D with AVX-512 VNNI (VPDPBUSD: u8 x s8 -> s32, 64 MACs per instruction).
// Activations enter as u = x + 128 (uint8); padding cells hold z_in + 128. Then
//   sum_k (x_k - z_in) w_k = sum_k u_k w_k - (128 + z_in) sum_k w_k,
// so a per-channel correction (bias - (128 + z_in) * sum w) makes the result identical to
// the reference in wrapping int32 arithmetic. Window rows wholly in the top/bottom padding
// for every pixel of a block are skipped; the correction then sums only the rows that ran
// (per-channel prefix sums of the weight rows, computed once per call beside the repacking).
// Two forms (below); every buffer is the caller's scratch, sized by
// conv2d_avx512vnni_s8_scratch_bytes (the engine extends the planned arena for it).
#include <cstring>

#include "conv_support.hpp"
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/scratch.hpp"
#include "x86_support.hpp"

namespace tinydigit::engine {
namespace {

constexpr int kPixels = 4;
constexpr int kChannels = 4;

// acc += u8(x) . s8(w) per 32-bit lane. Inline asm rather than _mm512_dpbusd_epi32: GCC 12
// copies every accumulator through a temporary register around the intrinsic (twice the
// instructions in the inner loop); the asm ties the accumulator in place.
inline void dpbusd(__m512i& acc, __m512i x, __m512i w) { __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w)); }

inline __mmask64 tail_mask(std::int32_t remaining) {
    return remaining >= 64 ? ~__mmask64{0} : ((__mmask64{1} << remaining) - 1);
}

// Partial sums of 4 vectors: each 128-bit lane L holds [a_L, b_L, c_L, d_L] (lane-wise sums).
inline __m512i partial4(__m512i a, __m512i b, __m512i c, __m512i d) {
    const __m512i ab = _mm512_add_epi32(_mm512_unpacklo_epi32(a, b), _mm512_unpackhi_epi32(a, b));
    const __m512i cd = _mm512_add_epi32(_mm512_unpacklo_epi32(c, d), _mm512_unpackhi_epi32(c, d));
    return _mm512_add_epi32(_mm512_unpacklo_epi64(ab, cd), _mm512_unpackhi_epi64(ab, cd));
}

// Horizontal sums of 4 vectors: [sum a, sum b, sum c, sum d] in the low 128 bits.
inline __m512i reduce16_row(__m512i a, __m512i b, __m512i c, __m512i d) {
    const __m512i part = partial4(a, b, c, d);  // lane L: partial sums of 128-bit lane L
    const __m512i s = _mm512_add_epi32(part, _mm512_shuffle_i32x4(part, part, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm512_add_epi32(s, _mm512_shuffle_i32x4(s, s, _MM_SHUFFLE(2, 3, 0, 1)));
}

// Horizontal sums of a 4 x 4 block of accumulators: lane p of the result holds
// [sum acc[p][0], ..., sum acc[p][3]].
inline __m512i reduce16(const __m512i (&acc)[4][4]) {
    __m512i part[4];
    for (int px = 0; px < 4; ++px) part[px] = partial4(acc[px][0], acc[px][1], acc[px][2], acc[px][3]);
    const __m512i s01 = _mm512_add_epi32(_mm512_shuffle_i32x4(part[0], part[1], _MM_SHUFFLE(1, 0, 1, 0)),
                                         _mm512_shuffle_i32x4(part[0], part[1], _MM_SHUFFLE(3, 2, 3, 2)));
    const __m512i s23 = _mm512_add_epi32(_mm512_shuffle_i32x4(part[2], part[3], _MM_SHUFFLE(1, 0, 1, 0)),
                                         _mm512_shuffle_i32x4(part[2], part[3], _MM_SHUFFLE(3, 2, 3, 2)));
    return _mm512_add_epi32(_mm512_shuffle_i32x4(s01, s23, _MM_SHUFFLE(2, 0, 2, 0)),
                            _mm512_shuffle_i32x4(s01, s23, _MM_SHUFFLE(3, 1, 3, 1)));
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

// The bias (the correction) is set per pixel block.
inline Requant16 requant_constants(const Requant& rq, std::int32_t o, std::int32_t channels) {
    alignas(16) std::int32_t m[4], s[4];
    for (std::int32_t q = 0; q < 4; ++q) {
        const std::int32_t c = o + (q < channels ? q : channels - 1);
        m[q] = rq.multiplier[c];
        s[q] = rq.shift[c];
    }
    Requant16 r;
    r.bias = _mm512_setzero_si512();
    r.mult = _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(m)));
    shift_constants(r, rq, _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(s))));
    return r;
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

// Stores (or max-updates into every pooled output it feeds) up to 4 channel values.
inline void store4(const Conv2DParams& p, const detail::PixelTarget& t, std::int32_t o, const std::int8_t* y,
                   std::int32_t channels) {
    if (channels == 4) {
        const __m128i v = _mm_cvtsi32_si128(*reinterpret_cast<const std::int32_t*>(y));
        if (p.pool_h == 0) {
            _mm_storeu_si32(t.first + o, v);
            return;
        }
        for (std::int32_t r = 0; r < t.rows; ++r)
            for (std::int32_t c = 0; c < t.cols; ++c) {
                std::int8_t* d = t.first + (std::int64_t{r} * p.out_w + c) * p.out_c + o;
                _mm_storeu_si32(d, _mm_max_epi8(_mm_loadu_si32(d), v));
            }
        return;
    }
    for (std::int32_t r = 0; r < t.rows; ++r)
        for (std::int32_t c = 0; c < t.cols; ++c) {
            std::int8_t* d = t.first + (std::int64_t{r} * p.out_w + c) * p.out_c + o;
            for (std::int32_t q = 0; q < channels; ++q) d[q] = p.pool_h == 0 || y[q] > d[q] ? y[q] : d[q];
        }
}

// The broadcast form, for layers whose repacked weights (64 channels at a time) fit 64 KB
// (seed: conv1-conv5; conv6, 256 x 2304, keeps the dot-product form, which reads weights in
// place). Weights are repacked once per call as [k/4][channel][4]; a group of 4 window bytes
// is broadcast and one VPDPBUSD advances 16 channels of one pixel. Blocks of 12 pixels x 32
// channels (24 accumulators) or 4 pixels x 64 channels (16) stay in registers; no horizontal sums,
// and results come out in channel order for a 16-lane requantization.
// The 64 KB bound keeps a slice's weights in L2 while every pixel block passes; the dot-
// product form streams larger layers' weights in place instead of repacking them per call.
constexpr std::int64_t kPackedBytes = 64 * 1024;

std::int32_t broadcast_blocks(std::int32_t out_c) { return out_c <= 32 ? 2 : 4; }

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
    l.row_groups = (window_row + 3) / 4;
    l.row_stride = l.in_place ? padded_row_bytes(p) : std::int64_t{p.conv_w} * 4 * l.row_groups;
    const std::int64_t blocks = broadcast_blocks(p.out_c > 64 ? 64 : p.out_c);
    l.packed_bytes = up64(std::int64_t{p.kernel_h} * l.row_groups * blocks * 64);
    l.expanded_bytes = l.in_place ? 0 : up64(padded_height(p) * l.row_stride);
    return l;
}

bool use_broadcast_form(const Conv2DParams& p) {
    const std::int64_t groups = std::int64_t{p.kernel_h} * broadcast_layout(p).row_groups;
    return groups * broadcast_blocks(p.out_c) * 64 <= kPackedBytes;
}

// Prefix sums of the weight rows, (kernel_h + 1) rows of up to 64 channels (broadcast form:
// one slice; dot-product form: 4 channels).
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
// 32 zmm for 12 x 2 and 6 x 4: per group kBlocks weight loads and kPixels_ broadcasts feed
// kPixels_ * kBlocks VPDPBUSD; the loops are unrolled, so the arrays are registers).
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
    const std::int32_t slice = p.out_c - base < 64 ? p.out_c - base : 64;
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
    // Wider layers run in slices of 64 output channels.
    for (std::int32_t base = 0; base < p.out_c; base += 64) {
        const std::int32_t slice = p.out_c - base < 64 ? p.out_c - base : 64;
        const std::int32_t blocks = broadcast_blocks(slice), pixels = blocks == 2 ? 12 : 4;
        const std::int8_t* packed = slices + (base / 64) * slice_stride;
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
            if (blocks == 2) broadcast_block<12, 2>(col, l.row_stride, live.hi - live.lo, live_packed, l.row_groups, acc);
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

// The dot-product form, for layers whose repacked weights would not fit (seed: conv6): per
// block of 4 pixels x 4 channels, window rows of the padded input and weight rows (OHWI, in
// place) are both contiguous; 16 zmm accumulators, 64 reduction steps per instruction group
// (the last partial step of a row masked), then a 16-way transpose-reduce.
// Per conv pixel of the sweep: where its window starts in the padded input, where its values go.
struct DotPixel {
    const std::uint8_t* window;
    detail::PixelTarget target;
    RowRange block_rows;  // first pixel of each block of kPixels: the block's live window rows
};

// The dot-product form's packed data: per block of 4 channels the prefix sums of their weight
// rows, [row][channel] (the weights themselves are read in place).
std::int64_t dot_prefix_ints(const Conv2DParams& p) { return (std::int64_t{p.kernel_h} + 1) * kChannels; }

void pack_dot_block(const Conv2DParams& p, std::int32_t o, std::int32_t* prefix) {
    const std::int32_t k = p.kernel_h * p.kernel_w * p.in_c, window_row = p.kernel_w * p.in_c;
    const std::int32_t channels = p.out_c - o < kChannels ? p.out_c - o : kChannels;
    const std::int8_t* w[kChannels];
    for (std::int32_t q = 0; q < kChannels; ++q) w[q] = p.weights + std::int64_t{o + (q < channels ? q : channels - 1)} * k;
    const __m512i ones = _mm512_set1_epi8(1);
    __m512i r0 = _mm512_setzero_si512(), r1 = r0, r2 = r0, r3 = r0;
    for (std::int32_t q = 0; q < kChannels; ++q) prefix[q] = 0;
    for (std::int32_t ky = 0; ky < p.kernel_h; ++ky) {
        const std::int64_t wr = std::int64_t{ky} * window_row;
        for (std::int32_t j = 0; j < window_row; j += 64) {
            const __mmask64 mask = tail_mask(window_row - j);
            dpbusd(r0, ones, _mm512_maskz_loadu_epi8(mask, w[0] + wr + j));
            dpbusd(r1, ones, _mm512_maskz_loadu_epi8(mask, w[1] + wr + j));
            dpbusd(r2, ones, _mm512_maskz_loadu_epi8(mask, w[2] + wr + j));
            dpbusd(r3, ones, _mm512_maskz_loadu_epi8(mask, w[3] + wr + j));
        }
        _mm_storeu_si128(reinterpret_cast<__m128i*>(prefix + (ky + 1) * kChannels),
                         _mm512_castsi512_si128(reduce16_row(r0, r1, r2, r3)));
    }
}

void conv_dot_form(const Conv2DParams& p, const std::uint8_t* image, std::int8_t* out, DotPixel* pixels) {
    const std::int32_t k = p.kernel_h * p.kernel_w * p.in_c, window_row = p.kernel_w * p.in_c;
    const std::int64_t row_bytes = padded_row_bytes(p);
    const detail::ConvSweep sweep(p);
    const std::int32_t n = sweep.count();
    for (std::int32_t i = 0; i < n; i += kPixels) {
        const std::int32_t valid = n - i < kPixels ? n - i : kPixels;
        std::int32_t cys[kPixels];
        for (std::int32_t j = 0; j < valid; ++j) {
            const std::int32_t cy = (i + j) / sweep.used_w, cx = (i + j) % sweep.used_w;
            pixels[i + j] = DotPixel{
                image + std::int64_t{cy} * p.stride_h * row_bytes + std::int64_t{cx} * p.stride_w * p.in_c,
                detail::pixel_target(p, out, cy, cx), RowRange{0, 0}};
            cys[j] = cy;
        }
        pixels[i].block_rows = live_rows(p, cys, valid);
    }
    // Channel blocks outermost: 4 channels' weight rows stay in L1 while every pixel passes.
    for (std::int32_t o = 0; o < p.out_c; o += kChannels) {
        const std::int32_t channels = p.out_c - o < kChannels ? p.out_c - o : kChannels;
        const std::int8_t* w[kChannels];
        for (std::int32_t q = 0; q < kChannels; ++q)
            w[q] = p.weights + std::int64_t{o + (q < channels ? q : channels - 1)} * k;
        const Requant16 rq = requant_constants(p.requant, o, channels);
        alignas(16) std::int32_t block_bias[kChannels];  // in memory: registers go to the accumulators
        const std::int32_t* prefix = static_cast<const std::int32_t*>(p.packed) + (o / kChannels) * dot_prefix_ints(p);
        const std::uint32_t offset = static_cast<std::uint32_t>(128 + p.in_zero_point);
        RowRange last{-1, -1};
        for (std::int32_t i = 0; i < n; i += kPixels) {
            const std::int32_t valid = n - i < kPixels ? n - i : kPixels;
            const std::uint8_t* c[kPixels];
            for (std::int32_t j = 0; j < kPixels; ++j) c[j] = pixels[i + (j < valid ? j : valid - 1)].window;
            const RowRange live = pixels[i].block_rows;
            if (live.lo != last.lo || live.hi != last.hi) {
                for (std::int32_t q = 0; q < kChannels; ++q) {
                    const auto rows = static_cast<std::uint32_t>(prefix[live.hi * kChannels + q]) -
                                      static_cast<std::uint32_t>(prefix[live.lo * kChannels + q]);
                    block_bias[q] = static_cast<std::int32_t>(
                        static_cast<std::uint32_t>(p.bias[o + (q < channels ? q : channels - 1)]) - offset * rows);
                }
                last = live;
            }
            // 16 named accumulators and an unmasked main loop keep everything in registers.
            __m512i a00 = _mm512_setzero_si512(), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00,
                    a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00,
                    a32 = a00, a33 = a00;
            for (std::int32_t ky = live.lo; ky < live.hi; ++ky) {
                const std::int64_t xr = ky * row_bytes, wr = std::int64_t{ky} * window_row;
                const std::uint8_t *c0 = c[0] + xr, *c1 = c[1] + xr, *c2 = c[2] + xr, *c3 = c[3] + xr;
                const std::int8_t *w0 = w[0] + wr, *w1 = w[1] + wr, *w2 = w[2] + wr, *w3 = w[3] + wr;
#define TD_VNNI_STEP(LOAD_X, LOAD_W)               \
    {                                               \
        const __m512i v0 = LOAD_W(w0), v1 = LOAD_W(w1), v2 = LOAD_W(w2), v3 = LOAD_W(w3); \
        __m512i x = LOAD_X(c0);                     \
        dpbusd(a00, x, v0);                         \
        dpbusd(a01, x, v1);                         \
        dpbusd(a02, x, v2);                         \
        dpbusd(a03, x, v3);                         \
        x = LOAD_X(c1);                             \
        dpbusd(a10, x, v0);                         \
        dpbusd(a11, x, v1);                         \
        dpbusd(a12, x, v2);                         \
        dpbusd(a13, x, v3);                         \
        x = LOAD_X(c2);                             \
        dpbusd(a20, x, v0);                         \
        dpbusd(a21, x, v1);                         \
        dpbusd(a22, x, v2);                         \
        dpbusd(a23, x, v3);                         \
        x = LOAD_X(c3);                             \
        dpbusd(a30, x, v0);                         \
        dpbusd(a31, x, v1);                         \
        dpbusd(a32, x, v2);                         \
        dpbusd(a33, x, v3);                         \
    }
                std::int32_t j = 0;
#define TD_FULL(ptr) _mm512_loadu_si512((ptr) + j)
                for (; j + 64 <= window_row; j += 64) TD_VNNI_STEP(TD_FULL, TD_FULL)
#undef TD_FULL
                if (j < window_row) {
                    // Masked: past the row's end the weights are 0 and nothing is read.
                    const __mmask64 mask = tail_mask(window_row - j);
#define TD_MASKED(ptr) _mm512_maskz_loadu_epi8(mask, (ptr) + j)
                    TD_VNNI_STEP(TD_MASKED, TD_MASKED)
#undef TD_MASKED
                }
#undef TD_VNNI_STEP
            }
            const __m512i acc[kPixels][kChannels] = {
                {a00, a01, a02, a03}, {a10, a11, a12, a13}, {a20, a21, a22, a23}, {a30, a31, a32, a33}};
            Requant16 r = rq;
            r.bias = _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(block_bias)));
            alignas(16) std::int8_t y[16], pair[16];  // pair: pixel px maxed with px + 1
            const __m128i values = requantize16(reduce16(acc), r);
            _mm_store_si128(reinterpret_cast<__m128i*>(y), values);
            _mm_store_si128(reinterpret_cast<__m128i*>(pair), _mm_max_epi8(values, _mm_srli_si128(values, 4)));
            for (std::int32_t px = 0; px < valid; ++px) {
                const detail::PixelTarget& t = pixels[i + px].target;
                // Two neighbours feeding the same pooled outputs are stored once, as with the
                // broadcast form.
                if (p.pool_h != 0 && px + 1 < valid && pixels[i + px + 1].target.first == t.first &&
                    pixels[i + px + 1].target.rows == t.rows && pixels[i + px + 1].target.cols == t.cols) {
                    store4(p, t, o, pair + 4 * px, channels);
                    ++px;
                    continue;
                }
                store4(p, t, o, y + 4 * px, channels);
            }
        }
    }
}

}  // namespace

// The padded input, then the broadcast form's expanded rows or the dot-product form's
// per-pixel table; 64 bytes of alignment slack. Weights and their sums are packed (below).
std::uint64_t conv2d_avx512vnni_s8_scratch_bytes(const Conv2DParams& p) {
    const std::uint64_t fixed = 64 + static_cast<std::uint64_t>(padded_image_bytes(p));
    if (!use_broadcast_form(p)) return fixed + sizeof(DotPixel) * static_cast<std::uint64_t>(detail::ConvSweep(p).count());
    return fixed + static_cast<std::uint64_t>(broadcast_layout(p).expanded_bytes);
}

// Broadcast form: one packed slice per 64 output channels; dot-product form: the row sums of
// each block of 4 channels. 64 bytes of alignment slack (the engine aligns to 16).
std::uint64_t conv2d_avx512vnni_s8_packed_bytes(const Conv2DParams& p) {
    if (use_broadcast_form(p)) return 64 + static_cast<std::uint64_t>((p.out_c + 63) / 64 * slice_bytes(p));
    return 64 + static_cast<std::uint64_t>((p.out_c + kChannels - 1) / kChannels * dot_prefix_ints(p) * 4);
}

void conv2d_avx512vnni_s8_pack(const Conv2DParams& p, void* packed) {
    auto* at = reinterpret_cast<std::int8_t*>(round_up(reinterpret_cast<std::uintptr_t>(packed), 64));
    if (use_broadcast_form(p)) {
        for (std::int32_t base = 0; base < p.out_c; base += 64) pack_broadcast_slice(p, base, at + (base / 64) * slice_bytes(p));
        return;
    }
    for (std::int32_t o = 0; o < p.out_c; o += kChannels)
        pack_dot_block(p, o, reinterpret_cast<std::int32_t*>(at) + (o / kChannels) * dot_prefix_ints(p));
}

// p.packed: what conv2d_avx512vnni_s8_pack wrote for these parameters.
void conv2d_avx512vnni_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    auto* image = reinterpret_cast<std::uint8_t*>(round_up(reinterpret_cast<std::uintptr_t>(scratch), 64));
    Conv2DParams aligned = p;
    aligned.packed = reinterpret_cast<const void*>(round_up(reinterpret_cast<std::uintptr_t>(p.packed), 64));
    pad_input(p, in, image);
    detail::prepare_output(p, out);
    if (use_broadcast_form(p)) conv_broadcast_form(aligned, image, out, image + padded_image_bytes(p));
    else conv_dot_form(aligned, image, out, reinterpret_cast<DotPixel*>(image + padded_image_bytes(p)));
}

}  // namespace tinydigit::engine
