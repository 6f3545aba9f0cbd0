// The static arena plan for a chain graph: op i reads activation i and writes activation i+1
// (activation 0 is the model input, the last one the logits). The engine only follows it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinydigit::tools {

inline constexpr std::uint32_t kArenaAlignment = 16;

struct ChainPlanRequest {
    std::vector<std::uint32_t> activation_bytes;  // ops + 1 entries, execution order
    std::vector<std::uint32_t> scratch_bytes;     // one per op (0 = none)
};

struct ChainPlan {
    std::vector<std::uint32_t> activation_offset;  // per activation
    std::vector<std::int32_t> scratch_offset;      // per op, -1 when the op needs no scratch
    std::vector<std::uint32_t> scratch_bytes;      // per op, as requested
    std::uint32_t arena_bytes = 0;
    std::uint32_t peak_activation_bytes = 0;  // max over ops of aligned(in) + aligned(out)
    std::uint32_t peak_scratch_bytes = 0;
    std::string description;
};

std::uint32_t align_up(std::uint32_t bytes, std::uint32_t alignment = kArenaAlignment);

// Places activation i at the bottom of the arena when i is even and at the top when it is odd,
// and each op's scratch in the gap between them. Op i needs its input, output and scratch live
// at once, so no plan can use less than max_i(aligned(in_i) + aligned(out_i) + scratch_i);
// this plan uses exactly that. Throws std::invalid_argument on inconsistent sizes.
ChainPlan plan_chain(const ChainPlanRequest& request);

}  // namespace tinydigit::tools
