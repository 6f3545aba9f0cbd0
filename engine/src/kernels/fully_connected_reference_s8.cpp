// FullyConnected, the definition (docs/quantization.md).
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/requantize.hpp"

namespace tinydigit::engine {

std::uint64_t fully_connected_reference_s8_scratch_bytes(const FullyConnectedParams&) { return 0; }

void fully_connected_reference_s8(const FullyConnectedParams& p, const std::int8_t* in, std::int8_t* out, void*) {
    for (std::int32_t o = 0; o < p.out_count; ++o) {
        const std::int8_t* w = p.weights + std::int64_t{o} * p.in_count;
        std::int32_t sum = 0;
        for (std::int32_t k = 0; k < p.in_count; ++k) sum += (in[k] - p.in_zero_point) * w[k];
        out[o] = requantize(wrapping_add(p.bias[o], sum), p.requant.multiplier[o], p.requant.shift[o],
                            p.requant.out_zero_point, p.requant.act_min, p.requant.act_max);
    }
}

}  // namespace tinydigit::engine
