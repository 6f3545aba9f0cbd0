// MaxPool2D, portable: channels innermost so the max runs over contiguous bytes.
#include "tinydigit/engine/kernels.hpp"

namespace tinydigit::engine {

void max_pool2d_portable_s8(const MaxPool2DParams& p, const std::int8_t* in, std::int8_t* out) {
    const std::int32_t c = p.channels;
    for (std::int32_t oy = 0; oy < p.out_h; ++oy)
        for (std::int32_t ox = 0; ox < p.out_w; ++ox) {
            std::int8_t* __restrict dst = out + (std::int64_t{oy} * p.out_w + ox) * c;
            for (std::int32_t i = 0; i < c; ++i) dst[i] = -128;
            for (std::int32_t ky = 0; ky < p.pool_h; ++ky)
                for (std::int32_t kx = 0; kx < p.pool_w; ++kx) {
                    const std::int8_t* __restrict src =
                        in + ((std::int64_t{oy} * p.stride_h + ky) * p.in_w + std::int64_t{ox} * p.stride_w + kx) * c;
                    for (std::int32_t i = 0; i < c; ++i) dst[i] = src[i] > dst[i] ? src[i] : dst[i];
                }
        }
}

}  // namespace tinydigit::engine
