#include "tinydigit/tools/memory_plan.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace tinydigit::tools {

std::uint32_t align_up(std::uint32_t bytes, std::uint32_t alignment) {
    const std::uint64_t aligned = (std::uint64_t{bytes} + alignment - 1) / alignment * alignment;
    if (aligned > std::numeric_limits<std::uint32_t>::max()) throw std::invalid_argument("arena exceeds 4 GiB");
    return static_cast<std::uint32_t>(aligned);
}

ChainPlan plan_chain(const ChainPlanRequest& request) {
    const std::size_t ops = request.scratch_bytes.size();
    if (ops == 0 || request.activation_bytes.size() != ops + 1)
        throw std::invalid_argument("a chain plan needs one more activation than ops, and at least one op");
    if (std::ranges::any_of(request.activation_bytes, [](std::uint32_t b) { return b == 0; }))
        throw std::invalid_argument("activation of zero bytes");

    ChainPlan plan;
    plan.scratch_bytes = request.scratch_bytes;
    std::uint64_t arena = 0;
    for (std::size_t i = 0; i < ops; ++i) {
        const std::uint64_t pair = std::uint64_t{align_up(request.activation_bytes[i])} +
                                   align_up(request.activation_bytes[i + 1]);
        const std::uint32_t scratch = align_up(request.scratch_bytes[i]);
        plan.peak_activation_bytes = static_cast<std::uint32_t>(std::max<std::uint64_t>(plan.peak_activation_bytes, pair));
        plan.peak_scratch_bytes = std::max(plan.peak_scratch_bytes, scratch);
        arena = std::max(arena, pair + scratch);
    }
    if (arena > std::numeric_limits<std::uint32_t>::max()) throw std::invalid_argument("arena exceeds 4 GiB");
    plan.arena_bytes = static_cast<std::uint32_t>(arena);

    const std::uint32_t top = plan.arena_bytes;
    for (std::size_t i = 0; i <= ops; ++i)
        plan.activation_offset.push_back(i % 2 == 0 ? 0 : top - align_up(request.activation_bytes[i]));
    for (std::size_t i = 0; i < ops; ++i) {
        if (request.scratch_bytes[i] == 0) {
            plan.scratch_offset.push_back(-1);
            continue;
        }
        // The bottom buffer of the pair ends where the gap begins.
        const std::size_t bottom = i % 2 == 0 ? i : i + 1;
        plan.scratch_offset.push_back(static_cast<std::int32_t>(align_up(request.activation_bytes[bottom])));
    }
    // Kept short: it is stored in every model (docs/format.md explains it in full).
    plan.description =
        "chain ping-pong: even activations at offset 0, odd ones at the top, scratch between; "
        "arena = max over ops of in+out+scratch (16-aligned), the lower bound for this order";
    return plan;
}

}  // namespace tinydigit::tools
