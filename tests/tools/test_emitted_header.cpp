// The header model_to_c emitted at build time compiles warning-free, is 16-byte aligned, holds
// the model's exact bytes and the arena size the engine computes from them.
#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <vector>

#include "fixture_model.h"
#include "tinydigit/engine/engine.hpp"

TEST_CASE("model_to_c header: aligned, byte-exact, and its arena size is the engine's") {
    CHECK(reinterpret_cast<std::uintptr_t>(fixture::kModel) % 16 == 0);
    std::ifstream in(TINYDIGIT_FIXTURE_MODEL, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(bytes.size() == fixture::kModelBytes);
    CHECK(std::equal(bytes.begin(), bytes.end(), fixture::kModel));
    // The header's arena is the model's plan: what the microcontroller sets need exactly, and
    // enough for every set to bind (x86 sets then run the portable kernels).
    tinydigit::engine::Engine engine;
    REQUIRE(engine.load(fixture::kModel, fixture::kModelBytes, tinydigit::engine::portable_kernels()) ==
            tinydigit::engine::Status::kOk);
    CHECK(engine.arena_bytes() == fixture::kArenaBytes);
    REQUIRE(engine.load(fixture::kModel, fixture::kModelBytes) == tinydigit::engine::Status::kOk);
    alignas(16) static std::uint8_t arena[fixture::kArenaBytes];
    CHECK(engine.bind_arena(arena, sizeof arena) == tinydigit::engine::Status::kOk);
}
