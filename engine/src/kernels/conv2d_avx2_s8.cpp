// Conv2D with AVX2: exact int16 arithmetic. The input is converted once per call into a
// padded int16 image (x - z_in, padding cells 0), so (x - z_in) * w fits VPMADDWD (int16
// pairs into int32, never saturating for |x - z_in| <= 255, |w| <= 128) and no correction
// term is needed. (VPMADDUBSW would do twice the MACs per instruction but saturates its
// int16 pair sums: 2 * 255 * 127 > 32767, which bit-exactness rules out.)
//
// Rows form (window row kernel_w * in_c a multiple of 16; seed conv2-conv6): each window row
// of a pixel is contiguous in the padded image and each weight row in OHWI, so both are read
// in place (no im2col); blocks of 4 output pixels x 3 output channels (12 ymm accumulators,
// 16 reduction steps per iteration), window rows wholly in the top/bottom padding skipped.
// Column form (short rows, e.g. in_c = 1): each pixel's window is copied into a zero-padded
// column, weights are widened once per call, and a broadcast pair of column values times
// one weight vector advances 8 channels (no horizontal sums).
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

// Requantization constants of 4 channels (lanes past `channels` repeat the last one).
struct Requant4 {
    __m128i bias;
    __m256i mult, round, shift, zero_point, lo, hi;
};

// Rows form: weights up to this size as int16 (L2-resident; seed conv2-conv5, not conv6's
// 1.2 MB) are widened once per call, which takes VPMOVSXBW out of the inner loop (measured
// 5-10 % faster per layer on Zen4); larger ones are converted on the fly.
constexpr std::int64_t kWidenLimit = 512 * 1024;

// Column form blocks: 4 pixels x 16 channels.
constexpr int kColumnPixels = 4;

struct Layout {
    std::int64_t padded_h, padded_w, row_values;  // row_values: padded_w * in_c
    std::int32_t window_row;                      // kernel_w * in_c
    bool in_place;                                // window rows are whole 16-value steps
    std::int64_t k16;                             // column length of the column form
    std::int64_t image_bytes, weight_bytes, column_bytes, requant_bytes;
    bool widen;  // rows form: weights widened to int16 once per call (when they fit L2)
};

Layout layout_of(const Conv2DParams& p) {
    auto up32 = [](std::int64_t v) { return static_cast<std::int64_t>(round_up(static_cast<std::uint64_t>(v), 32)); };
    Layout l{};
    l.padded_w = std::int64_t{p.conv_w - 1} * p.stride_w + p.kernel_w;
    l.padded_h = std::int64_t{p.conv_h - 1} * p.stride_h + p.kernel_h;
    l.row_values = l.padded_w * p.in_c;
    l.window_row = p.kernel_w * p.in_c;
    l.in_place = l.window_row % 16 == 0;
    l.k16 = static_cast<std::int64_t>(round_up(static_cast<std::uint64_t>(std::int64_t{p.kernel_h} * l.window_row), 16));
    l.image_bytes = up32(2 * l.padded_h * l.row_values);
    const std::int64_t groups16 = (p.out_c + 15) / 16;
    l.widen = l.in_place && 2 * std::int64_t{p.out_c} * p.kernel_h * l.window_row <= kWidenLimit;
    l.weight_bytes = l.in_place ? (l.widen ? up32(2 * std::int64_t{p.out_c} * p.kernel_h * l.window_row) : 0)
                                : groups16 * (l.k16 / 2) * 64;
    l.column_bytes = l.in_place ? 0 : 2 * kColumnPixels * l.k16;
    // One entry per channel block: kChannels (rows form) or 4 (column form).
    const std::int32_t group = l.in_place ? kChannels : 4;
    l.requant_bytes = static_cast<std::int64_t>(sizeof(Requant4)) * ((p.out_c + group - 1) / group);
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

// kPixels x kChannels over `rows` segments of `len` values (a multiple of 16); pixel j's
// segment r starts at x[j] + r * x_step, channel q's at w[q] + r * w_step. Weights are int8
// (converted on the fly) or already widened to int16.
template <typename W>
struct Block {
    const std::int16_t* x[kPixels];
    const W* w[kChannels];
    std::int64_t x_step, w_step;
    std::int32_t rows, len;
};

inline __m256i load16(const std::int16_t* x) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x)); }
inline __m256i weights16(const std::int16_t* w) { return load16(w); }
inline __m256i weights16(const std::int8_t* w) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w)));
}


// Sums of the 4 accumulators of one pixel, one per 32-bit lane (channel order).
inline __m128i reduce4(__m256i a0, __m256i a1, __m256i a2, __m256i a3) {
    const __m256i s = _mm256_hadd_epi32(_mm256_hadd_epi32(a0, a1), _mm256_hadd_epi32(a2, a3));
    return _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
}

// kPixels x kChannels accumulators over the block. Fully unrolled, the arrays stay in
// registers (12 accumulators + 3 column vectors + weights + product <= 16 ymm).
template <typename W>
void dot_block(const Block<W>& b, __m128i (&sums)[kPixels]) {
    __m256i acc[kPixels][kChannels];
#pragma GCC unroll 8
    for (int px = 0; px < kPixels; ++px)
#pragma GCC unroll 8
        for (int q = 0; q < kChannels; ++q) acc[px][q] = _mm256_setzero_si256();
    for (std::int32_t r = 0; r < b.rows; ++r) {
        const std::int16_t* x[kPixels];
        const W* w[kChannels];
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


// Fills the table of requantization constants, one entry per `group` channels.
void fill_requant(const Conv2DParams& p, std::int32_t group, Requant4* table) {
    for (std::int32_t o = 0; o < p.out_c; o += group)
        table[o / group] = requant_constants(p, o, p.out_c - o < group ? p.out_c - o : group);
}

constexpr int kMaxPixels = kPixels > kColumnPixels ? kPixels : kColumnPixels;

// Conv pixels of one block and where their values go (computed once per block).
struct Pixels {
    std::int32_t cy[kMaxPixels], cx[kMaxPixels];
    detail::PixelTarget target[kMaxPixels];
};

// Conv pixels i .. i + count - 1 of the sweep (a short last block repeats its last pixel).
inline void pixels_at(const Conv2DParams& p, std::int8_t* out, const detail::ConvSweep& sweep, std::int32_t i,
                      std::int32_t valid, std::int32_t count, Pixels& px) {
    for (std::int32_t j = 0; j < count; ++j) {
        const std::int32_t at = i + (j < valid ? j : valid - 1);
        px.cy[j] = at / sweep.used_w;
        px.cx[j] = at % sweep.used_w;
        px.target[j] = detail::pixel_target(p, out, px.cy[j], px.cx[j]);
    }
}

// Stores (or max-updates into every pooled output it feeds) channels o .. o + n - 1.
inline void store(const Conv2DParams& p, const detail::PixelTarget& t, std::int32_t o, const std::int8_t* y,
                  std::int32_t n) {
    for (std::int32_t r = 0; r < t.rows; ++r)
        for (std::int32_t c = 0; c < t.cols; ++c) {
            std::int8_t* d = t.first + (std::int64_t{r} * p.out_w + c) * p.out_c + o;
            for (std::int32_t q = 0; q < n; ++q) d[q] = p.pool_h == 0 || y[q] > d[q] ? y[q] : d[q];
        }
}

// Rows form: window rows read in place from the padded image, weights in place (OHWI).
template <typename W>
void conv_rows_form(const Conv2DParams& p, const Layout& l, const std::int16_t* image, const W* all_weights,
                    const Requant4* requant, std::int8_t* out) {
    const std::int64_t k = std::int64_t{p.kernel_h} * l.window_row;
    const detail::ConvSweep sweep(p);
    const std::int32_t n = sweep.count();
    for (std::int32_t i = 0; i < n; i += kPixels) {
        const std::int32_t valid = n - i < kPixels ? n - i : kPixels;
        Pixels px;
        pixels_at(p, out, sweep, i, valid, kPixels, px);
        // Window rows in the top/bottom padding for every pixel of the block add 0 (x - z_in
        // is 0 there): only rows [lo, hi) run.
        std::int32_t lo = p.kernel_h, hi = 0;
        for (std::int32_t j = 0; j < valid; ++j) {
            const std::int32_t y0 = px.cy[j] * p.stride_h - p.pad_top;
            const std::int32_t first = y0 < 0 ? -y0 : 0, last = p.in_h - y0 < p.kernel_h ? p.in_h - y0 : p.kernel_h;
            lo = first < lo ? first : lo;
            hi = last > hi ? last : hi;
        }
        if (hi <= lo) lo = hi = 0;
        Block<W> b{};
        for (std::int32_t j = 0; j < kPixels; ++j)
            b.x[j] = image + (std::int64_t{px.cy[j]} * p.stride_h + lo) * l.row_values +
                     std::int64_t{px.cx[j]} * p.stride_w * p.in_c;
        b.rows = hi - lo;
        b.len = l.window_row;
        b.x_step = l.row_values;
        b.w_step = l.window_row;
        const W* weights = all_weights + std::int64_t{lo} * l.window_row;
        for (std::int32_t o = 0; o < p.out_c; o += kChannels) {
            const std::int32_t channels = p.out_c - o < kChannels ? p.out_c - o : kChannels;
            for (std::int32_t q = 0; q < kChannels; ++q) b.w[q] = weights + (o + (q < channels ? q : channels - 1)) * k;
            __m128i sums[kPixels];
            dot_block(b, sums);
            for (std::int32_t j = 0; j < valid; ++j) {
                const std::int32_t y4 = requantize4(sums[j], requant[o / kChannels]);
                std::int8_t y[4];
                std::memcpy(y, &y4, 4);
                store(p, px.target[j], o, y, channels);
            }
        }
    }
}

// Column form, for short window rows (e.g. in_c = 1): each pixel's window is copied into a
// zero-padded column; weights are widened once per call to [16 channels][K/2 pairs][16][2]
// int16, and a broadcast pair of column values times one weight vector advances 8 channels
// (no horizontal sums; 4 pixels x 16 channels per block).
void conv_column_form(const Conv2DParams& p, const Layout& l, const std::int16_t* image, std::int16_t* packed,
                      std::int16_t* cols, const Requant4* requant, std::int8_t* out) {
    const std::int32_t k = p.kernel_h * l.window_row;
    const std::int64_t pairs = (k + 1) / 2;  // columns are zero past k up to k16
    for (std::int32_t g = 0; g < p.out_c; g += 16)
        for (std::int64_t t = 0; t < pairs; ++t)
            for (std::int32_t c = 0; c < 16; ++c)
                for (std::int32_t h = 0; h < 2; ++h) {
                    const std::int64_t kk = 2 * t + h;
                    const bool live = g + c < p.out_c && kk < k;
                    packed[((g / 16 * pairs + t) * 16 + c) * 2 + h] =
                        live ? p.weights[std::int64_t{g + c} * k + kk] : std::int16_t{0};
                }
    for (std::int32_t j = 0; j < kColumnPixels; ++j)
        for (std::int64_t t = k; t < l.k16; ++t) cols[j * l.k16 + t] = 0;
    const detail::ConvSweep sweep(p);
    const std::int32_t n = sweep.count();
    for (std::int32_t i = 0; i < n; i += kColumnPixels) {
        const std::int32_t valid = n - i < kColumnPixels ? n - i : kColumnPixels;
        Pixels px;
        pixels_at(p, out, sweep, i, valid, kColumnPixels, px);
        for (std::int32_t j = 0; j < kColumnPixels; ++j) {
            std::int16_t* c = cols + j * l.k16;
            const std::int16_t* window = image + std::int64_t{px.cy[j]} * p.stride_h * l.row_values +
                                         std::int64_t{px.cx[j]} * p.stride_w * p.in_c;
            for (std::int32_t ky = 0; ky < p.kernel_h; ++ky)  // short rows: a plain loop beats memcpy calls
                for (std::int32_t t = 0; t < l.window_row; ++t) c[ky * l.window_row + t] = window[ky * l.row_values + t];
        }
        for (std::int32_t g = 0; g < p.out_c; g += 16) {
            const std::int16_t* w = packed + g / 16 * pairs * 32;
            __m256i a00 = _mm256_setzero_si256(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00,
                    a31 = a00;
            for (std::int64_t t = 0; t < pairs; ++t) {
                const __m256i w0 = load16(w + 32 * t), w1 = load16(w + 32 * t + 16);
                auto pair = [&](std::int32_t j) {
                    std::int32_t v;
                    std::memcpy(&v, cols + j * l.k16 + 2 * t, 4);
                    return _mm256_set1_epi32(v);
                };
                __m256i x = pair(0);
                a00 = _mm256_add_epi32(a00, _mm256_madd_epi16(x, w0));
                a01 = _mm256_add_epi32(a01, _mm256_madd_epi16(x, w1));
                x = pair(1);
                a10 = _mm256_add_epi32(a10, _mm256_madd_epi16(x, w0));
                a11 = _mm256_add_epi32(a11, _mm256_madd_epi16(x, w1));
                x = pair(2);
                a20 = _mm256_add_epi32(a20, _mm256_madd_epi16(x, w0));
                a21 = _mm256_add_epi32(a21, _mm256_madd_epi16(x, w1));
                x = pair(3);
                a30 = _mm256_add_epi32(a30, _mm256_madd_epi16(x, w0));
                a31 = _mm256_add_epi32(a31, _mm256_madd_epi16(x, w1));
            }
            const __m256i acc[kColumnPixels][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
            const std::int32_t channels = p.out_c - g < 16 ? p.out_c - g : 16;
            for (std::int32_t j = 0; j < valid; ++j) {
                std::int8_t y[16];
                for (std::int32_t q = 0; q < 4 && 4 * q < channels; ++q) {
                    const __m256i a = acc[j][q / 2];
                    const __m128i half = q % 2 == 0 ? _mm256_castsi256_si128(a) : _mm256_extracti128_si256(a, 1);
                    const std::int32_t y4 = requantize4(half, requant[(g + 4 * q) / 4]);
                    std::memcpy(y + 4 * q, &y4, 4);
                }
                store(p, px.target[j], g, y, channels);
            }
        }
    }
}

}  // namespace

// Padded int16 image, a table of requantization constants, the widened weights (rows form up
// to kWidenLimit, column form always) and the column form's 4 columns; 32 bytes of slack.
std::uint64_t conv2d_avx2_s8_scratch_bytes(const Conv2DParams& p) {
    const Layout l = layout_of(p);
    return static_cast<std::uint64_t>(l.image_bytes + l.requant_bytes + l.weight_bytes + l.column_bytes) + 32;
}

void conv2d_avx2_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const Layout l = layout_of(p);
    auto* base = reinterpret_cast<std::uint8_t*>(round_up(reinterpret_cast<std::uintptr_t>(scratch), 32));
    auto* image = reinterpret_cast<std::int16_t*>(base);
    auto* requant = reinterpret_cast<Requant4*>(base + l.image_bytes);
    auto* packed = reinterpret_cast<std::int16_t*>(base + l.image_bytes + l.requant_bytes);
    auto* cols = reinterpret_cast<std::int16_t*>(base + l.image_bytes + l.requant_bytes + l.weight_bytes);
    pad_image(p, l, in, image);
    detail::prepare_output(p, out);
    if (l.in_place) {
        fill_requant(p, kChannels, requant);
        if (l.widen) {
            const std::int64_t count = std::int64_t{p.out_c} * p.kernel_h * l.window_row;
            for (std::int64_t t = 0; t < count; t += 16)  // count: a multiple of window_row, so of 16
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(packed + t), weights16(p.weights + t));
            conv_rows_form(p, l, image, static_cast<const std::int16_t*>(packed), requant, out);
        } else {
            conv_rows_form(p, l, image, p.weights, requant, out);
        }
    } else {
        fill_requant(p, 4, requant);
        conv_column_form(p, l, image, packed, cols, requant, out);
    }
}

}  // namespace tinydigit::engine
