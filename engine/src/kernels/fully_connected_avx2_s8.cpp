// FullyConnected with AVX2: the input once as int16 (x - z_in), weights sign-extended on the
// fly, VPMADDWD into int32 (exact). 4 outputs per pass share each input vector (4 independent
// accumulator chains), scalar tail.
#include "tinydigit/engine/kernels.hpp"
#include "x86_support.hpp"

namespace tinydigit::engine {
namespace {

inline std::int32_t hsum(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

inline __m256i weights16(const std::int8_t* w) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w)));
}

}  // namespace

// The input once as int16.
std::uint64_t fully_connected_avx2_s8_scratch_bytes(const FullyConnectedParams& p) {
    return 2 * static_cast<std::uint64_t>(p.in_count);
}

void fully_connected_avx2_s8(const FullyConnectedParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const std::int32_t k = p.in_count, k16 = k / 16 * 16;
    auto* col = static_cast<std::int16_t*>(scratch);
    for (std::int32_t j = 0; j < k; ++j) col[j] = static_cast<std::int16_t>(in[j] - p.in_zero_point);
    for (std::int32_t o = 0; o < p.out_count; o += 4) {
        const std::int32_t outputs = p.out_count - o < 4 ? p.out_count - o : 4;
        const std::int8_t* w[4];
        for (std::int32_t q = 0; q < 4; ++q) w[q] = p.weights + std::int64_t{o + (q < outputs ? q : outputs - 1)} * k;
        __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
        for (std::int32_t j = 0; j < k16; j += 16) {
            const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(col + j));
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(x, weights16(w[0] + j)));
            a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(x, weights16(w[1] + j)));
            a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(x, weights16(w[2] + j)));
            a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(x, weights16(w[3] + j)));
        }
        const __m256i acc[4] = {a0, a1, a2, a3};
        for (std::int32_t q = 0; q < outputs; ++q) {
            std::int32_t sum = hsum(acc[q]);
            for (std::int32_t j = k16; j < k; ++j) sum += col[j] * w[q][j];
            const std::int32_t acc32 = wrapping_add(p.bias[o + q], sum);
            detail::requantize4(p.requant, o + q, &acc32, out + o + q, 1);
        }
    }
}

}  // namespace tinydigit::engine
