// Parameters of one kernel call, filled by the engine from a verified model (so every value
// is in range: see the verifier) and by the equivalence tests. Plain structs, no ownership.
// Layouts: activations HWC int8; conv weights OHWI int8; FC weights [O, K] int8 with K in the
// HWC flatten order; bias int32 per output channel. Arithmetic: docs/quantization.md.
#pragma once

#include <cstdint>

namespace tinydigit::engine {

// Per-output-channel requantization r = (int64(acc) * M + 2^(n-1)) >> n, y = clamp(r + zp).
// Valid ranges: M in [2^30, 2^31 - 1], n in [1, 62], act_min <= act_max.
struct Requant {
    const std::int32_t* multiplier;
    const std::int8_t* shift;
    std::int32_t out_zero_point;  // -128..127
    std::int8_t act_min;
    std::int8_t act_max;
};

// Conv2D with optional fused max pool. The full conv map is conv_h x conv_w; with
// pool_h == 0 it is the output (out_h == conv_h, out_w == conv_w), otherwise the output is
// the pooled map: out_h = (conv_h - pool_h) / pool_stride_h + 1 (same for w).
struct Conv2DParams {
    std::int32_t in_h, in_w, in_c;
    std::int32_t out_c;
    std::int32_t kernel_h, kernel_w;
    std::int32_t stride_h, stride_w;
    std::int32_t pad_top, pad_left;  // bottom/right padding is implied by conv_h/conv_w
    std::int32_t conv_h, conv_w;
    std::int32_t pool_h, pool_w, pool_stride_h, pool_stride_w;
    std::int32_t out_h, out_w;
    std::int32_t in_zero_point;  // -128..127; padding cells read it
    const std::int8_t* weights;  // [out_c, kernel_h, kernel_w, in_c]
    const std::int32_t* bias;    // [out_c]
    Requant requant;
    // A set with KernelSet::conv2d_pack gets its weights repacked once, at bind, into this
    // (16-byte aligned) memory in its own layout; null for every other set.
    const void* packed = nullptr;
};

struct FullyConnectedParams {
    std::int32_t in_count, out_count;
    std::int32_t in_zero_point;
    const std::int8_t* weights;  // [out_count, in_count]
    const std::int32_t* bias;    // [out_count]
    Requant requant;
};

struct MaxPool2DParams {
    std::int32_t in_h, in_w, channels;
    std::int32_t pool_h, pool_w, stride_h, stride_w;
    std::int32_t out_h, out_w;
};

struct PadParams {
    std::int32_t in_h, in_w, channels;
    std::int32_t pad_top, pad_bottom, pad_left, pad_right;
    std::int8_t value;
};

// Largest reduction length (kernel_h * kernel_w * in_c, or FC in_count) the verifier accepts:
// sum_k (x_k - z) * w_k stays inside int32 (65,536 * 255 * 127 < 2^31), so only adding the
// bias can wrap, and every variant wraps it the same way (two's complement, mod 2^32).
inline constexpr std::int64_t kMaxReductionLength = 65536;

}  // namespace tinydigit::engine
