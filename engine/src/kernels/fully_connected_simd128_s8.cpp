// FullyConnected with WebAssembly SIMD128: the input once as int16 (x - z_in), weights
// sign-extended on load, i32x4.dot_i16x8_s into int32 (exact), scalar tail.
#include <wasm_simd128.h>

#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/requantize.hpp"

namespace tinydigit::engine {

void fully_connected_simd128_s8(const FullyConnectedParams& p, const std::int8_t* in, std::int8_t* out,
                                void* scratch) {
    const std::int32_t k = p.in_count, k8 = k / 8 * 8;
    auto* col = static_cast<std::int16_t*>(scratch);
    for (std::int32_t j = 0; j < k; ++j) col[j] = static_cast<std::int16_t>(in[j] - p.in_zero_point);
    for (std::int32_t o = 0; o < p.out_count; ++o) {
        const std::int8_t* w = p.weights + std::int64_t{o} * k;
        v128_t acc = wasm_i32x4_splat(0);
        for (std::int32_t j = 0; j < k8; j += 8)
            acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_v128_load(col + j), wasm_i16x8_load8x8(w + j)));
        std::int32_t sum = wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) +
                           wasm_i32x4_extract_lane(acc, 2) + wasm_i32x4_extract_lane(acc, 3);
        for (std::int32_t j = k8; j < k; ++j) sum += col[j] * w[j];
        out[o] = requantize(wrapping_add(p.bias[o], sum), p.requant.multiplier[o], p.requant.shift[o],
                            p.requant.out_zero_point, p.requant.act_min, p.requant.act_max);
    }
}

}  // namespace tinydigit::engine
