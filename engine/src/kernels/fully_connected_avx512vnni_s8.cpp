// FullyConnected with AVX-512 VNNI: the input once as u = x + 128 (uint8), VPDPBUSD dot
// products for 4 outputs per pass, the input zero point folded into a per-output correction
// (see the conv2d variant for the identity).
#include <cstring>

#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/scratch.hpp"
#include "x86_support.hpp"

namespace tinydigit::engine {

// The input once as uint8.
std::uint64_t fully_connected_avx512vnni_s8_scratch_bytes(const FullyConnectedParams& p) {
    return static_cast<std::uint64_t>(p.in_count);
}

void fully_connected_avx512vnni_s8(const FullyConnectedParams& p, const std::int8_t* in, std::int8_t* out,
                                   void* scratch) {
    const std::int32_t k = p.in_count;
    auto* col = static_cast<std::uint8_t*>(scratch);
    for (std::int32_t j = 0; j < k; ++j) col[j] = static_cast<std::uint8_t>(in[j] ^ 0x80);
    const std::uint32_t offset = static_cast<std::uint32_t>(128 + p.in_zero_point);
    const __m512i ones = _mm512_set1_epi8(1);
    // 4 outputs per pass: each input vector feeds 4 independent accumulator chains.
    for (std::int32_t o = 0; o < p.out_count; o += 4) {
        const std::int32_t outputs = p.out_count - o < 4 ? p.out_count - o : 4;
        const std::int8_t* w[4];
        for (std::int32_t q = 0; q < 4; ++q) w[q] = p.weights + std::int64_t{o + (q < outputs ? q : outputs - 1)} * k;
        __m512i acc[4], wsum[4];
        for (std::int32_t q = 0; q < 4; ++q) acc[q] = wsum[q] = _mm512_setzero_si512();
        for (std::int32_t j = 0; j < k; j += 64) {
            const std::int32_t left = k - j;
            const __mmask64 mask = left >= 64 ? ~__mmask64{0} : ((__mmask64{1} << left) - 1);
            const __m512i x = _mm512_maskz_loadu_epi8(mask, col + j);
            for (std::int32_t q = 0; q < 4; ++q) {
                const __m512i wv = _mm512_maskz_loadu_epi8(mask, w[q] + j);
                acc[q] = _mm512_dpbusd_epi32(acc[q], x, wv);
                wsum[q] = _mm512_dpbusd_epi32(wsum[q], ones, wv);
            }
        }
        for (std::int32_t q = 0; q < outputs; ++q) {
            const auto dot = static_cast<std::uint32_t>(_mm512_reduce_add_epi32(acc[q]));
            const auto sum_w = static_cast<std::uint32_t>(_mm512_reduce_add_epi32(wsum[q]));
            const auto acc32 = static_cast<std::int32_t>(static_cast<std::uint32_t>(p.bias[o + q]) + dot - offset * sum_w);
            detail::requantize4(p.requant, o + q, &acc32, out + o + q, 1);
        }
    }
}

}  // namespace tinydigit::engine
