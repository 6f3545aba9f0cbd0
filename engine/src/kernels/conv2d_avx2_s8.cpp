// Conv2D with AVX2: int16 columns (x - z_in, padding 0) for 2 output pixels, weights
// sign-extended on the fly (VPMOVSXBW), VPMADDWD pairs into int32: exact, no correction
// term. Block: 2 pixels x 4 channels, 16 reduction steps per iteration, scalar tail.
#include "conv_support.hpp"
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/scratch.hpp"
#include "x86_support.hpp"

namespace tinydigit::engine {
namespace {

constexpr int kPixels = 2;
constexpr int kChannels = 4;

inline std::int32_t hsum(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

}  // namespace

void conv2d_avx2_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const std::int32_t k = p.kernel_h * p.kernel_w * p.in_c;
    const std::int32_t k16 = k / 16 * 16;
    const auto kp = static_cast<std::int64_t>(round_up(static_cast<std::uint64_t>(k), 64));
    auto* cols = static_cast<std::int16_t*>(scratch);
    const detail::ConvSweep sweep(p);
    detail::prepare_output(p, out);
    const std::int32_t z = p.in_zero_point;
    auto convert = [z](std::int8_t x) { return static_cast<std::int16_t>(x - z); };
    const std::int32_t n = sweep.count();
    for (std::int32_t i = 0; i < n; i += kPixels) {
        const std::int32_t valid = n - i < kPixels ? n - i : kPixels;
        for (std::int32_t j = 0; j < valid; ++j)
            detail::gather_column(p, in, (i + j) / sweep.used_w, (i + j) % sweep.used_w, cols + j * kp,
                                  std::int16_t{0}, convert);
        const std::int16_t* c[kPixels];
        for (std::int32_t j = 0; j < kPixels; ++j) c[j] = cols + (j < valid ? j : valid - 1) * kp;
        for (std::int32_t o = 0; o < p.out_c; o += kChannels) {
            const std::int32_t channels = p.out_c - o < kChannels ? p.out_c - o : kChannels;
            const std::int8_t* w[kChannels];
            for (std::int32_t q = 0; q < kChannels; ++q)
                w[q] = p.weights + std::int64_t{o + (q < channels ? q : channels - 1)} * k;
            __m256i acc[kPixels][kChannels];
            for (auto& row : acc)
                for (auto& a : row) a = _mm256_setzero_si256();
            for (std::int32_t j = 0; j < k16; j += 16) {
                __m256i wv[kChannels];
                for (std::int32_t q = 0; q < kChannels; ++q)
                    wv[q] = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[q] + j)));
                for (std::int32_t px = 0; px < kPixels; ++px) {
                    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c[px] + j));
                    for (std::int32_t q = 0; q < kChannels; ++q)
                        acc[px][q] = _mm256_add_epi32(acc[px][q], _mm256_madd_epi16(x, wv[q]));
                }
            }
            for (std::int32_t px = 0; px < valid; ++px) {
                std::int32_t sums[kChannels];
                for (std::int32_t q = 0; q < channels; ++q) {
                    std::int32_t s = hsum(acc[px][q]);
                    for (std::int32_t j = k16; j < k; ++j) s += c[px][j] * w[q][j];
                    sums[q] = wrapping_add(p.bias[o + q], s);
                }
                std::int8_t y[kChannels];
                detail::requantize4(p.requant, o, sums, y, channels);
                detail::store_pixel(p, out, (i + px) / sweep.used_w, (i + px) % sweep.used_w, o, y, channels);
            }
        }
    }
}

}  // namespace tinydigit::engine
