// MaxPool2D, the definition: max of int8 values over each window, no padding.
#include "tinydigit/engine/kernels.hpp"

namespace tinydigit::engine {

void max_pool2d_reference_s8(const MaxPool2DParams& p, const std::int8_t* in, std::int8_t* out) {
    for (std::int32_t oy = 0; oy < p.out_h; ++oy)
        for (std::int32_t ox = 0; ox < p.out_w; ++ox)
            for (std::int32_t c = 0; c < p.channels; ++c) {
                std::int8_t m = -128;
                for (std::int32_t ky = 0; ky < p.pool_h; ++ky)
                    for (std::int32_t kx = 0; kx < p.pool_w; ++kx) {
                        const std::int64_t y = std::int64_t{oy} * p.stride_h + ky;
                        const std::int64_t x = std::int64_t{ox} * p.stride_w + kx;
                        const std::int8_t v = in[(y * p.in_w + x) * p.channels + c];
                        if (v > m) m = v;
                    }
                out[(std::int64_t{oy} * p.out_w + ox) * p.channels + c] = m;
            }
}

}  // namespace tinydigit::engine
