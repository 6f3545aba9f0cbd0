// The engine's read-only view of a verified model (operator_info.hpp, td_operator_info):
// what the firmware's layer table, the tools' per-layer runs and the C API report, checked
// against the model the test built (its object form) rather than against the engine's code.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "model_builder.hpp"
#include "tinydigit/engine/c_api.h"
#include "tinydigit/engine/engine.hpp"

extern "C" int c_api_describe(const void* model, size_t size, int index, td_op_info* op, td_plan_info* plan);

using namespace tinydigit::engine;
using namespace tinydigit::engine::test;

namespace {

std::uint64_t product(const std::vector<std::int32_t>& dims) {
    std::uint64_t n = 1;
    for (const auto d : dims) n *= static_cast<std::uint64_t>(d);
    return n;
}

}  // namespace

TEST_CASE("operator_info: kinds, tensors, shapes, bytes, offsets and MACs are the model's") {
    for (const auto& spec : {seed_spec(), compact_spec()}) {
        const auto m = make_model(spec, 5);
        const ModelBytes bytes = serialize(*m);
        Engine engine;
        OperatorInfo info{};
        CHECK(engine.operator_info(0, info) == Status::kNotLoaded);
        CHECK(engine.plan().arena_bytes == 0);
        REQUIRE(engine.load(bytes.data(), bytes.size()) == Status::kOk);
        REQUIRE(engine.operator_count() == static_cast<int>(m->operators.size()));
        for (int i = 0; i < engine.operator_count(); ++i) {
            CAPTURE(i);
            const auto& op = *m->operators[static_cast<std::size_t>(i)];
            const auto& in = *m->tensors[static_cast<std::size_t>(op.inputs[0])];
            const auto& out = *m->tensors[static_cast<std::size_t>(op.outputs[0])];
            REQUIRE(engine.operator_info(i, info) == Status::kOk);
            CHECK(info.input_tensor == op.inputs[0]);
            CHECK(info.output_tensor == op.outputs[0]);
            CHECK(std::string(info.output_name) == out.name);
            REQUIRE(info.output.rank == static_cast<std::int32_t>(out.shape.size()));
            for (std::size_t d = 0; d < out.shape.size(); ++d) CHECK(info.output.dim[d] == out.shape[d]);
            REQUIRE(info.input.rank == static_cast<std::int32_t>(in.shape.size()));
            for (std::size_t d = 0; d < in.shape.size(); ++d) CHECK(info.input.dim[d] == in.shape[d]);
            CHECK(info.output_bytes == product(out.shape));
            CHECK(info.output_offset == static_cast<std::uint32_t>(out.arena_offset));
            CHECK(info.scratch_bytes == op.scratch_bytes);
            if (const auto* conv = op.params.AsConv2D()) {
                const auto& w = *m->tensors[static_cast<std::size_t>(op.inputs[1])];
                const std::int64_t conv_h = (in.shape[0] + conv->pad_top + conv->pad_bottom - conv->kernel_h) / conv->stride_h + 1;
                const std::int64_t conv_w = (in.shape[1] + conv->pad_left + conv->pad_right - conv->kernel_w) / conv->stride_w + 1;
                CHECK(info.kind == (conv->pool_h > 0 ? OpKind::kConv2DMaxPool : OpKind::kConv2D));
                CHECK(info.macs == static_cast<std::uint64_t>(conv_h * conv_w) * product(w.shape));
            } else if (op.params.AsFullyConnected()) {
                CHECK(info.kind == OpKind::kFullyConnected);
                CHECK(info.macs == product(m->tensors[static_cast<std::size_t>(op.inputs[1])]->shape));
            } else {
                CHECK(info.macs == 0);
            }
        }
        CHECK(engine.operator_info(engine.operator_count(), info) == Status::kBadParameter);
        CHECK(engine.operator_info(-1, info) == Status::kBadParameter);
        CHECK(engine.plan().arena_bytes == m->plan->arena_bytes);
        CHECK(engine.plan().peak_activation_bytes == m->plan->peak_activation_bytes);
        CHECK(engine.plan().peak_scratch_bytes == m->plan->peak_scratch_bytes);
    }
}

TEST_CASE("operator_info: the seed's first conv covers its padded 30x30 map") {
    const auto m = make_model(seed_spec(), 5);
    const ModelBytes bytes = serialize(*m);
    Engine engine;
    REQUIRE(engine.load(bytes.data(), bytes.size()) == Status::kOk);
    OperatorInfo info{};
    REQUIRE(engine.operator_info(0, info) == Status::kOk);
    // 28 + 3 + 3 - 5 + 1 = 30 per side (ZeroPad folded in), 5x5x1 taps per output channel.
    CHECK(info.macs == 30u * 30u * 25u * static_cast<std::uint64_t>(info.output.dim[2]));
    CHECK(std::string(op_kind_name(info.kind)) == "Conv2D");
}

TEST_CASE("C API: td_operator_info and td_plan report what the C++ view reports") {
    const auto m = make_model(compact_spec(), 6);
    const ModelBytes bytes = serialize(*m);
    Engine engine;
    REQUIRE(engine.load(bytes.data(), bytes.size()) == Status::kOk);
    for (int i = 0; i < engine.operator_count(); ++i) {
        CAPTURE(i);
        OperatorInfo info{};
        REQUIRE(engine.operator_info(i, info) == Status::kOk);
        td_op_info op{};
        td_plan_info plan{};
        REQUIRE(c_api_describe(bytes.data(), bytes.size(), i, &op, &plan) == TD_OK);
        CHECK(op.kind == static_cast<int>(info.kind));
        CHECK(std::string(op.kind_name) == op_kind_name(info.kind));
        CHECK(std::string(op.output_name) == info.output_name);
        CHECK(op.output_tensor == info.output_tensor);
        CHECK(op.output_rank == info.output.rank);
        CHECK(std::memcmp(op.output_dims, info.output.dim, sizeof op.output_dims) == 0);
        CHECK(op.output_bytes == info.output_bytes);
        CHECK(op.output_offset == info.output_offset);
        CHECK(op.macs == info.macs);
        CHECK(plan.arena_bytes == engine.plan().arena_bytes);
    }
    td_op_info op{};
    td_plan_info plan{};
    CHECK(c_api_describe(bytes.data(), bytes.size(), engine.operator_count(), &op, &plan) ==
          static_cast<int>(Status::kBadParameter));
    CHECK(td_operator_info(nullptr, 0, &op) == static_cast<int>(Status::kNullArgument));
}
