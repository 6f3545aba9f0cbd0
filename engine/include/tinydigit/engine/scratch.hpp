// Scratch memory an operator gets from the planned arena, as constexpr functions callable on
// the host (the quantizer's memory planner) and on the target (the verifier checks
// Operator.scratch_bytes against them). One model file runs on every target, so the plan is
// what the microcontroller variants (reference, portable, Arm DSP, Helium) need; each states
// its own need beside itself (`conv2d_portable_s8_scratch_bytes` etc., kernels.hpp) and the
// equivalence test checks it never exceeds these values (on the host and on QEMU).
//
// Host x86 variants (AVX2, AVX-512 VNNI) state larger needs (a padded copy of the input,
// widened weights, requantization tables): Engine::load adds the largest such need after
// the planned arena, then the weights a set keeps packed across calls (KernelSet::
// conv2d_pack), and Engine::arena_bytes() includes both, so a microcontroller's arena
// (26,624 bytes for the seed network) is never inflated by what a PC wants.
//
// Planner contract (checked at load, see status.hpp):
// - the arena base, every Tensor.arena_offset and every Operator.scratch_offset are
//   multiples of kArenaAlignment;
// - an op's scratch lives only while the op runs: it may reuse any arena bytes except the
//   tensors alive during that op (its inputs, its output, and tensors read later; in a
//   banded chain, the chain's input, window and output); kernels rewrite it on every call;
// - Operator.scratch_bytes >= the value below (0 means no scratch: scratch_offset may be -1).
//
// Why these sizes:
// - Conv2D gathers the receptive field of a few output pixels into columns ("im2col") so
//   the inner loop streams contiguous arrays: portable 2 x 2 x round_up(K, 64) bytes (int16,
//   2 pixels), Arm DSP whatever the plan gives (int32 sums of 4 pixels for a block of output
//   channels, then the int16 column of 4 pixels over one kernel row or what fits), Helium
//   4 x round_up(K, 16)
//   (int8, 4 pixels) plus one int32 per output channel (the input zero point folded into a
//   per-channel bias); K = kernel_h * kernel_w * in_channels. Seed network: 3,456 bytes for
//   conv2, 10,240 bytes for conv6 (16,384 bytes of live activations with conv5 in row bands
//   -> the 26,624-byte peak).
// - A fused max pool needs no scratch: the kernel max-updates the pooled output in place.
// - FullyConnected keeps its input once as int16 (2 x K bytes; the 4 x out term is headroom
//   every existing model file was planned with).
// - MaxPool2D and Pad need none.
#pragma once

#include <cstdint>

namespace tinydigit::engine {

inline constexpr std::uint32_t kArenaAlignment = 16;

// Sizes are computed in 64 bits from int32 parameters, so no argument can overflow them.
// Parameters < 1 yield 0 (the verifier rejects such ops before asking).
constexpr std::uint64_t round_up(std::uint64_t value, std::uint64_t multiple) {
    return (value + multiple - 1) / multiple * multiple;
}

// Reduction length of one output value of a Conv2D.
constexpr std::uint64_t conv2d_reduction_length(std::int32_t kernel_h, std::int32_t kernel_w,
                                                std::int32_t in_channels) {
    if (kernel_h < 1 || kernel_w < 1 || in_channels < 1) return 0;
    return std::uint64_t(kernel_h) * std::uint64_t(kernel_w) * std::uint64_t(in_channels);
}

constexpr std::uint64_t conv2d_scratch_bytes(std::int32_t kernel_h, std::int32_t kernel_w,
                                             std::int32_t in_channels, std::int32_t out_channels) {
    const std::uint64_t k = conv2d_reduction_length(kernel_h, kernel_w, in_channels);
    if (k == 0 || out_channels < 1) return 0;
    return 4 * round_up(k, 64) + 4 * std::uint64_t(out_channels);
}

constexpr std::uint64_t fully_connected_scratch_bytes(std::int32_t in_count, std::int32_t out_count) {
    if (in_count < 1 || out_count < 1) return 0;
    return 2 * round_up(std::uint64_t(in_count), 64) + 4 * std::uint64_t(out_count);
}

constexpr std::uint64_t max_pool2d_scratch_bytes() { return 0; }
constexpr std::uint64_t pad_scratch_bytes() { return 0; }

// Seed network figures, kept here so a change of formula shows up in review.
static_assert(conv2d_scratch_bytes(5, 5, 32, 32) == 3456);
static_assert(conv2d_scratch_bytes(3, 3, 256, 256) == 10240);

}  // namespace tinydigit::engine
