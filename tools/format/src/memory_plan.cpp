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

namespace {

// The ping-pong plan of a chain without windows: activation i at 0 when i is even, at the top
// when odd; each op's gap (from the end of the bottom one) holds `gap_bytes` of that op.
struct PingPong {
    std::vector<std::uint32_t> activation_offset;
    std::vector<std::uint32_t> gap_offset;  // per op
    std::uint32_t arena_bytes = 0;
    std::uint32_t peak_activation_bytes = 0;
};

PingPong ping_pong(const std::vector<std::uint32_t>& activation_bytes, const std::vector<std::uint64_t>& gap_bytes) {
    PingPong plan;
    std::uint64_t arena = 0;
    for (std::size_t i = 0; i < gap_bytes.size(); ++i) {
        const std::uint64_t pair = std::uint64_t{align_up(activation_bytes[i])} + align_up(activation_bytes[i + 1]);
        plan.peak_activation_bytes = static_cast<std::uint32_t>(std::max<std::uint64_t>(plan.peak_activation_bytes, pair));
        arena = std::max(arena, pair + gap_bytes[i]);
    }
    if (arena > std::numeric_limits<std::uint32_t>::max()) throw std::invalid_argument("arena exceeds 4 GiB");
    plan.arena_bytes = static_cast<std::uint32_t>(arena);
    for (std::size_t i = 0; i < activation_bytes.size(); ++i)
        plan.activation_offset.push_back(i % 2 == 0 ? 0 : plan.arena_bytes - align_up(activation_bytes[i]));
    // The bottom buffer of the pair ends where the gap begins.
    for (std::size_t i = 0; i < gap_bytes.size(); ++i)
        plan.gap_offset.push_back(align_up(activation_bytes[i % 2 == 0 ? i : i + 1]));
    return plan;
}

}  // namespace

ChainPlan plan_chain(const ChainPlanRequest& request) {
    const std::size_t ops = request.scratch_bytes.size();
    if (ops == 0 || request.activation_bytes.size() != ops + 1)
        throw std::invalid_argument("a chain plan needs one more activation than ops, and at least one op");
    if (std::ranges::any_of(request.activation_bytes, [](std::uint32_t b) { return b == 0; }))
        throw std::invalid_argument("activation of zero bytes");
    ChainPlan plan;
    plan.scratch_bytes = request.scratch_bytes;
    plan.windows = request.windows.empty() ? std::vector<Window>(ops + 1) : request.windows;
    if (plan.windows.size() != ops + 1) throw std::invalid_argument("one window entry per activation expected");
    const auto windowed = [&](std::size_t i) { return plan.windows[i].rows > 0; };
    for (std::size_t i = 0; i <= ops; ++i) {
        const Window& w = plan.windows[i];
        if (w.rows == 0) continue;
        if (i == 0 || i == ops || windowed(i - 1) || windowed(i + 1) || w.bytes == 0 || w.bytes > request.activation_bytes[i] ||
            w.band_rows == 0)
            throw std::invalid_argument("a window must be a positive part of an inner activation, never next to another");
    }

    // Each banded chain becomes one op of the ping-pong plan: its window, then the larger
    // scratch of its two ops, go in that op's gap.
    std::vector<std::uint32_t> whole{request.activation_bytes[0]};  // activations without a window
    std::vector<std::uint64_t> gap;                                  // per merged op
    std::vector<std::uint32_t> window;                               // per merged op (aligned, 0: none)
    for (std::size_t i = 0; i < ops; ++i) {
        const std::uint64_t scratch = align_up(request.scratch_bytes[i]);
        plan.peak_scratch_bytes = std::max(plan.peak_scratch_bytes, static_cast<std::uint32_t>(scratch));
        if (windowed(i)) {  // the chain's second op: its window is already in the gap
            gap.back() = std::max<std::uint64_t>(gap.back(), window.back() + scratch);
            whole.push_back(request.activation_bytes[i + 1]);
            continue;
        }
        window.push_back(windowed(i + 1) ? align_up(plan.windows[i + 1].bytes) : 0);
        gap.push_back(window.back() + scratch);
        if (!windowed(i + 1)) whole.push_back(request.activation_bytes[i + 1]);
    }
    const PingPong merged = ping_pong(whole, gap);
    plan.arena_bytes = merged.arena_bytes;

    std::size_t k = 0;  // the merged op of op i
    for (std::size_t i = 0; i <= ops; ++i) {
        if (i > 0 && !windowed(i)) ++k;
        plan.activation_offset.push_back(windowed(i) ? merged.gap_offset[k] : merged.activation_offset[k]);
    }
    k = 0;
    for (std::size_t i = 0; i < ops; ++i) {
        if (i > 0 && !windowed(i)) ++k;
        const std::uint32_t pair = align_up(whole[k]) + align_up(whole[k + 1]);
        plan.peak_activation_bytes = std::max(plan.peak_activation_bytes, pair + window[k]);
        plan.scratch_offset.push_back(request.scratch_bytes[i] == 0 ? -1 : static_cast<std::int32_t>(merged.gap_offset[k] + window[k]));
    }
    // Kept short: it is stored in every model (docs/format.md explains it in full).
    plan.description = std::ranges::any_of(plan.windows, [](const Window& w) { return w.rows > 0; })
                           ? "chain ping-pong, conv->conv chains in row bands (line buffering): even activations at offset 0, "
                             "odd ones at the top, a chain's window then scratch between; arena = max over ops of "
                             "in+out+window+scratch (16-aligned), the lower bound for this order"
                           : "chain ping-pong: even activations at offset 0, odd ones at the top, scratch between; "
                             "arena = max over ops of in+out+scratch (16-aligned), the lower bound for this order";
    return plan;
}

}  // namespace tinydigit::tools
