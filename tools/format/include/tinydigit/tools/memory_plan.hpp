// The static arena plan for a chain graph: op i reads activation i and writes activation i+1
// (activation 0 is the model input, the last one the logits). The engine only follows it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinydigit::tools {

inline constexpr std::uint32_t kArenaAlignment = 16;

// Line buffering: an activation that never exists whole, only as a window of rows. Op i-1
// writes it and op i reads it, and the two run as one banded chain, band_rows output rows of
// op i at a time (schema/model.fbs: Tensor.window_rows, Operator.band_rows).
struct Window {
    std::uint32_t rows = 0;  // 0: the activation is whole
    std::uint32_t bytes = 0;
    std::uint32_t band_rows = 0;
};

struct ChainPlanRequest {
    std::vector<std::uint32_t> activation_bytes;  // ops + 1 entries, execution order
    std::vector<std::uint32_t> scratch_bytes;     // one per op (0 = none)
    std::vector<Window> windows;                  // empty, or one per activation
};

struct ChainPlan {
    std::vector<std::uint32_t> activation_offset;  // per activation
    std::vector<std::int32_t> scratch_offset;      // per op, -1 when the op needs no scratch
    std::vector<std::uint32_t> scratch_bytes;      // per op, as requested
    std::vector<Window> windows;                   // per activation (all whole without line buffering)
    std::uint32_t arena_bytes = 0;
    std::uint32_t peak_activation_bytes = 0;  // max over ops of aligned(in) + aligned(out) (+ aligned(window))
    std::uint32_t peak_scratch_bytes = 0;
    std::string description;
};

std::uint32_t align_up(std::uint32_t bytes, std::uint32_t alignment = kArenaAlignment);

// Places activation i at the bottom of the arena when i is even and at the top when it is odd,
// and each op's scratch in the gap between them. Op i needs its input, output and scratch live
// at once, so no plan can use less than max_i(aligned(in_i) + aligned(out_i) + scratch_i);
// this plan uses exactly that. A banded chain counts as one op whose scratch is its window
// followed by the larger of its two ops' scratch (both share those bytes: they never run at
// the same instant), so it needs in + out + window + scratch, again the lower bound.
// Throws std::invalid_argument on inconsistent sizes or windows (on the model input or
// output, or on two activations in a row).
ChainPlan plan_chain(const ChainPlanRequest& request);

}  // namespace tinydigit::tools
