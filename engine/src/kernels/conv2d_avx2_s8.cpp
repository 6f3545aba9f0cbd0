// Conv2D with AVX2: exact int16 arithmetic. The input is converted once per call into a
// padded int16 image (x - z_in, padding cells 0), so (x - z_in) * w fits VPMADDWD (int16
// pairs into int32, never saturating for |x - z_in| <= 255, |w| <= 128) and no correction
// term is needed. (VPMADDUBSW would do twice the MACs per instruction but saturates its
// int16 pair sums: 2 * 255 * 127 > 32767, which bit-exactness rules out.)
//
// Dot-product form, block of 3 output pixels x 4 output channels (12 ymm accumulators, 16
// reduction steps per iteration): each window row of a pixel is kernel_w * in_c contiguous
// values of the padded image, and each weight row is contiguous in OHWI, so when that row
// length is a multiple of 16 both are read in place (no im2col, no weight repacking).
// Otherwise (e.g. in_c = 1) each pixel's window is copied into a zero-padded column of
// round_up(K, 16) values and the weights are copied once per call to the same stride.
// Requantization runs on 4 channels at once (64-bit products; AVX2 has no 64-bit arithmetic
// shift, so it is a logical shift of the sign-flipped value).
#include <cstring>

#include "conv_support.hpp"
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/scratch.hpp"
#include "x86_support.hpp"

namespace tinydigit::engine {
namespace {

constexpr int kPixels = 4;
constexpr int kChannels = 3;

struct Layout {
    std::int64_t padded_h, padded_w, row_values;  // row_values: padded_w * in_c
    std::int32_t window_row;                      // kernel_w * in_c
    bool in_place;                                // window rows are whole 16-value steps
    std::int64_t k16;                             // column length when not in place
    std::int64_t image_bytes, weight_bytes, column_bytes;
};

Layout layout_of(const Conv2DParams& p) {
    Layout l{};
    l.padded_w = std::int64_t{p.conv_w - 1} * p.stride_w + p.kernel_w;
    l.padded_h = std::int64_t{p.conv_h - 1} * p.stride_h + p.kernel_h;
    l.row_values = l.padded_w * p.in_c;
    l.window_row = p.kernel_w * p.in_c;
    l.in_place = l.window_row % 16 == 0;
    const std::int64_t k = std::int64_t{p.kernel_h} * l.window_row;
    l.k16 = static_cast<std::int64_t>(round_up(static_cast<std::uint64_t>(k), 16));
    l.image_bytes = static_cast<std::int64_t>(round_up(static_cast<std::uint64_t>(2 * l.padded_h * l.row_values), 32));
    l.weight_bytes = l.in_place ? 0 : static_cast<std::int64_t>(round_up(static_cast<std::uint64_t>(p.out_c * l.k16), 32));
    l.column_bytes = l.in_place ? 0 : 2 * kPixels * l.k16;
    return l;
}

// Fills the padded int16 image: x - z_in inside, 0 in the padding.
void pad_image(const Conv2DParams& p, const Layout& l, const std::int8_t* in, std::int16_t* image) {
    const std::int16_t z = static_cast<std::int16_t>(p.in_zero_point);
    for (std::int64_t y = 0; y < l.padded_h; ++y) {
        std::int16_t* dst = image + y * l.row_values;
        const std::int64_t iy = y - p.pad_top;
        if (iy < 0 || iy >= p.in_h) {
            std::memset(dst, 0, static_cast<std::size_t>(2 * l.row_values));
            continue;
        }
        // Columns [0, pad_left) are padding, then up to in_w input columns, then padding.
        const std::int64_t left_w = p.pad_left < l.padded_w ? p.pad_left : l.padded_w;
        const std::int64_t inside_w = l.padded_w - left_w < p.in_w ? l.padded_w - left_w : p.in_w;
        const std::int64_t left = left_w * p.in_c, inside = inside_w * p.in_c;
        std::memset(dst, 0, static_cast<std::size_t>(2 * left));
        const std::int8_t* src = in + iy * p.in_w * p.in_c;
        const __m256i zv = _mm256_set1_epi16(z);
        std::int64_t i = 0;
        for (; i + 16 <= inside; i += 16)
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + left + i),
                                _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i))), zv));
        for (; i < inside; ++i) dst[left + i] = static_cast<std::int16_t>(src[i] - z);
        std::memset(dst + left + inside, 0, static_cast<std::size_t>(2 * (l.row_values - left - inside)));
    }
}

// 3 pixels x 4 channels over `rows` segments of `len` values (a multiple of 16); pixel j's
// segment r starts at x[j] + r * x_step, channel q's at w[q] + r * w_step.
struct Block {
    const std::int16_t* x[kPixels];
    const std::int8_t* w[kChannels];
    std::int64_t x_step, w_step;
    std::int32_t rows, len;
};

inline __m256i weights16(const std::int8_t* w) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w)));
}

inline __m256i load16(const std::int16_t* x) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x)); }

// Sums of the 4 accumulators of one pixel, one per 32-bit lane (channel order).
inline __m128i reduce4(__m256i a0, __m256i a1, __m256i a2, __m256i a3) {
    const __m256i s = _mm256_hadd_epi32(_mm256_hadd_epi32(a0, a1), _mm256_hadd_epi32(a2, a3));
    return _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
}

// kPixels x kChannels accumulators over the block. Fully unrolled, the arrays stay in
// registers (12 accumulators + 3 column vectors + weights + product <= 16 ymm).
void dot_block(const Block& b, __m128i (&sums)[kPixels]) {
    __m256i acc[kPixels][kChannels];
#pragma GCC unroll 8
    for (int px = 0; px < kPixels; ++px)
#pragma GCC unroll 8
        for (int q = 0; q < kChannels; ++q) acc[px][q] = _mm256_setzero_si256();
    for (std::int32_t r = 0; r < b.rows; ++r) {
        const std::int16_t* x[kPixels];
        const std::int8_t* w[kChannels];
#pragma GCC unroll 8
        for (int px = 0; px < kPixels; ++px) x[px] = b.x[px] + r * b.x_step;
#pragma GCC unroll 8
        for (int q = 0; q < kChannels; ++q) w[q] = b.w[q] + r * b.w_step;
        for (std::int32_t j = 0; j < b.len; j += 16) {
            __m256i v[kPixels];
#pragma GCC unroll 8
            for (int px = 0; px < kPixels; ++px) v[px] = load16(x[px] + j);
#pragma GCC unroll 8
            for (int q = 0; q < kChannels; ++q) {
                const __m256i wq = weights16(w[q] + j);
#pragma GCC unroll 8
                for (int px = 0; px < kPixels; ++px) acc[px][q] = _mm256_add_epi32(acc[px][q], _mm256_madd_epi16(v[px], wq));
            }
        }
    }
#pragma GCC unroll 8
    for (int px = 0; px < kPixels; ++px)
        sums[px] = reduce4(acc[px][0], acc[px][1 % kChannels], acc[px][2 % kChannels], acc[px][3 % kChannels]);
}

// Requantization constants of 4 channels (lanes past `channels` repeat the last one).
struct Requant4 {
    __m128i bias;
    __m256i mult, round, shift, zero_point, lo, hi;
};

Requant4 requant_constants(const Conv2DParams& p, std::int32_t o, std::int32_t channels) {
    alignas(16) std::int32_t b[4], m[4], s[4];
    for (std::int32_t q = 0; q < 4; ++q) {
        const std::int32_t c = o + (q < channels ? q : channels - 1);
        b[q] = p.bias[c];
        m[q] = p.requant.multiplier[c];
        s[q] = p.requant.shift[c];
    }
    Requant4 r;
    r.bias = _mm_load_si128(reinterpret_cast<const __m128i*>(b));
    r.mult = _mm256_cvtepi32_epi64(_mm_load_si128(reinterpret_cast<const __m128i*>(m)));
    r.shift = _mm256_cvtepi32_epi64(_mm_load_si128(reinterpret_cast<const __m128i*>(s)));
    const __m256i one = _mm256_set1_epi64x(1);
    r.round = _mm256_sllv_epi64(one, _mm256_sub_epi64(r.shift, one));
    r.zero_point = _mm256_set1_epi64x(p.requant.out_zero_point);
    r.lo = _mm256_set1_epi64x(p.requant.act_min);
    r.hi = _mm256_set1_epi64x(p.requant.act_max);
    return r;
}

// docs/quantization.md on 4 accumulators: wrapping bias add, int64 product and rounding,
// arithmetic shift, zero point, clamp; the 4 int8 results in the low 32 bits.
inline std::int32_t requantize4(__m128i sums, const Requant4& r) {
    const __m256i acc = _mm256_cvtepi32_epi64(_mm_add_epi32(sums, r.bias));
    const __m256i v = _mm256_add_epi64(_mm256_mul_epi32(acc, r.mult), r.round);
    const __m256i sign = _mm256_cmpgt_epi64(_mm256_setzero_si256(), v);
    __m256i y = _mm256_xor_si256(_mm256_srlv_epi64(_mm256_xor_si256(v, sign), r.shift), sign);
    y = _mm256_add_epi64(y, r.zero_point);
    y = _mm256_blendv_epi8(y, r.lo, _mm256_cmpgt_epi64(r.lo, y));
    y = _mm256_blendv_epi8(y, r.hi, _mm256_cmpgt_epi64(y, r.hi));
    // Low 32 bits of each 64-bit lane -> 4 int32 -> int8 (already in range, packs are exact).
    const __m128i d = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(y, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6)));
    return _mm_cvtsi128_si32(_mm_packs_epi16(_mm_packs_epi32(d, d), d));
}

}  // namespace

// Padded int16 image, plus (when window rows are not whole 16-value steps) the weights at a
// 16-value stride and 3 columns; 32 bytes of alignment slack.
std::uint64_t conv2d_avx2_s8_scratch_bytes(const Conv2DParams& p) {
    const Layout l = layout_of(p);
    return static_cast<std::uint64_t>(l.image_bytes + l.weight_bytes + l.column_bytes) + 32;
}

void conv2d_avx2_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const Layout l = layout_of(p);
    const std::int32_t k = p.kernel_h * l.window_row;
    auto* base = reinterpret_cast<std::uint8_t*>(round_up(reinterpret_cast<std::uintptr_t>(scratch), 32));
    auto* image = reinterpret_cast<std::int16_t*>(base);
    auto* packed = reinterpret_cast<std::int8_t*>(base + l.image_bytes);
    auto* cols = reinterpret_cast<std::int16_t*>(base + l.image_bytes + l.weight_bytes);
    pad_image(p, l, in, image);
    if (!l.in_place) {
        for (std::int32_t o = 0; o < p.out_c; ++o) {
            std::memcpy(packed + o * l.k16, p.weights + std::int64_t{o} * k, static_cast<std::size_t>(k));
            std::memset(packed + o * l.k16 + k, 0, static_cast<std::size_t>(l.k16 - k));
        }
        for (std::int32_t j = 0; j < kPixels; ++j)
            std::memset(cols + j * l.k16 + k, 0, static_cast<std::size_t>(2 * (l.k16 - k)));
    }
    const detail::ConvSweep sweep(p);
    detail::prepare_output(p, out);
    const std::int32_t n = sweep.count();
    for (std::int32_t i = 0; i < n; i += kPixels) {
        const std::int32_t valid = n - i < kPixels ? n - i : kPixels;
        Block b{};
        std::int32_t cy[kPixels], cx[kPixels];
        for (std::int32_t j = 0; j < kPixels; ++j) {
            const std::int32_t px = i + (j < valid ? j : valid - 1);
            cy[j] = px / sweep.used_w;
            cx[j] = px % sweep.used_w;
            const std::int16_t* window =
                image + std::int64_t{cy[j]} * p.stride_h * l.row_values + std::int64_t{cx[j]} * p.stride_w * p.in_c;
            if (l.in_place) {
                b.x[j] = window;
            } else {
                std::int16_t* c = cols + j * l.k16;
                for (std::int32_t ky = 0; ky < p.kernel_h; ++ky)  // short rows: a plain loop beats memcpy calls
                    for (std::int32_t t = 0; t < l.window_row; ++t) c[ky * l.window_row + t] = window[ky * l.row_values + t];
                b.x[j] = c;
            }
        }
        b.rows = l.in_place ? p.kernel_h : 1;
        b.len = l.in_place ? l.window_row : static_cast<std::int32_t>(l.k16);
        b.x_step = l.row_values;
        b.w_step = l.window_row;
        const std::int8_t* weights = l.in_place ? p.weights : packed;
        if (l.in_place) {
            // Window rows that lie in the top/bottom padding for every pixel of the block add
            // 0 (x - z_in = 0 there): skip them.
            std::int32_t lo = p.kernel_h, hi = 0;
            for (std::int32_t j = 0; j < valid; ++j) {
                const std::int32_t y0 = cy[j] * p.stride_h - p.pad_top;
                const std::int32_t first = y0 < 0 ? -y0 : 0, last = p.in_h - y0 < p.kernel_h ? p.in_h - y0 : p.kernel_h;
                lo = first < lo ? first : lo;
                hi = last > hi ? last : hi;
            }
            if (hi <= lo) lo = hi = 0;
            for (std::int32_t j = 0; j < kPixels; ++j) b.x[j] += std::int64_t{lo} * l.row_values;
            weights += std::int64_t{lo} * l.window_row;
            b.rows = hi - lo;
        }
        const std::int64_t weight_stride = l.in_place ? k : l.k16;
        for (std::int32_t o = 0; o < p.out_c; o += kChannels) {
            const std::int32_t channels = p.out_c - o < kChannels ? p.out_c - o : kChannels;
            for (std::int32_t q = 0; q < kChannels; ++q)
                b.w[q] = weights + std::int64_t{o + (q < channels ? q : channels - 1)} * weight_stride;
            __m128i sums[kPixels];
            dot_block(b, sums);
            const Requant4 rq = requant_constants(p, o, channels);
            for (std::int32_t j = 0; j < valid; ++j) {
                const std::int32_t packed4 = requantize4(sums[j], rq);
                std::int8_t y[4];
                std::memcpy(y, &packed4, 4);
                detail::store_pixel(p, out, cy[j], cx[j], o, y, channels);
            }
        }
    }
}

}  // namespace tinydigit::engine
