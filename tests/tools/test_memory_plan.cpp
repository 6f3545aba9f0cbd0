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

// Every op's input, output and scratch lie inside the arena, 16-aligned, pairwise disjoint.
void check_plan(const ChainPlanRequest& request, const ChainPlan& plan) {
    const std::size_t ops = request.scratch_bytes.size();
    REQUIRE(plan.activation_offset.size() == ops + 1);
    REQUIRE(plan.scratch_offset.size() == ops);
    for (std::size_t i = 0; i < ops; ++i) {
        std::vector<Interval> live = {
            {plan.activation_offset[i], plan.activation_offset[i] + std::uint64_t{request.activation_bytes[i]}},
            {plan.activation_offset[i + 1], plan.activation_offset[i + 1] + std::uint64_t{request.activation_bytes[i + 1]}}};
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

std::uint32_t lower_bound(const ChainPlanRequest& r) {
    std::uint32_t bound = 0;
    for (std::size_t i = 0; i < r.scratch_bytes.size(); ++i)
        bound = std::max(bound, align_up(r.activation_bytes[i]) + align_up(r.activation_bytes[i + 1]) +
                                    align_up(r.scratch_bytes[i]));
    return bound;
}

}  // namespace

TEST_CASE("memory plan: the seed network without scratch peaks at conv1 + pool1 = 36,000 bytes") {
    // input, conv1, pool1 (conv2+pool), conv3, pool2 (conv4+pool), conv5, pool3 (conv6+pool), dense1, dense2
    const ChainPlanRequest request{{784, 28800, 7200, 18496, 4096, 16384, 4096, 128, 10}, std::vector<std::uint32_t>(8, 0)};
    const ChainPlan plan = plan_chain(request);
    CHECK(plan.arena_bytes == 36000);
    CHECK(plan.peak_activation_bytes == 36000);
    CHECK(plan.peak_scratch_bytes == 0);
    CHECK(plan.activation_offset[0] == 0);
    CHECK(plan.activation_offset[1] == 36000 - 28800);
    check_plan(request, plan);
}

TEST_CASE("memory plan: scratch goes into the gap and the arena equals the lower bound") {
    const ChainPlanRequest request{{784, 28800, 7200, 18496}, {0, 9216, 100}};
    const ChainPlan plan = plan_chain(request);
    CHECK(plan.arena_bytes == 28800 + 7200 + 9216);
    CHECK(plan.peak_scratch_bytes == 9216);
    check_plan(request, plan);
}

TEST_CASE("memory plan: random chains are valid and minimal") {
    std::mt19937 rng(7);
    std::uniform_int_distribution<std::uint32_t> size(1, 5000), scratch(0, 3000), length(1, 12);
    for (int trial = 0; trial < 2000; ++trial) {
        ChainPlanRequest request;
        const auto ops = length(rng);
        for (std::uint32_t i = 0; i <= ops; ++i) request.activation_bytes.push_back(size(rng));
        for (std::uint32_t i = 0; i < ops; ++i) request.scratch_bytes.push_back(rng() % 3 == 0 ? 0 : scratch(rng));
        const ChainPlan plan = plan_chain(request);
        CHECK(plan.arena_bytes == lower_bound(request));
        CHECK(plan.arena_bytes % kArenaAlignment == 0);
        check_plan(request, plan);
    }
}

TEST_CASE("memory plan: inconsistent requests are rejected") {
    CHECK_THROWS_AS(plan_chain({{784}, {}}), std::invalid_argument);
    CHECK_THROWS_AS(plan_chain({{784, 10}, {0, 0}}), std::invalid_argument);
    CHECK_THROWS_AS(plan_chain({{784, 0}, {0}}), std::invalid_argument);
    CHECK_THROWS_AS(plan_chain({{0xFFFFFFF0u, 0xFFFFFFF0u}, {0}}), std::invalid_argument);
}
