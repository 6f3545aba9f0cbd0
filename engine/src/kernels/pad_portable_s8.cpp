// Pad, portable: whole rows of fill and one contiguous copy per input row.
#include "tinydigit/engine/kernels.hpp"

namespace tinydigit::engine {

void pad_portable_s8(const PadParams& p, const std::int8_t* in, std::int8_t* out) {
    const std::int64_t out_w = std::int64_t{p.in_w} + p.pad_left + p.pad_right;
    const std::int64_t out_row = out_w * p.channels;
    const std::int64_t in_row = std::int64_t{p.in_w} * p.channels;
    const std::int64_t out_h = std::int64_t{p.in_h} + p.pad_top + p.pad_bottom;
    for (std::int64_t y = 0; y < out_h; ++y) {
        std::int8_t* __restrict dst = out + y * out_row;
        const std::int64_t iy = y - p.pad_top;
        if (iy < 0 || iy >= p.in_h) {
            for (std::int64_t i = 0; i < out_row; ++i) dst[i] = p.value;
            continue;
        }
        const std::int64_t left = std::int64_t{p.pad_left} * p.channels;
        const std::int8_t* __restrict src = in + iy * in_row;
        for (std::int64_t i = 0; i < left; ++i) dst[i] = p.value;
        for (std::int64_t i = 0; i < in_row; ++i) dst[left + i] = src[i];
        for (std::int64_t i = left + in_row; i < out_row; ++i) dst[i] = p.value;
    }
}

}  // namespace tinydigit::engine
