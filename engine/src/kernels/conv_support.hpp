// Pieces every optimized Conv2D variant shares: which conv pixels feed the output, the
// gather of one pixel's receptive field into a column, and the (pooled) store.
#pragma once

#include <cstdint>

#include "tinydigit/engine/kernel_params.hpp"

namespace tinydigit::engine::detail {

// Conv pixels the output depends on: all of them, or those inside some pool window.
struct ConvSweep {
    std::int32_t used_h, used_w;
    explicit ConvSweep(const Conv2DParams& p)
        : used_h(p.pool_h ? (p.out_h - 1) * p.pool_stride_h + p.pool_h : p.conv_h),
          used_w(p.pool_h ? (p.out_w - 1) * p.pool_stride_w + p.pool_w : p.conv_w) {}
    std::int32_t count() const { return used_h * used_w; }
};

// Before a pooled conv, every output is -128 (the identity of max over int8).
inline void prepare_output(const Conv2DParams& p, std::int8_t* out) {
    if (p.pool_h == 0) return;
    const std::int64_t n = std::int64_t{p.out_h} * p.out_w * p.out_c;
    for (std::int64_t i = 0; i < n; ++i) out[i] = -128;
}

// Pooled outputs along one axis whose window contains conv index c: [lo, hi].
inline void pool_range(std::int32_t c, std::int32_t window, std::int32_t stride, std::int32_t count,
                       std::int32_t& lo, std::int32_t& hi) {
    const std::int32_t first = c - window + 1;
    // Both dividends are non-negative, so the usual 2x2/2 pool divides by a shift: this runs
    // per conv pixel (two integer divisions per axis were a visible share of conv2's time).
    if (stride == 2) {
        lo = first <= 0 ? 0 : (first + 1) >> 1;
        hi = c >> 1;
    } else {
        lo = first <= 0 ? 0 : (first + stride - 1) / stride;
        hi = c / stride;
    }
    if (hi > count - 1) hi = count - 1;
}

// Stores output channel values y[0..n) of conv pixel (cy, cx), channels o0..o0+n-1.
inline void store_pixel(const Conv2DParams& p, std::int8_t* out, std::int32_t cy, std::int32_t cx, std::int32_t o0,
                        const std::int8_t* y, std::int32_t n) {
    if (p.pool_h == 0) {
        std::int8_t* dst = out + (std::int64_t{cy} * p.out_w + cx) * p.out_c + o0;
        for (std::int32_t i = 0; i < n; ++i) dst[i] = y[i];
        return;
    }
    std::int32_t y_lo, y_hi, x_lo, x_hi;
    pool_range(cy, p.pool_h, p.pool_stride_h, p.out_h, y_lo, y_hi);
    pool_range(cx, p.pool_w, p.pool_stride_w, p.out_w, x_lo, x_hi);
    for (std::int32_t py = y_lo; py <= y_hi; ++py)
        for (std::int32_t px = x_lo; px <= x_hi; ++px) {
            std::int8_t* dst = out + (std::int64_t{py} * p.out_w + px) * p.out_c + o0;
            for (std::int32_t i = 0; i < n; ++i) dst[i] = y[i] > dst[i] ? y[i] : dst[i];
        }
}

// Visits the receptive field of conv pixel (cy, cx) in weight order (ky, kx, c) as runs:
// visit(k, src, n) for n input values at src landing at reduction index k, and
// visit(k, nullptr, n) for n padding cells. Runs come in increasing k and cover [0, K).
// Within one kernel row of conv column cx: reduction offsets [left, mid_end) are input cells,
// starting at input column first_x; the rest are padding.
struct RowSpan {
    std::int32_t first_x, left, mid_end;
};

inline RowSpan row_span(const Conv2DParams& p, std::int32_t cx) {
    const std::int32_t x0 = cx * p.stride_w - p.pad_left;
    std::int32_t kx_lo = x0 < 0 ? -x0 : 0;
    std::int32_t kx_hi = p.in_w - x0 < p.kernel_w ? p.in_w - x0 : p.kernel_w;
    if (kx_lo > p.kernel_w) kx_lo = p.kernel_w;
    if (kx_hi < kx_lo) kx_hi = kx_lo;
    return RowSpan{x0 + kx_lo, kx_lo * p.in_c, kx_hi * p.in_c};
}

template <typename Visit>
inline void for_each_run(const Conv2DParams& p, const std::int8_t* in, std::int32_t cy, std::int32_t cx, Visit visit) {
    const std::int32_t row = p.kernel_w * p.in_c;
    const RowSpan span = row_span(p, cx);
    for (std::int32_t ky = 0, k = 0; ky < p.kernel_h; ++ky, k += row) {
        const std::int32_t y = cy * p.stride_h - p.pad_top + ky;
        if (y < 0 || y >= p.in_h) {
            visit(k, nullptr, row);
            continue;
        }
        if (span.left > 0) visit(k, nullptr, span.left);
        if (span.mid_end > span.left)
            visit(k + span.left, in + (std::int64_t{y} * p.in_w + span.first_x) * p.in_c, span.mid_end - span.left);
        if (row > span.mid_end) visit(k + span.mid_end, nullptr, row - span.mid_end);
    }
}

// Where a conv pixel's values go: its output pixel, or the pooled outputs whose windows
// hold it (rows x cols of them, the first at `first`). Computed once per pixel.
struct PixelTarget {
    std::int8_t* first;
    std::int32_t rows, cols;
};

inline PixelTarget pixel_target(const Conv2DParams& p, std::int8_t* out, std::int32_t cy, std::int32_t cx) {
    if (p.pool_h == 0) return PixelTarget{out + (std::int64_t{cy} * p.out_w + cx) * p.out_c, 1, 1};
    std::int32_t y_lo, y_hi, x_lo, x_hi;
    pool_range(cy, p.pool_h, p.pool_stride_h, p.out_h, y_lo, y_hi);
    pool_range(cx, p.pool_w, p.pool_stride_w, p.out_w, x_lo, x_hi);
    return PixelTarget{out + (std::int64_t{y_lo} * p.out_w + x_lo) * p.out_c, y_hi - y_lo + 1, x_hi - x_lo + 1};
}

// Writes the receptive field of conv pixel (cy, cx) contiguously in weight order:
// convert(x) for input cells, pad for cells in the padding.
template <typename T, typename Convert>
inline void gather_column(const Conv2DParams& p, const std::int8_t* in, std::int32_t cy, std::int32_t cx, T* col,
                          T pad, Convert convert) {
    for_each_run(p, in, cy, cx, [&](std::int32_t k, const std::int8_t* src, std::int32_t n) {
        T* dst = col + k;
        if (src == nullptr) {
            for (std::int32_t i = 0; i < n; ++i) dst[i] = pad;
        } else {
            for (std::int32_t i = 0; i < n; ++i) dst[i] = convert(src[i]);
        }
    });
}

}  // namespace tinydigit::engine::detail
