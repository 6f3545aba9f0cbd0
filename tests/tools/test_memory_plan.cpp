#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <stdexcept>

#include "tinydigit/tools/memory_plan.hpp"

using namespace tinydigit::tools;

namespace {

struct Interval {
    std::uint64_t begin, end;
};

bool overlap(Interval a, Interval b) { return a.begin < b.end && b.begin < a.end; }

// Every op's input, output and scratch lie inside the arena, 16-aligned, pairwise disjoint;
// for an op of a banded chain, the chain's input, window, output and that op's scratch.
void check_plan(const ChainPlanRequest& request, const ChainPlan& plan) {
    const std::size_t ops = request.scratch_bytes.size();
    REQUIRE(plan.activation_offset.size() == ops + 1);
    REQUIRE(plan.scratch_offset.size() == ops);
    REQUIRE(plan.windows.size() == ops + 1);
    auto region = [&](std::size_t a) {
        const std::uint32_t bytes = plan.windows[a].rows > 0 ? plan.windows[a].bytes : request.activation_bytes[a];
        return Interval{plan.activation_offset[a], plan.activation_offset[a] + std::uint64_t{bytes}};
    };
    for (std::size_t i = 0; i < ops; ++i) {
        std::vector<Interval> live = {region(i), region(i + 1)};
        if (plan.windows[i + 1].rows > 0) live.push_back(region(i + 2));  // the chain's first op
        if (plan.windows[i].rows > 0) live.push_back(region(i - 1));      // its second op
        if (request.scratch_bytes[i] > 0) {
            REQUIRE(plan.scratch_offset[i] >= 0);
            const auto s = static_cast<std::uint64_t>(plan.scratch_offset[i]);
            live.push_back({s, s + request.scratch_bytes[i]});
        } else {
            CHECK(plan.scratch_offset[i] == -1);
        }
        for (std::size_t a = 0; a < live.size(); ++a) {
            CHECK(live[a].begin % kArenaAlignment == 0);
            CHECK(live[a].end <= plan.arena_bytes);
            for (std::size_t b = a + 1; b < live.size(); ++b) CHECK_FALSE(overlap(live[a], live[b]));
        }
    }
}

// What any plan needs: per op everything alive at once (a chain: both ops' views).
std::uint32_t lower_bound(const ChainPlanRequest& r) {
    const auto window = [&](std::size_t a) { return r.windows.empty() ? 0u : r.windows[a].rows; };
    const auto bytes = [&](std::size_t a) { return align_up(window(a) > 0 ? r.windows[a].bytes : r.activation_bytes[a]); };
    std::uint32_t bound = 0;
    for (std::size_t i = 0; i < r.scratch_bytes.size(); ++i) {
        std::uint32_t live = bytes(i) + bytes(i + 1) + align_up(r.scratch_bytes[i]);
        if (window(i + 1) > 0) live += bytes(i + 2);
        if (window(i) > 0) live += bytes(i - 1);
        bound = std::max(bound, live);
    }
    return bound;
}

}  // namespace

TEST_CASE("memory plan: the seed network without scratch peaks at conv1 + pool1 = 36,000 bytes") {
    // input, conv1, pool1 (conv2+pool), conv3, pool2 (conv4+pool), conv5, pool3 (conv6+pool), dense1, dense2
    const ChainPlanRequest request{{784, 28800, 7200, 18496, 4096, 16384, 4096, 128, 10}, std::vector<std::uint32_t>(8, 0), {}};
    const ChainPlan plan = plan_chain(request);
    CHECK(plan.arena_bytes == 36000);
    CHECK(plan.peak_activation_bytes == 36000);
    CHECK(plan.peak_scratch_bytes == 0);
    CHECK(plan.activation_offset[0] == 0);
    CHECK(plan.activation_offset[1] == 36000 - 28800);
    check_plan(request, plan);
}

TEST_CASE("memory plan: scratch goes into the gap and the arena equals the lower bound") {
    const ChainPlanRequest request{{784, 28800, 7200, 18496}, {0, 9216, 100}, {}};
    const ChainPlan plan = plan_chain(request);
    CHECK(plan.arena_bytes == 28800 + 7200 + 9216);
    CHECK(plan.peak_scratch_bytes == 9216);
    check_plan(request, plan);
}

TEST_CASE("memory plan: random chains, with and without banded pairs, are valid and minimal") {
    std::mt19937 rng(7);
    std::uniform_int_distribution<std::uint32_t> size(1, 5000), scratch(0, 3000), length(1, 12);
    for (const bool banded : {false, true}) {
        for (int trial = 0; trial < 2000; ++trial) {
            ChainPlanRequest request;
            const auto ops = length(rng);
            for (std::uint32_t i = 0; i <= ops; ++i) request.activation_bytes.push_back(size(rng));
            for (std::uint32_t i = 0; i < ops; ++i) request.scratch_bytes.push_back(rng() % 3 == 0 ? 0 : scratch(rng));
            if (banded) {
                request.windows.resize(ops + 1);
                for (std::uint32_t i = 1; i < ops; ++i) {
                    if (request.windows[i - 1].rows > 0 || rng() % 2 == 0) continue;
                    const std::uint32_t bytes = 1 + static_cast<std::uint32_t>(rng() % request.activation_bytes[i]);
                    request.windows[i] = {1 + static_cast<std::uint32_t>(rng() % 8), bytes, 1};
                }
            }
            const ChainPlan plan = plan_chain(request);
            CHECK(plan.arena_bytes == lower_bound(request));
            CHECK(plan.arena_bytes % kArenaAlignment == 0);
            check_plan(request, plan);
        }
    }
}

TEST_CASE("memory plan: inconsistent requests are rejected") {
    CHECK_THROWS_AS(plan_chain({{784}, {}, {}}), std::invalid_argument);
    CHECK_THROWS_AS(plan_chain({{784, 10}, {0, 0}, {}}), std::invalid_argument);
    CHECK_THROWS_AS(plan_chain({{784, 0}, {0}, {}}), std::invalid_argument);
    CHECK_THROWS_AS(plan_chain({{0xFFFFFFF0u, 0xFFFFFFF0u}, {0}, {}}), std::invalid_argument);
}

TEST_CASE("memory plan: the seed network with its three conv->conv chains banded needs 26,624 bytes, the lower bound") {
    // windows: conv1 6 of 30 rows, conv3 4 of 17, conv5 4 of 8 (one output row of the next op per band)
    ChainPlanRequest request{{784, 28800, 7200, 18496, 4096, 16384, 4096, 128, 10},
                             {384, 3456, 1536, 2560, 3328, 10240, 8704, 296},
                             std::vector<Window>(9)};
    request.windows[1] = {6, 6 * 960, 1};
    request.windows[3] = {4, 4 * 1088, 1};
    request.windows[5] = {4, 4 * 2048, 1};
    const ChainPlan plan = plan_chain(request);
    CHECK(plan.arena_bytes == 26624);  // op 5: pool2 4,096 + conv5's window 8,192 + pool3 4,096 + scratch 10,240
    CHECK(plan.arena_bytes == lower_bound(request));
    CHECK(plan.windows[3].rows == 4);
    check_plan(request, plan);
}

TEST_CASE("memory plan: windows on the model input or output, next to each other, or empty are rejected") {
    const std::vector<std::uint32_t> acts{784, 1000, 1000, 1000, 10};
    const std::vector<std::uint32_t> scratch{0, 0, 0, 0};
    auto with = [&](std::initializer_list<std::pair<std::size_t, Window>> windows) {
        ChainPlanRequest r{acts, scratch, std::vector<Window>(5)};
        for (const auto& [i, w] : windows) r.windows[i] = w;
        return r;
    };
    CHECK_NOTHROW(plan_chain(with({{1, {2, 100, 1}}, {3, {2, 100, 1}}})));
    CHECK_THROWS_AS(plan_chain(with({{0, {2, 100, 1}}})), std::invalid_argument);
    CHECK_THROWS_AS(plan_chain(with({{4, {1, 10, 1}}})), std::invalid_argument);
    CHECK_THROWS_AS(plan_chain(with({{1, {2, 100, 1}}, {2, {2, 100, 1}}})), std::invalid_argument);
    CHECK_THROWS_AS(plan_chain(with({{1, {2, 0, 1}}})), std::invalid_argument);
    CHECK_THROWS_AS(plan_chain(with({{1, {2, 1001, 1}}})), std::invalid_argument);
    CHECK_THROWS_AS(plan_chain(with({{1, {2, 100, 0}}})), std::invalid_argument);
    ChainPlanRequest short_windows{acts, scratch, std::vector<Window>(4)};
    CHECK_THROWS_AS(plan_chain(short_windows), std::invalid_argument);
}
