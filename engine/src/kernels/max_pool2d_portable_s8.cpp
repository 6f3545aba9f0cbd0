// MaxPool2D, portable: channels innermost so the max runs over contiguous bytes. It never
// runs for the committed models (they fuse the pool into the conv), but every run loop links
// it, so it is written for size: pointer-sized offsets (every tensor lies inside the arena),
// the output started at -128 (max's identity) with the memset the conv kernels link anyway.
#include <cstddef>
#include <cstring>

#include "tinydigit/engine/kernels.hpp"

namespace tinydigit::engine {

void max_pool2d_portable_s8(const MaxPool2DParams& p, const std::int8_t* in, std::int8_t* out) {
    const std::ptrdiff_t c = p.channels, row = c * p.in_w;
    for (std::int32_t oy = 0; oy < p.out_h; ++oy)
        for (std::int32_t ox = 0; ox < p.out_w; ++ox, out += c) {
            std::memset(out, -128, static_cast<std::size_t>(c));
            const std::int8_t* const window = in + oy * p.stride_h * row + ox * p.stride_w * c;
            for (std::int32_t ky = 0; ky < p.pool_h; ++ky)
                for (std::int32_t kx = 0; kx < p.pool_w; ++kx) {
                    const std::int8_t* const src = window + ky * row + kx * c;
                    for (std::ptrdiff_t i = 0; i < c; ++i)
                        if (src[i] > out[i]) out[i] = src[i];
                }
        }
}

}  // namespace tinydigit::engine
