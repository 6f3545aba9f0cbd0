// Conv2D with AVX-512 VNNI (VPDPBUSD: u8 x s8 -> s32, 64 MACs per instruction).
// Activations enter as u = x + 128 (uint8); padding cells hold z_in + 128. Then
//   sum_k (x_k - z_in) w_k = sum_k u_k w_k - (128 + z_in) sum_k w_k,
// so a per-channel correction (bias - (128 + z_in) * sum w, computed once per call into
// scratch) makes the result identical to the reference in wrapping int32 arithmetic.
// Block: 4 output pixels x 4 output channels, 16 zmm accumulators, 64 reduction steps per
// iteration; weights are read in place (OHWI), the last partial step with a masked load.
#include <cstring>

#include "conv_support.hpp"
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/scratch.hpp"
#include "x86_support.hpp"

namespace tinydigit::engine {
namespace {

constexpr int kPixels = 4;
constexpr int kChannels = 4;

inline __mmask64 tail_mask(std::int32_t remaining) {
    return remaining >= 64 ? ~__mmask64{0} : ((__mmask64{1} << remaining) - 1);
}

// Horizontal sums of 4 vectors -> [sum a, sum b, sum c, sum d].
inline __m128i reduce4(__m512i a, __m512i b, __m512i c, __m512i d) {
    const __m512i ab = _mm512_add_epi32(_mm512_unpacklo_epi32(a, b), _mm512_unpackhi_epi32(a, b));
    const __m512i cd = _mm512_add_epi32(_mm512_unpacklo_epi32(c, d), _mm512_unpackhi_epi32(c, d));
    const __m512i abcd = _mm512_add_epi32(_mm512_unpacklo_epi64(ab, cd), _mm512_unpackhi_epi64(ab, cd));
    const __m256i half = _mm256_add_epi32(_mm512_castsi512_si256(abcd), _mm512_extracti64x4_epi64(abcd, 1));
    return _mm_add_epi32(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
}

inline std::int32_t weight_sum(const std::int8_t* w, std::int32_t k) {
    const __m512i ones = _mm512_set1_epi8(1);
    __m512i acc = _mm512_setzero_si512();
    for (std::int32_t j = 0; j < k; j += 64)
        acc = _mm512_dpbusd_epi32(acc, ones, _mm512_maskz_loadu_epi8(tail_mask(k - j), w + j));
    return _mm512_reduce_add_epi32(acc);
}

}  // namespace

void conv2d_avx512vnni_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const std::int32_t k = p.kernel_h * p.kernel_w * p.in_c;
    const auto kp = static_cast<std::int32_t>(round_up(static_cast<std::uint64_t>(k), 64));
    auto* cols = static_cast<std::uint8_t*>(scratch);
    auto* corr = reinterpret_cast<std::int32_t*>(cols + std::int64_t{kPixels} * kp);
    const std::uint32_t offset = static_cast<std::uint32_t>(128 + p.in_zero_point);
    for (std::int32_t o = 0; o < p.out_c; ++o) {
        const auto sum = static_cast<std::uint32_t>(weight_sum(p.weights + std::int64_t{o} * k, k));
        corr[o] = static_cast<std::int32_t>(static_cast<std::uint32_t>(p.bias[o]) - offset * sum);
    }
    const detail::ConvSweep sweep(p);
    detail::prepare_output(p, out);
    const auto pad = static_cast<std::uint8_t>(offset);
    auto to_u8 = [](std::int8_t x) { return static_cast<std::uint8_t>(x ^ 0x80); };
    for (std::int32_t j = 0; j < kPixels; ++j) std::memset(cols + std::int64_t{j} * kp + k, 0, static_cast<std::size_t>(kp - k));
    const std::int32_t n = sweep.count();
    for (std::int32_t i = 0; i < n; i += kPixels) {
        const std::int32_t valid = n - i < kPixels ? n - i : kPixels;
        for (std::int32_t j = 0; j < valid; ++j)
            detail::gather_column(p, in, (i + j) / sweep.used_w, (i + j) % sweep.used_w, cols + std::int64_t{j} * kp,
                                  pad, to_u8);
        const std::uint8_t* c[kPixels];
        for (std::int32_t j = 0; j < kPixels; ++j) c[j] = cols + std::int64_t{j < valid ? j : valid - 1} * kp;
        for (std::int32_t o = 0; o < p.out_c; o += kChannels) {
            const std::int32_t channels = p.out_c - o < kChannels ? p.out_c - o : kChannels;
            const std::int8_t* w[kChannels];
            for (std::int32_t q = 0; q < kChannels; ++q)
                w[q] = p.weights + std::int64_t{o + (q < channels ? q : channels - 1)} * k;
            __m512i acc[kPixels][kChannels];
            for (auto& row : acc)
                for (auto& a : row) a = _mm512_setzero_si512();
            for (std::int32_t j = 0; j < k; j += 64) {
                const __mmask64 mask = tail_mask(k - j);
                __m512i wv[kChannels];
                for (std::int32_t q = 0; q < kChannels; ++q) wv[q] = _mm512_maskz_loadu_epi8(mask, w[q] + j);
                for (std::int32_t px = 0; px < kPixels; ++px) {
                    const __m512i x = _mm512_loadu_si512(c[px] + j);
                    for (std::int32_t q = 0; q < kChannels; ++q) acc[px][q] = _mm512_dpbusd_epi32(acc[px][q], x, wv[q]);
                }
            }
            alignas(16) std::int32_t bias4[kChannels] = {0, 0, 0, 0};
            std::memcpy(bias4, corr + o, sizeof(std::int32_t) * static_cast<std::size_t>(channels));
            const __m128i bias = _mm_load_si128(reinterpret_cast<const __m128i*>(bias4));
            for (std::int32_t px = 0; px < valid; ++px) {
                alignas(16) std::int32_t sums[kChannels];
                _mm_store_si128(reinterpret_cast<__m128i*>(sums),
                                _mm_add_epi32(reduce4(acc[px][0], acc[px][1], acc[px][2], acc[px][3]), bias));
                std::int8_t y[kChannels];
                detail::requantize4(p.requant, o, sums, y, channels);
                detail::store_pixel(p, out, (i + px) / sweep.used_w, (i + px) % sweep.used_w, o, y, channels);
            }
        }
    }
}

}  // namespace tinydigit::engine
