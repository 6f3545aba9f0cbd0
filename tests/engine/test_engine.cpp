// The engine API end to end on seed-shaped models: every kernel set gives the same logits,
// layer-by-layer equals run(), inputs map as documented, and misuse gets its status.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "model_builder.hpp"
#include "support/kernel_set_cases.hpp"
#include "tinydigit/engine/c_api.h"
#include "tinydigit/engine/engine.hpp"

// test_c_api.c: returns the line of its first failed expectation, 0 when all hold.
extern "C" int c_api_check_everything(const void* model, size_t size, void* arena, size_t arena_size,
                                      size_t plan_bytes, const uint8_t* pixels, float output_scale,
                                      int output_zero_point);
extern "C" const char* c_api_message(int status);
extern "C" const char* c_api_name(int status);

using namespace tinydigit::engine;
using namespace tinydigit::engine::test;

namespace {

std::vector<std::uint8_t> random_pixels(std::uint32_t seed, std::size_t n) {
    std::mt19937 rng(seed);
    std::vector<std::uint8_t> p(n);
    for (auto& v : p) v = static_cast<std::uint8_t>(rng() % 3 == 0 ? 0 : rng() % 256);
    return p;
}

std::vector<std::int8_t> logits(const ModelBytes& model, const KernelSet& kernels, const std::vector<std::uint8_t>& px) {
    Engine engine;
    REQUIRE(engine.load(model.data(), model.size(), kernels) == Status::kOk);
    Arena arena(engine.arena_bytes());
    REQUIRE(engine.bind_arena(arena.data, arena.size) == Status::kOk);
    REQUIRE(engine.set_input_pixels(px.data(), px.size()) == Status::kOk);
    REQUIRE(engine.run() == Status::kOk);
    return std::vector<std::int8_t>(engine.output(), engine.output() + engine.output_size());
}

// Three random images through a random seed-shaped model: the named set gives the reference's
// logits byte for byte (skipped where this CPU cannot run the set).
void seed_shaped_logits_equal_reference(const char* name) {
    const KernelSet* set = tinydigit::test::kernel_set_or_skip(name);
    if (set == nullptr) return;
    const ModelBytes model = serialize(*make_model(seed_spec(), 11));
    for (std::uint32_t image = 0; image < 3; ++image) {
        const auto px = random_pixels(image, 784);
        const auto expected = logits(model, reference_kernels(), px);
        REQUIRE(expected.size() == 10);
        bool varied = false;
        for (auto v : expected) varied |= v != expected[0];
        CHECK(varied);  // the random model does not saturate to a constant
        CHECK(logits(model, *set, px) == expected);
    }
}

}  // namespace

TEST_CASE("seed-shaped model: the portable kernels give the reference logits") {
    seed_shaped_logits_equal_reference("portable");
}
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
TEST_CASE("seed-shaped model: the avx2 kernels give the reference logits") { seed_shaped_logits_equal_reference("avx2"); }
TEST_CASE("seed-shaped model: the avx512vnni kernels give the reference logits") {
    seed_shaped_logits_equal_reference("avx512vnni");
}
#endif

TEST_CASE("seed-shaped model fits the RAM target: arena (scratch included) <= 40 KB") {
    const auto m = make_model(seed_spec(), 11);
    CHECK(m->plan->arena_bytes == 39456);  // conv2: 28,800 in + 7,200 pooled out + 3,456 scratch
    CHECK(m->plan->arena_bytes <= 40 * 1024);
}

TEST_CASE("host sets: arena_bytes() adds their scratch, and an arena of the plan alone runs the portable set") {
    const ModelBytes model = serialize(*make_model(seed_spec(), 11));
    const auto px = random_pixels(5, 784);
    const auto expected = logits(model, reference_kernels(), px);
    const KernelSet* sets[8];
    const int n = available_kernel_sets(sets, 8);
    for (int i = 0; i < n; ++i) {
        CAPTURE(std::string(sets[i]->name));
        Engine engine;
        REQUIRE(engine.load(model.data(), model.size(), *sets[i]) == Status::kOk);
        const std::uint32_t plan = engine.plan_arena_bytes();
        CHECK(plan == 39456);
        CHECK(engine.arena_bytes() >= plan);
        CHECK((engine.arena_bytes() == plan) == sets[i]->fits_planned_scratch);
        Arena small(plan);
        if (engine.arena_bytes() > plan) {
            // Bound with the plan only: still correct, with the portable kernels.
            REQUIRE(engine.bind_arena(small.data, plan) == Status::kOk);
            CHECK(std::string(engine.kernels().name) == "portable");
            REQUIRE(engine.set_input_pixels(px.data(), px.size()) == Status::kOk);
            REQUIRE(engine.run() == Status::kOk);
            CHECK(std::vector<std::int8_t>(engine.output(), engine.output() + 10) == expected);
        }
        CHECK(engine.bind_arena(small.data, plan - 16) == Status::kArenaTooSmall);
        Arena full(engine.arena_bytes());
        REQUIRE(engine.bind_arena(full.data, full.size) == Status::kOk);
        CHECK(&engine.kernels() == sets[i]);
    }
}

TEST_CASE("running operator by operator equals run(), and tensors are readable") {
    const ModelBytes model = serialize(*make_model(compact_spec(), 4));
    const auto px = random_pixels(9, 784);
    const std::vector<std::int8_t> whole = logits(model, reference_kernels(), px);
    // Every set this CPU runs: x86 sets find their scratch and packed weights per operator too.
    const KernelSet* sets[8];
    const int n = available_kernel_sets(sets, 8);
    for (int s = 0; s < n; ++s) {
        CAPTURE(sets[s]->name);
        Engine engine;
        REQUIRE(engine.load(model.data(), model.size(), *sets[s]) == Status::kOk);
        Arena arena(engine.arena_bytes());
        REQUIRE(engine.bind_arena(arena.data, arena.size) == Status::kOk);
        REQUIRE(engine.set_input_pixels(px.data(), px.size()) == Status::kOk);
        for (int i = 0; i < engine.operator_count(); ++i) REQUIRE(engine.run_operator(i) == Status::kOk);
        const std::vector<std::int8_t> stepwise(engine.output(), engine.output() + 10);
        CHECK(stepwise == whole);
        CHECK(engine.run_operator(engine.operator_count()) == Status::kBadParameter);
        CHECK(engine.tensor_data(0) != nullptr);
        CHECK(engine.tensor_data(1) == nullptr);  // a constant
    }
}

TEST_CASE("inputs: pixels map to q = p - 128, int8 copies as is") {
    const ModelBytes model = serialize(*make_model(tiny_spec(), 1));
    Engine engine;
    REQUIRE(engine.load(model.data(), model.size()) == Status::kOk);
    Arena arena(engine.arena_bytes());
    REQUIRE(engine.bind_arena(arena.data, arena.size) == Status::kOk);
    std::vector<std::uint8_t> px(64);
    for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>(i * 4);
    REQUIRE(engine.set_input_pixels(px.data(), px.size()) == Status::kOk);
    for (std::size_t i = 0; i < px.size(); ++i) CHECK(engine.tensor_data(0)[i] == static_cast<int>(px[i]) - 128);
    std::vector<std::int8_t> q(64, -7);
    REQUIRE(engine.set_input(q.data(), q.size()) == Status::kOk);
    CHECK(engine.tensor_data(0)[63] == -7);
    CHECK(engine.set_input(q.data(), 63) == Status::kSizeMismatch);
    CHECK(engine.set_input_pixels(nullptr, 64) == Status::kNullArgument);
}

TEST_CASE("argmax, dequantized logits and probabilities") {
    const auto m = make_model(tiny_spec(), 3);
    const ModelBytes model = serialize(*m);
    Engine engine;
    REQUIRE(engine.load(model.data(), model.size()) == Status::kOk);
    Arena arena(engine.arena_bytes());
    REQUIRE(engine.bind_arena(arena.data, arena.size) == Status::kOk);
    const auto px = random_pixels(1, 64);
    REQUIRE(engine.set_input_pixels(px.data(), px.size()) == Status::kOk);
    REQUIRE(engine.run() == Status::kOk);
    const std::int8_t* out = engine.output();
    int best = 0;
    for (int i = 1; i < 10; ++i)
        if (out[i] > out[best]) best = i;
    CHECK(engine.argmax() == best);
    float p[10];
    REQUIRE(engine.probabilities(p, 10) == Status::kOk);
    float sum = 0;
    for (float v : p) sum += v;
    CHECK(sum == doctest::Approx(1.0f).epsilon(1e-5));
    CHECK(p[best] >= p[(best + 1) % 10]);
    // s * (q - z) with the output tensor's scale and zero point, as the model states them.
    const auto& quantization = *m->tensors[static_cast<std::size_t>(m->output)]->quantization;
    REQUIRE(quantization.scale.size() == 1);
    REQUIRE(quantization.zero_point.size() == 1);
    const float scale = quantization.scale[0];
    const auto zero = static_cast<int>(quantization.zero_point[0]);
    float d[10];
    REQUIRE(engine.dequantized_logits(d, 10) == Status::kOk);
    for (int i = 0; i < 10; ++i) {
        CAPTURE(i);
        CHECK(d[i] == scale * static_cast<float>(out[i] - zero));
    }
    CHECK(engine.dequantized_logits(d, 9) == Status::kSizeMismatch);
    CHECK(engine.dequantized_logits(nullptr, 10) == Status::kNullArgument);
    CHECK(engine.probabilities(p, 9) == Status::kSizeMismatch);
}

TEST_CASE("misuse: not loaded, arena not bound, too small, misaligned") {
    Engine engine;
    CHECK(engine.run() == Status::kNotLoaded);
    CHECK(engine.argmax() == -1);
    CHECK(engine.arena_bytes() == 0);
    const ModelBytes model = serialize(*make_model(tiny_spec(), 1));
    REQUIRE(engine.load(model.data(), model.size()) == Status::kOk);
    CHECK(engine.run() == Status::kArenaNotBound);
    CHECK(engine.output() == nullptr);
    Arena arena(engine.arena_bytes());
    // Too small: below the model's plan (x86 sets bind anything from the plan up, see below).
    CHECK(engine.bind_arena(arena.data, engine.plan_arena_bytes() - 1) == Status::kArenaTooSmall);
    CHECK(engine.bind_arena(arena.data + 8, engine.arena_bytes() - 8) == Status::kMisalignedArena);
    CHECK(engine.bind_arena(nullptr, 1000) == Status::kNullArgument);
    CHECK(engine.bind_arena(arena.data, arena.size) == Status::kOk);
    // A failed load leaves the engine unloaded.
    CHECK(engine.load(model.data(), 10) == Status::kMalformedModel);
    CHECK(engine.run() == Status::kNotLoaded);
}

TEST_CASE("every status has a name and a one-line reason") {
    for (int i = 0; i < kStatusCount; ++i) {
        const std::string msg = status_message(static_cast<Status>(i));
        CHECK(!msg.empty());
        CHECK(msg.find('\n') == std::string::npos);
        CHECK(std::string(status_name(static_cast<Status>(i))).rfind("k", 0) == 0);
    }
    CHECK(std::string(status_name(Status::kOverlap)) == "kOverlap");
}

TEST_CASE("C API: every td_* function, from C, with a NULL engine, before load, before bind and after run") {
    const auto m = make_model(compact_spec(), 8);
    const ModelBytes model = serialize(*m);
    const auto& quantization = *m->tensors[static_cast<std::size_t>(m->output)]->quantization;
    const auto px = random_pixels(2, 784);
    Engine engine;
    REQUIRE(engine.load(model.data(), model.size()) == Status::kOk);
    Arena arena(engine.arena_bytes());  // exactly the plan's size: ASan sees any overrun
    const int first_failure =
        c_api_check_everything(model.data(), model.size(), arena.data, arena.size, m->plan->arena_bytes, px.data(),
                               quantization.scale[0], static_cast<int>(quantization.zero_point[0]));
    CHECK_MESSAGE(first_failure == 0, "first failed expectation: tests/engine/test_c_api.c line " << first_failure);
    // The C API classifies like the C++ one.
    Arena cpp_arena(engine.arena_bytes());
    REQUIRE(engine.bind_arena(cpp_arena.data, cpp_arena.size) == Status::kOk);
    REQUIRE(engine.set_input_pixels(px.data(), px.size()) == Status::kOk);
    REQUIRE(engine.run() == Status::kOk);
    float expected[10], got[10];
    REQUIRE(engine.probabilities(expected, 10) == Status::kOk);
    static td_engine c_engine;
    REQUIRE(td_load(&c_engine, model.data(), model.size()) == TD_OK);
    REQUIRE(td_bind_arena(&c_engine, arena.data, arena.size) == TD_OK);
    REQUIRE(td_set_input_pixels(&c_engine, px.data(), px.size()) == TD_OK);
    REQUIRE(td_run(&c_engine) == TD_OK);
    CHECK(td_argmax(&c_engine) == engine.argmax());
    CHECK(std::memcmp(td_output(&c_engine), engine.output(), 10) == 0);
    REQUIRE(td_probabilities(&c_engine, got, 10) == TD_OK);
    CHECK(std::memcmp(got, expected, sizeof got) == 0);
}

TEST_CASE("C API: status names and messages, and a fixed answer for numbers outside the enum") {
    CHECK(std::string(c_api_name(static_cast<int>(Status::kOverlap))) == "kOverlap");
    CHECK(std::string(c_api_message(static_cast<int>(Status::kEmptyGraph))) == "no operators");
    for (const int outside : {-3, -1, kStatusCount, 255}) {
        CAPTURE(outside);
        CHECK(std::string(c_api_message(outside)) == "unknown status code");
        CHECK(std::string(c_api_name(outside)) == "kUnknown");
    }
}
