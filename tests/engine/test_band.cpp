// Banded chains (line buffering, schema/model.fbs): a conv->conv(+pool) chain run in row
// bands gives the same bytes as the two ops run whole, for every band height and kernel set;
// the verifier refuses every broken band plan with kBadBand (or the overlap it causes).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "model_builder.hpp"
#include "tinydigit/engine/engine.hpp"

using namespace tinydigit::engine;
using namespace tinydigit::engine::test;
namespace fbm = tinydigit::model;

namespace {

fbm::TensorT& tensor(fbm::ModelT& m, int i) { return *m.tensors[static_cast<std::size_t>(i)]; }
fbm::OperatorT& op(fbm::ModelT& m, int i) { return *m.operators[static_cast<std::size_t>(i)]; }

Status verify(const fbm::ModelT& m) {
    const ModelBytes bytes = serialize(m);
    return verify_model(bytes.data(), bytes.size());
}

// The output of run() and, through run_operator on an arena of `arena_bytes`, every op's
// output (empty where tensor_data() is null).
struct Outputs {
    std::vector<std::int8_t> logits;
    std::vector<std::vector<std::int8_t>> layers;
};

Outputs run(const ModelBytes& bytes, const KernelSet& kernels, const std::vector<std::int8_t>& input, bool layer_view) {
    Engine e;
    REQUIRE(e.load(bytes.data(), bytes.size(), kernels) == Status::kOk);
    Arena arena(layer_view ? e.layer_view_arena_bytes() : e.arena_bytes());
    REQUIRE(e.bind_arena(arena.data, arena.size) == Status::kOk);
    Outputs out;
    REQUIRE(e.set_input(input.data(), input.size()) == Status::kOk);
    REQUIRE(e.run() == Status::kOk);
    out.logits.assign(e.output(), e.output() + e.output_size());
    REQUIRE(e.set_input(input.data(), input.size()) == Status::kOk);
    for (int i = 0; i < e.operator_count(); ++i) {
        REQUIRE(e.run_operator(i) == Status::kOk);
        OperatorInfo info{};
        REQUIRE(e.operator_info(i, info) == Status::kOk);
        const std::int8_t* data = e.tensor_data(info.output_tensor);
        out.layers.emplace_back(data ? std::vector<std::int8_t>(data, data + info.output_bytes) : std::vector<std::int8_t>{});
    }
    CHECK(std::equal(out.logits.begin(), out.logits.end(), e.output()));
    return out;
}

std::vector<const KernelSet*> kernel_sets() {
    const KernelSet* sets[16];
    const int n = available_kernel_sets(sets, 16);
    return {sets, sets + n};
}

}  // namespace

TEST_CASE("band: chains run in row bands equal the ops run whole, every band height and kernel set") {
    struct Case {
        NetSpec spec;
        std::vector<int> consumers;  // ops that become the second op of a chain
    };
    const std::vector<Case> cases = {{tiny_spec(), {1}}, {compact_spec(), {1, 3, 5}}};
    std::mt19937 rng(5);
    for (const auto& c : cases) {
        for (const int band_rows : {1, 2, 3, 7}) {
            auto whole = make_model(c.spec, 11);
            auto banded = make_model(c.spec, 11);
            for (const int consumer : c.consumers) {
                const int out_h = tensor(*banded, op(*banded, consumer).outputs[0]).shape[0];
                band_chain(*banded, consumer, std::min(band_rows, out_h));
            }
            plan_disjoint(*banded);
            const ModelBytes whole_bytes = serialize(*whole);
            const ModelBytes banded_bytes = serialize(*banded);
            std::vector<std::int8_t> input(static_cast<std::size_t>(c.spec.in_h * c.spec.in_w * c.spec.in_c));
            for (auto& v : input) v = static_cast<std::int8_t>(rng() % 256 - 128);
            for (const KernelSet* k : kernel_sets()) {
                CAPTURE(k->name);
                CAPTURE(band_rows);
                const Outputs expected = run(whole_bytes, *k, input, false);
                const Outputs viewed = run(banded_bytes, *k, input, true);
                const Outputs planned = run(banded_bytes, *k, input, false);
                CHECK(viewed.logits == expected.logits);
                CHECK(planned.logits == expected.logits);
                CHECK(viewed.layers == expected.layers);  // the layer view keeps every layer whole
                for (std::size_t i = 0; i < expected.layers.size(); ++i) {
                    const bool windowed =
                        tensor(*banded, op(*banded, static_cast<int>(i)).outputs[0]).window_rows > 0;
                    CHECK(planned.layers[i] == (windowed ? std::vector<std::int8_t>{} : expected.layers[i]));
                }
            }
        }
    }
}

TEST_CASE("band: the committed models give the same logits in row bands as whole, with every kernel set") {
    std::mt19937 rng(9);
    for (const char* arch : {"seed", "compact"}) {
        CAPTURE(arch);
        std::ifstream f(std::filesystem::path(TINYDIGIT_SOURCE_DIR) / "models" / arch / "model.fb", std::ios::binary);
        REQUIRE(f);
        const std::vector<char> file((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        const ModelBytes bytes(reinterpret_cast<const std::uint8_t*>(file.data()), file.size());
        std::vector<std::int8_t> input(28 * 28);
        for (auto& v : input) v = static_cast<std::int8_t>(rng() % 256 - 128);
        for (const KernelSet* k : kernel_sets()) {
            CAPTURE(k->name);
            const Outputs planned = run(bytes, *k, input, false);
            const Outputs whole = run(bytes, *k, input, true);
            CHECK(planned.logits == whole.logits);
            CHECK(std::count_if(planned.layers.begin(), planned.layers.end(), [](const auto& l) { return l.empty(); }) == 3);
        }
    }
}

TEST_CASE("band: the layer view needs room for the largest windowed tensor, the plan arena runs without it") {
    auto m = make_model(compact_spec(), 3);
    band_chain(*m, 1, 1);
    band_chain(*m, 3, 1);
    plan_disjoint(*m);
    const ModelBytes bytes = serialize(*m);
    Engine e;
    REQUIRE(e.load(bytes.data(), bytes.size()) == Status::kOk);
    CHECK(e.layer_view_arena_bytes() == (e.arena_bytes() + 15) / 16 * 16 + 30 * 30 * 16);
    Arena arena(e.layer_view_arena_bytes() - 1);
    REQUIRE(e.bind_arena(arena.data, arena.size) == Status::kOk);
    OperatorInfo info{};
    REQUIRE(e.operator_info(0, info) == Status::kOk);
    CHECK(e.tensor_data(info.output_tensor) == nullptr);
    // The input is read at op 1, where the chain runs: op 0 alone leaves the window untouched.
    REQUIRE(e.run_operator(0) == Status::kOk);
    REQUIRE(e.run_operator(1) == Status::kOk);
    REQUIRE(e.operator_info(1, info) == Status::kOk);
    CHECK(e.tensor_data(info.output_tensor) != nullptr);
}

TEST_CASE("band: the verifier refuses broken band plans") {
    // tiny_spec(): op0 conv 3x3 pad 1 t0 -> t3 [8,8,4]; op1 conv 3x3 pad 2 + pool t3 -> t6 [5,5,8]; op2 FC.
    auto valid = [] {
        auto m = make_model(tiny_spec(), 1);
        band_chain(*m, 1, 1);
        plan_disjoint(*m);
        return m;
    };
    CHECK(verify(*valid()) == Status::kOk);
    SUBCASE("a window one row short of a band's input rows") {
        auto m = valid();
        tensor(*m, 3).window_rows -= 1;
        CHECK(verify(*m) == Status::kBadBand);
    }
    SUBCASE("a window taller than the tensor") {
        auto m = valid();
        tensor(*m, 3).window_rows = 9;
        CHECK(verify(*m) == Status::kBadBand);
    }
    SUBCASE("a window read by an op without band_rows") {
        auto m = valid();
        op(*m, 1).band_rows = 0;
        CHECK(verify(*m) == Status::kBadBand);
    }
    SUBCASE("band_rows without a window") {
        auto m = valid();
        tensor(*m, 3).window_rows = 0;
        plan_disjoint(*m);
        CHECK(verify(*m) == Status::kBadBand);
    }
    SUBCASE("band_rows above the output height, or negative") {
        auto m = valid();
        op(*m, 1).band_rows = 6;
        CHECK(verify(*m) == Status::kBadBand);
        op(*m, 1).band_rows = -1;
        CHECK(verify(*m) == Status::kBadBand);
    }
    SUBCASE("a producer with a fused pool, or a consumer that is not a conv") {
        auto m = valid();
        op(*m, 2).band_rows = 1;  // the FC reading the pooled t6
        tensor(*m, 6).window_rows = 5;
        plan_disjoint(*m);
        CHECK(verify(*m) == Status::kBadBand);
    }
    SUBCASE("a pad as large as the kernel (refused for any conv, banded or not)") {
        auto m = valid();
        op(*m, 1).params.AsConv2D()->pad_bottom = 3;  // 8 + 2 + 3 - 3 + 1 = 11 conv rows, pool 5
        CHECK(verify(*m) == Status::kBadParameter);
    }
    SUBCASE("a window on the model output, on a constant, on the model input") {
        auto m = valid();
        tensor(*m, 9).shape = {1, 1, 10};
        tensor(*m, 9).window_rows = 1;
        CHECK(verify(*m) == Status::kBadBand);
        auto c = valid();
        tensor(*c, 1).window_rows = 1;
        CHECK(verify(*c) == Status::kBadBand);
        auto i = valid();
        tensor(*i, 0).window_rows = 8;
        op(*i, 0).band_rows = 1;
        CHECK(verify(*i) == Status::kBadBand);
    }
    SUBCASE("the chain's input and output share bytes (both are alive during the whole chain)") {
        auto m = valid();
        tensor(*m, 6).arena_offset = tensor(*m, 0).arena_offset;
        CHECK(verify(*m) == Status::kOverlap);
    }
    SUBCASE("a scratch on the chain's output while the first op runs") {
        auto m = valid();
        REQUIRE(op(*m, 0).scratch_bytes > 0);
        op(*m, 0).scratch_offset = tensor(*m, 6).arena_offset;
        CHECK(verify(*m) == Status::kScratchOverlap);
    }
}
