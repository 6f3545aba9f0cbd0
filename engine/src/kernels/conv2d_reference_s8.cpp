// Conv2D, the definition: one output value at a time, straight from docs/quantization.md.
#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/requantize.hpp"

namespace tinydigit::engine {
namespace {

std::int8_t conv_value(const Conv2DParams& p, const std::int8_t* in, std::int32_t cy, std::int32_t cx,
                       std::int32_t o) {
    std::int32_t sum = 0;  // |sum| <= kMaxReductionLength * 255 * 127 < 2^31
    const std::int8_t* w = p.weights + std::int64_t{o} * p.kernel_h * p.kernel_w * p.in_c;
    for (std::int32_t ky = 0; ky < p.kernel_h; ++ky) {
        const std::int32_t y = cy * p.stride_h - p.pad_top + ky;
        for (std::int32_t kx = 0; kx < p.kernel_w; ++kx) {
            const std::int32_t x = cx * p.stride_w - p.pad_left + kx;
            const bool inside = y >= 0 && y < p.in_h && x >= 0 && x < p.in_w;
            for (std::int32_t c = 0; c < p.in_c; ++c) {
                const std::int32_t v =
                    inside ? in[(std::int64_t{y} * p.in_w + x) * p.in_c + c] : p.in_zero_point;
                sum += (v - p.in_zero_point) * w[(ky * p.kernel_w + kx) * p.in_c + c];
            }
        }
    }
    const std::int32_t acc = wrapping_add(p.bias[o], sum);
    return requantize(acc, p.requant.multiplier[o], p.requant.shift[o], p.requant.out_zero_point,
                      p.requant.act_min, p.requant.act_max);
}

}  // namespace

std::uint64_t conv2d_reference_s8_scratch_bytes(const Conv2DParams&) { return 0; }

void conv2d_reference_s8(const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void*) {
    for (std::int32_t oy = 0; oy < p.out_h; ++oy) {
        for (std::int32_t ox = 0; ox < p.out_w; ++ox) {
            for (std::int32_t o = 0; o < p.out_c; ++o) {
                std::int8_t y;
                if (p.pool_h == 0) {
                    y = conv_value(p, in, oy, ox, o);
                } else {
                    y = -128;
                    for (std::int32_t py = 0; py < p.pool_h; ++py) {
                        for (std::int32_t px = 0; px < p.pool_w; ++px) {
                            const std::int8_t v =
                                conv_value(p, in, oy * p.pool_stride_h + py, ox * p.pool_stride_w + px, o);
                            if (v > y) y = v;
                        }
                    }
                }
                out[(std::int64_t{oy} * p.out_w + ox) * p.out_c + o] = y;
            }
        }
    }
}

}  // namespace tinydigit::engine
