// Pad, portable: the whole output filled with `value` (one memset, which the conv kernels
// link anyway), then each input row copied into place. Pad never runs for the committed
// models, but every run loop links it, so it is written for size: on Cortex-M the row
// offsets stay in pointer-sized arithmetic (every tensor lies inside the arena).
#include <cstddef>
#include <cstring>

#include "tinydigit/engine/kernels.hpp"

namespace tinydigit::engine {

void pad_portable_s8(const PadParams& p, const std::int8_t* in, std::int8_t* out) {
    const std::ptrdiff_t c = p.channels, in_row = c * p.in_w;
    const std::ptrdiff_t out_row = in_row + c * p.pad_left + c * p.pad_right;
    const std::ptrdiff_t out_h = std::ptrdiff_t{p.in_h} + p.pad_top + p.pad_bottom;
    std::memset(out, p.value, static_cast<std::size_t>(out_row * out_h));
    const std::ptrdiff_t left = c * p.pad_left;
    std::int8_t* row = out + out_row * p.pad_top;  // steps stay within [out, out + out_row * out_h]
    for (std::int32_t y = 0; y < p.in_h; ++y, row += out_row, in += in_row)
        std::memcpy(row + left, in, static_cast<std::size_t>(in_row));
}

}  // namespace tinydigit::engine
