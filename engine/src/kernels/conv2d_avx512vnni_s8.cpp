// Conv2D with AVX-512 VNNI (VPDPBUSD: u8 x s8 -> s32, 64 MACs per instruction).
// Activations enter as u = x + 128 (uint8); padding cells hold z_in + 128. Then
//   sum_k (x_k - z_in) w_k = sum_k u_k w_k - (128 + z_in) sum_k w_k,
// so a per-channel correction (bias - (128 + z_in) * sum w, computed once per call into
// scratch) makes the result identical to the reference in wrapping int32 arithmetic.
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

// Per-channel requantization constants for 4 channels, repeated in every 128-bit lane and
// split into the even and odd 32-bit elements (64-bit arithmetic works on one of each pair).
struct Requant16 {
    __m512i bias, mult, round_even, round_odd, shift_even, shift_odd, zero_point, lo, hi;
};

inline Requant16 requant_constants(const Requant& rq, const std::int32_t* corr, std::int32_t o, std::int32_t channels) {
    alignas(16) std::int32_t b[4], m[4], s[4];
    for (std::int32_t q = 0; q < 4; ++q) {
        const std::int32_t c = o + (q < channels ? q : channels - 1);
        b[q] = corr[c];
        m[q] = rq.multiplier[c];
        s[q] = rq.shift[c];
    }
    Requant16 r;
    r.bias = _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(b)));
    r.mult = _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(m)));
    const __m512i s32 = _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(s)));
    r.shift_even = _mm512_and_si512(s32, _mm512_set1_epi64(0xffffffff));
    r.shift_odd = _mm512_srli_epi64(s32, 32);
    const __m512i one = _mm512_set1_epi64(1);
    r.round_even = _mm512_sllv_epi64(one, _mm512_sub_epi64(r.shift_even, one));
    r.round_odd = _mm512_sllv_epi64(one, _mm512_sub_epi64(r.shift_odd, one));
    r.zero_point = _mm512_set1_epi64(rq.out_zero_point);
    r.lo = _mm512_set1_epi64(rq.act_min);
    r.hi = _mm512_set1_epi64(rq.act_max);
    return r;
}

// docs/quantization.md on 16 accumulators at once, exactly: int64 product, one rounding,
// arithmetic shift, zero point and clamp in int64, then narrow to int8.
inline __m128i requantize16(__m512i sums, const Requant16& r) {
    const __m512i acc = _mm512_add_epi32(sums, r.bias);  // wrapping, as the reference
    auto half = [&](__m512i a, __m512i m, __m512i round, __m512i shift) {
        __m512i v = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(a, m), round), shift);
        v = _mm512_add_epi64(v, r.zero_point);
        return _mm512_min_epi64(_mm512_max_epi64(v, r.lo), r.hi);
    };
    const __m512i even = half(acc, r.mult, r.round_even, r.shift_even);
    const __m512i odd = half(_mm512_srli_epi64(acc, 32), _mm512_srli_epi64(r.mult, 32), r.round_odd, r.shift_odd);
    return _mm512_cvtepi32_epi8(_mm512_mask_blend_epi32(0xaaaa, even, _mm512_slli_epi64(odd, 32)));
}

inline std::int32_t weight_sum(const std::int8_t* w, std::int32_t k) {
    const __m512i ones = _mm512_set1_epi8(1);
    __m512i acc = _mm512_setzero_si512();
    for (std::int32_t j = 0; j < k; j += 64)
        acc = _mm512_dpbusd_epi32(acc, ones, _mm512_maskz_loadu_epi8(tail_mask(k - j), w + j));
    return _mm512_reduce_add_epi32(acc);
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
// place). Weights are repacked once per call as [k/4][channel][4]; a group of 4 column bytes
// is broadcast and one VPDPBUSD advances 16 channels of one pixel. Blocks of 8 pixels x 32
// channels or 4 pixels x 64 channels keep 16 accumulators in registers; no horizontal sums,
// and results come out in channel order for a 16-lane requantization.
// The 64 KB bound keeps a slice's weights in L2 while every pixel block passes; the dot-
// product form streams larger layers' weights in place instead of repacking them per call.
constexpr std::int64_t kPackedBytes = 64 * 1024;

std::int32_t broadcast_blocks(std::int32_t out_c) { return out_c <= 32 ? 2 : 4; }

bool use_broadcast_form(const Conv2DParams& p, std::int64_t k) {
    const std::int64_t groups = (k + 3) / 4;
    const std::int64_t blocks = broadcast_blocks(p.out_c);
    return groups * blocks * 64 <= kPackedBytes;
}

// Scratch of the broadcast form beyond the padded input, 64-byte aligned pieces: packed
// weights, the pixels' columns.
struct BroadcastScratch {
    std::int64_t packed_bytes, column_bytes;
};

BroadcastScratch broadcast_scratch(const Conv2DParams& p, std::int64_t k) {
    const std::int64_t groups = (k + 3) / 4, blocks = broadcast_blocks(p.out_c > 64 ? 64 : p.out_c);
    auto up64 = [](std::int64_t v) { return static_cast<std::int64_t>(round_up(static_cast<std::uint64_t>(v), 64)); };
    return BroadcastScratch{up64(groups * blocks * 64), up64(8 * groups * 4)};  // <= 32 channels: 8 pixels
}

// Requantization constants for 16 consecutive channels o..o+15 (lanes past out_c are inert).
Requant16 requant_constants16(const Requant& rq, const std::int32_t* corr, std::int32_t o, std::int32_t channels) {
    alignas(64) std::int32_t b[16], m[16], sh[16];
    for (std::int32_t q = 0; q < 16; ++q) {
        const bool live = q < channels;
        b[q] = live ? corr[o + q] : 0;
        m[q] = live ? rq.multiplier[o + q] : (1 << 30);
        sh[q] = live ? rq.shift[o + q] : 1;
    }
    Requant16 r;
    r.bias = _mm512_load_si512(b);
    r.mult = _mm512_load_si512(m);
    const __m512i s32 = _mm512_load_si512(sh);
    r.shift_even = _mm512_and_si512(s32, _mm512_set1_epi64(0xffffffff));
    r.shift_odd = _mm512_srli_epi64(s32, 32);
    const __m512i one = _mm512_set1_epi64(1);
    r.round_even = _mm512_sllv_epi64(one, _mm512_sub_epi64(r.shift_even, one));
    r.round_odd = _mm512_sllv_epi64(one, _mm512_sub_epi64(r.shift_odd, one));
    r.zero_point = _mm512_set1_epi64(rq.out_zero_point);
    r.lo = _mm512_set1_epi64(rq.act_min);
    r.hi = _mm512_set1_epi64(rq.act_max);
    return r;
}

inline void copy_bytes(std::uint8_t* dst, const std::uint8_t* src, std::int32_t n) {
    for (; n >= 64; n -= 64, src += 64, dst += 64) _mm512_storeu_si512(dst, _mm512_loadu_si512(src));
    if (n > 0) {
        const __mmask64 m = (__mmask64{1} << n) - 1;
        _mm512_mask_storeu_epi8(dst, m, _mm512_maskz_loadu_epi8(m, src));
    }
}

inline __m512i broadcast4(const std::uint8_t* p) {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

// 8 pixels x 2 blocks of 16 channels; named accumulators so they stay in registers.
// Pixel j's groups of row r start at col[j] + r * row_stride; packed holds rows x groups
// groups of weights in order.
void broadcast_8x2(const std::uint8_t* const* col, std::int64_t row_stride, std::int32_t rows, const std::int8_t* packed,
                   std::int32_t groups, __m512i (&out)[16][4]) {
    __m512i a00 = _mm512_setzero_si512(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00,
            a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00, a60 = a00, a61 = a00, a70 = a00, a71 = a00;
    for (std::int32_t r = 0; r < rows; ++r, packed += groups * 128) {
    const std::int64_t o = r * row_stride;
    const std::uint8_t *c0 = col[0] + o, *c1 = col[1] + o, *c2 = col[2] + o, *c3 = col[3] + o, *c4 = col[4] + o,
                       *c5 = col[5] + o, *c6 = col[6] + o, *c7 = col[7] + o;
    for (std::int32_t g = 0; g < groups; ++g) {
        const __m512i w0 = _mm512_load_si512(packed + g * 128), w1 = _mm512_load_si512(packed + g * 128 + 64);
        __m512i x = broadcast4(c0 + 4 * g);
        dpbusd(a00, x, w0);
        dpbusd(a01, x, w1);
        x = broadcast4(c1 + 4 * g);
        dpbusd(a10, x, w0);
        dpbusd(a11, x, w1);
        x = broadcast4(c2 + 4 * g);
        dpbusd(a20, x, w0);
        dpbusd(a21, x, w1);
        x = broadcast4(c3 + 4 * g);
        dpbusd(a30, x, w0);
        dpbusd(a31, x, w1);
        x = broadcast4(c4 + 4 * g);
        dpbusd(a40, x, w0);
        dpbusd(a41, x, w1);
        x = broadcast4(c5 + 4 * g);
        dpbusd(a50, x, w0);
        dpbusd(a51, x, w1);
        x = broadcast4(c6 + 4 * g);
        dpbusd(a60, x, w0);
        dpbusd(a61, x, w1);
        x = broadcast4(c7 + 4 * g);
        dpbusd(a70, x, w0);
        dpbusd(a71, x, w1);
    }
    }
    out[0][0] = a00; out[0][1] = a01; out[1][0] = a10; out[1][1] = a11;
    out[2][0] = a20; out[2][1] = a21; out[3][0] = a30; out[3][1] = a31;
    out[4][0] = a40; out[4][1] = a41; out[5][0] = a50; out[5][1] = a51;
    out[6][0] = a60; out[6][1] = a61; out[7][0] = a70; out[7][1] = a71;
}

// 4 pixels x 4 blocks of 16 channels.
void broadcast_4x4(const std::uint8_t* const* col, std::int64_t row_stride, std::int32_t rows, const std::int8_t* packed,
                   std::int32_t groups, __m512i (&out)[16][4]) {
    __m512i a00 = _mm512_setzero_si512(), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00,
            a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
    for (std::int32_t r = 0; r < rows; ++r, packed += groups * 256) {
    const std::int64_t o = r * row_stride;
    const std::uint8_t *c0 = col[0] + o, *c1 = col[1] + o, *c2 = col[2] + o, *c3 = col[3] + o;
    for (std::int32_t g = 0; g < groups; ++g) {
        const std::int8_t* w = packed + g * 256;
        const __m512i w0 = _mm512_load_si512(w), w1 = _mm512_load_si512(w + 64), w2 = _mm512_load_si512(w + 128),
                      w3 = _mm512_load_si512(w + 192);
        __m512i x = broadcast4(c0 + 4 * g);
        dpbusd(a00, x, w0);
        dpbusd(a01, x, w1);
        dpbusd(a02, x, w2);
        dpbusd(a03, x, w3);
        x = broadcast4(c1 + 4 * g);
        dpbusd(a10, x, w0);
        dpbusd(a11, x, w1);
        dpbusd(a12, x, w2);
        dpbusd(a13, x, w3);
        x = broadcast4(c2 + 4 * g);
        dpbusd(a20, x, w0);
        dpbusd(a21, x, w1);
        dpbusd(a22, x, w2);
        dpbusd(a23, x, w3);
        x = broadcast4(c3 + 4 * g);
        dpbusd(a30, x, w0);
        dpbusd(a31, x, w1);
        dpbusd(a32, x, w2);
        dpbusd(a33, x, w3);
    }
    }
    out[0][0] = a00; out[0][1] = a01; out[0][2] = a02; out[0][3] = a03;
    out[1][0] = a10; out[1][1] = a11; out[1][2] = a12; out[1][3] = a13;
    out[2][0] = a20; out[2][1] = a21; out[2][2] = a22; out[2][3] = a23;
    out[3][0] = a30; out[3][1] = a31; out[3][2] = a32; out[3][3] = a33;
}

// Padded input geometry: every conv pixel's window lies inside it.
std::int64_t padded_width(const Conv2DParams& p) { return std::int64_t{p.conv_w - 1} * p.stride_w + p.kernel_w; }
std::int64_t padded_height(const Conv2DParams& p) { return std::int64_t{p.conv_h - 1} * p.stride_h + p.kernel_h; }
std::int64_t padded_row_bytes(const Conv2DParams& p) { return padded_width(p) * p.in_c; }
std::int64_t padded_image_bytes(const Conv2DParams& p) {
    return static_cast<std::int64_t>(round_up(static_cast<std::uint64_t>(padded_height(p) * padded_row_bytes(p)), 64));
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

void conv_broadcast_form(const Conv2DParams& p, const std::uint8_t* image, std::int8_t* out, const std::int32_t* corr,
                         std::int32_t k, std::uint8_t* scratch) {
    const BroadcastScratch sizes = broadcast_scratch(p, k);
    auto* packed = reinterpret_cast<std::int8_t*>(scratch);
    std::uint8_t* cols = scratch + sizes.packed_bytes;
    const std::int32_t groups = (k + 3) / 4, k4 = 4 * groups;
    const detail::ConvSweep sweep(p);
    const std::int64_t row_bytes = padded_row_bytes(p);
    const std::int32_t window_row = p.kernel_w * p.in_c;
    const bool rows_in_place = window_row % 4 == 0;
    const std::int32_t n = sweep.count();
    // Wider layers run in slices of 64 output channels (weights repacked per slice).
    for (std::int32_t base = 0; base < p.out_c; base += 64) {
        const std::int32_t slice = p.out_c - base < 64 ? p.out_c - base : 64;
        const std::int32_t blocks = broadcast_blocks(slice), pixels = 16 / blocks;
        // Repack 4 bytes at a time: packed[g][o] = w[base + o][4g .. 4g+3] (zeros past k / slice).
        const std::int32_t full = k / 4, lanes = blocks * 16;
        auto* packed32 = reinterpret_cast<std::uint32_t*>(packed);
        std::int32_t transposed = 0;  // groups [0, transposed) of the current 16 channels are done
        for (std::int32_t o = 0; o < lanes; ++o) {
            if (o >= slice) {
                for (std::int32_t g = 0; g < groups; ++g) packed32[g * lanes + o] = 0;
                continue;
            }
            const std::int8_t* w = p.weights + std::int64_t{base + o} * k;
            // 16 channels x 16 groups at a time as a 16 x 16 dword transpose (the scalar loop
            // below does the rest).
            if (o % 16 == 0) {
                transposed = 0;
                if (o + 16 <= slice)
                    for (; transposed + 16 <= full; transposed += 16)
                        transpose16(w + 4 * transposed, k, &packed32[transposed * lanes + o], lanes);
            }
            for (std::int32_t g = transposed; g < full; ++g) std::memcpy(&packed32[g * lanes + o], w + 4 * g, 4);
            if (full < groups) {
                std::uint8_t last[4] = {0, 0, 0, 0};
                std::memcpy(last, w + 4 * full, static_cast<std::size_t>(k - 4 * full));
                std::memcpy(&packed32[full * lanes + o], last, 4);
            }
        }
        for (std::int32_t j = 0; j < pixels; ++j)
            for (std::int32_t i = k; i < k4; ++i) cols[j * k4 + i] = 0;  // weights there are 0 too
        Requant16 rq[4];
        __mmask16 store_mask[4];
        for (std::int32_t b = 0; b < blocks; ++b) {
            std::int32_t channels = slice - 16 * b;
            channels = channels < 0 ? 0 : channels > 16 ? 16 : channels;
            rq[b] = requant_constants16(p.requant, corr, base + 16 * b, channels);
            store_mask[b] = static_cast<__mmask16>((1u << channels) - 1);
        }
        for (std::int32_t i = 0; i < n; i += pixels) {
            const std::int32_t valid = n - i < pixels ? n - i : pixels;
            const std::uint8_t* col[8];
            detail::PixelTarget targets[8];
            for (std::int32_t j = 0; j < valid; ++j) {
                const std::int32_t cy = (i + j) / sweep.used_w, cx = (i + j) % sweep.used_w;
                const std::uint8_t* src =
                    image + std::int64_t{cy} * p.stride_h * row_bytes + std::int64_t{cx} * p.stride_w * p.in_c;
                if (rows_in_place) {
                    col[j] = src;
                } else {
                    std::uint8_t* c = cols + j * k4;
                    for (std::int32_t ky = 0; ky < p.kernel_h; ++ky, src += row_bytes)
                        copy_bytes(c + ky * window_row, src, window_row);
                    col[j] = c;
                }
                targets[j] = detail::pixel_target(p, out, cy, cx);
            }
            for (std::int32_t j = valid; j < pixels; ++j) col[j] = col[valid - 1];
            __m512i acc[16][4];
            // Whole groups per window row: broadcast straight from the padded input's rows.
            const std::int32_t rows = rows_in_place ? p.kernel_h : 1, row_groups = rows_in_place ? window_row / 4 : groups;
            if (blocks == 2) broadcast_8x2(col, row_bytes, rows, packed, row_groups, acc);
            else broadcast_4x4(col, row_bytes, rows, packed, row_groups, acc);
            for (std::int32_t j = 0; j < valid; ++j) {
                const detail::PixelTarget& t = targets[j];
                for (std::int32_t b = 0; b < blocks && 16 * b < slice; ++b) {
                    const __m128i y = requantize16(acc[j][b], rq[b]);
                    for (std::int32_t r = 0; r < t.rows; ++r)
                        for (std::int32_t c = 0; c < t.cols; ++c) {
                            std::int8_t* d = t.first + (std::int64_t{r} * p.out_w + c) * p.out_c + base + 16 * b;
                            const __m128i v =
                                p.pool_h == 0 ? y : _mm_max_epi8(y, _mm_maskz_loadu_epi8(store_mask[b], d));
                            _mm_mask_storeu_epi8(d, store_mask[b], v);
                        }
                }
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
};

void conv_dot_form(const Conv2DParams& p, const std::uint8_t* image, std::int8_t* out, const std::int32_t* corr,
                   DotPixel* pixels) {
    const std::int32_t k = p.kernel_h * p.kernel_w * p.in_c, window_row = p.kernel_w * p.in_c;
    const std::int64_t row_bytes = padded_row_bytes(p);
    const detail::ConvSweep sweep(p);
    const std::int32_t n = sweep.count();
    for (std::int32_t i = 0; i < n; ++i) {
        const std::int32_t cy = i / sweep.used_w, cx = i % sweep.used_w;
        pixels[i] = DotPixel{image + std::int64_t{cy} * p.stride_h * row_bytes + std::int64_t{cx} * p.stride_w * p.in_c,
                             detail::pixel_target(p, out, cy, cx)};
    }
    // Channel blocks outermost: 4 channels' weight rows stay in L1 while every pixel passes.
    for (std::int32_t o = 0; o < p.out_c; o += kChannels) {
        const std::int32_t channels = p.out_c - o < kChannels ? p.out_c - o : kChannels;
        const std::int8_t* w[kChannels];
        for (std::int32_t q = 0; q < kChannels; ++q)
            w[q] = p.weights + std::int64_t{o + (q < channels ? q : channels - 1)} * k;
        const Requant16 rq = requant_constants(p.requant, corr, o, channels);
        for (std::int32_t i = 0; i < n; i += kPixels) {
            const std::int32_t valid = n - i < kPixels ? n - i : kPixels;
            const std::uint8_t* c[kPixels];
            for (std::int32_t j = 0; j < kPixels; ++j) c[j] = pixels[i + (j < valid ? j : valid - 1)].window;
            // 16 named accumulators and an unmasked main loop keep everything in registers.
            __m512i a00 = _mm512_setzero_si512(), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00,
                    a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00,
                    a32 = a00, a33 = a00;
            for (std::int32_t ky = 0; ky < p.kernel_h; ++ky) {
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
            alignas(16) std::int8_t y[16];
            _mm_store_si128(reinterpret_cast<__m128i*>(y), requantize16(reduce16(acc), rq));
            for (std::int32_t px = 0; px < valid; ++px) store4(p, pixels[i + px].target, o, y + 4 * px, channels);
        }
    }
}

}  // namespace

// Per-channel corrections, the padded input, then the broadcast form's packed weights and
// columns or the dot-product form's per-pixel table; 64 bytes of alignment slack.
std::uint64_t conv2d_avx512vnni_s8_scratch_bytes(const Conv2DParams& p) {
    const std::uint64_t k = conv2d_reduction_length(p.kernel_h, p.kernel_w, p.in_c);
    const std::uint64_t fixed =
        64 + round_up(4 * static_cast<std::uint64_t>(p.out_c), 64) + static_cast<std::uint64_t>(padded_image_bytes(p));
    if (!use_broadcast_form(p, static_cast<std::int64_t>(k)))
        return fixed + sizeof(DotPixel) * static_cast<std::uint64_t>(detail::ConvSweep(p).count());
    const BroadcastScratch b = broadcast_scratch(p, static_cast<std::int64_t>(k));
    return fixed + static_cast<std::uint64_t>(b.packed_bytes + b.column_bytes);
}

void conv2d_avx512vnni_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const std::int32_t k = p.kernel_h * p.kernel_w * p.in_c;
    auto* corr = reinterpret_cast<std::int32_t*>(round_up(reinterpret_cast<std::uintptr_t>(scratch), 64));
    auto* image = reinterpret_cast<std::uint8_t*>(corr) + round_up(4 * static_cast<std::uint64_t>(p.out_c), 64);
    const std::uint32_t offset = static_cast<std::uint32_t>(128 + p.in_zero_point);
    for (std::int32_t o = 0; o < p.out_c; ++o) {
        const auto sum = static_cast<std::uint32_t>(weight_sum(p.weights + std::int64_t{o} * k, k));
        corr[o] = static_cast<std::int32_t>(static_cast<std::uint32_t>(p.bias[o]) - offset * sum);
    }
    pad_input(p, in, image);
    detail::prepare_output(p, out);
    if (use_broadcast_form(p, k)) conv_broadcast_form(p, image, out, corr, k, image + padded_image_bytes(p));
    else conv_dot_form(p, image, out, corr, reinterpret_cast<DotPixel*>(image + padded_image_bytes(p)));
}

}  // namespace tinydigit::engine
