// FullyConnected, portable C++: the input converted once to int16 (x - z_in), then one
// vectorizable dot product per output.
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/requantize.hpp"

namespace tinydigit::engine {

// The input once as int16.
std::uint64_t fully_connected_portable_s8_scratch_bytes(const FullyConnectedParams& p) {
    return 2 * static_cast<std::uint64_t>(p.in_count);
}

void fully_connected_portable_s8(const FullyConnectedParams& p, const std::int8_t* in, std::int8_t* out,
                                 void* scratch) {
    auto* __restrict col = static_cast<std::int16_t*>(scratch);
    for (std::int32_t k = 0; k < p.in_count; ++k) col[k] = static_cast<std::int16_t>(in[k] - p.in_zero_point);
    for (std::int32_t o = 0; o < p.out_count; ++o) {
        const std::int8_t* __restrict w = p.weights + std::int64_t{o} * p.in_count;
        std::int32_t sum = 0;
        for (std::int32_t k = 0; k < p.in_count; ++k) sum += col[k] * w[k];
        out[o] = requantize(wrapping_add(p.bias[o], sum), p.requant.multiplier[o], p.requant.shift[o],
                            p.requant.out_zero_point, p.requant.act_min, p.requant.act_max);
    }
}

}  // namespace tinydigit::engine
