// FullyConnected with AVX-512 VNNI: the input once as u = x + 128 (uint8), one VPDPBUSD dot
// product per output, the input zero point folded into a per-output correction (see the
// conv2d variant for the identity).
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
    for (std::int32_t o = 0; o < p.out_count; ++o) {
        const std::int8_t* w = p.weights + std::int64_t{o} * k;
        __m512i acc = _mm512_setzero_si512(), wsum = _mm512_setzero_si512();
        for (std::int32_t j = 0; j < k; j += 64) {
            const std::int32_t left = k - j;
            const __mmask64 mask = left >= 64 ? ~__mmask64{0} : ((__mmask64{1} << left) - 1);
            const __m512i wv = _mm512_maskz_loadu_epi8(mask, w + j);
            acc = _mm512_dpbusd_epi32(acc, _mm512_maskz_loadu_epi8(mask, col + j), wv);
            wsum = _mm512_dpbusd_epi32(wsum, ones, wv);
        }
        const auto dot = static_cast<std::uint32_t>(_mm512_reduce_add_epi32(acc));
        const auto sum_w = static_cast<std::uint32_t>(_mm512_reduce_add_epi32(wsum));
        const auto acc32 = static_cast<std::int32_t>(static_cast<std::uint32_t>(p.bias[o]) + dot - offset * sum_w);
        detail::requantize4(p.requant, o, &acc32, out + o, 1);
    }
}

}  // namespace tinydigit::engine
