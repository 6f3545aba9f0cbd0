// FullyConnected with AVX2: the input once as int16 (x - z_in), weights sign-extended on the
// fly, VPMADDWD into int32 (exact), scalar tail.
#include "tinydigit/engine/kernels.hpp"
#include "x86_support.hpp"

namespace tinydigit::engine {

// The input once as int16.
std::uint64_t fully_connected_avx2_s8_scratch_bytes(const FullyConnectedParams& p) {
    return 2 * static_cast<std::uint64_t>(p.in_count);
}

void fully_connected_avx2_s8(const FullyConnectedParams& p, const std::int8_t* in, std::int8_t* out, void* scratch) {
    const std::int32_t k = p.in_count, k16 = k / 16 * 16;
    auto* col = static_cast<std::int16_t*>(scratch);
    for (std::int32_t j = 0; j < k; ++j) col[j] = static_cast<std::int16_t>(in[j] - p.in_zero_point);
    for (std::int32_t o = 0; o < p.out_count; ++o) {
        const std::int8_t* w = p.weights + std::int64_t{o} * k;
        __m256i acc = _mm256_setzero_si256();
        for (std::int32_t j = 0; j < k16; j += 16) {
            const __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + j)));
            const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(col + j));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(x, wv));
        }
        __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
        s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
        s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
        std::int32_t sum = _mm_cvtsi128_si32(s);
        for (std::int32_t j = k16; j < k; ++j) sum += col[j] * w[j];
        const std::int32_t acc32 = wrapping_add(p.bias[o], sum);
        detail::requantize4(p.requant, o, &acc32, out + o, 1);
    }
}

}  // namespace tinydigit::engine
