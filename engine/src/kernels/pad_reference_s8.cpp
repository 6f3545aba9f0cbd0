// Pad, the definition: the input copied into the middle, `value` everywhere else.
#include "tinydigit/engine/kernels.hpp"

namespace tinydigit::engine {

void pad_reference_s8(const PadParams& p, const std::int8_t* in, std::int8_t* out) {
    const std::int32_t out_h = p.in_h + p.pad_top + p.pad_bottom;
    const std::int32_t out_w = p.in_w + p.pad_left + p.pad_right;
    for (std::int32_t y = 0; y < out_h; ++y)
        for (std::int32_t x = 0; x < out_w; ++x)
            for (std::int32_t c = 0; c < p.channels; ++c) {
                const std::int32_t iy = y - p.pad_top;
                const std::int32_t ix = x - p.pad_left;
                const bool inside = iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w;
                out[(std::int64_t{y} * out_w + x) * p.channels + c] =
                    inside ? in[(std::int64_t{iy} * p.in_w + ix) * p.channels + c] : p.value;
            }
}

}  // namespace tinydigit::engine
