// Writes the model seeds in fuzz/corpus/model/ with the engine's test model builder
// (tests/engine/model_builder.hpp): small models, so that a load + run of every kernel set
// takes well under a millisecond and the fuzzer mutates every part of the file often.
// Each seed is checked to load before it is written.
//
// usage: make_model_seeds <corpus folder>     (fuzz/README.md shows the command)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "model_builder.hpp"
#include "tinydigit/engine/engine.hpp"
#include "tinydigit/engine/scratch.hpp"

namespace {

namespace fs = std::filesystem;
namespace model = tinydigit::model;
namespace test = tinydigit::engine::test;
using tinydigit::engine::Status;

std::unique_ptr<model::TensorT> activation(std::vector<std::int32_t> shape, const model::TensorT& like) {
    auto t = std::make_unique<model::TensorT>();
    t->type = model::ElementType::INT8;
    t->shape = std::move(shape);
    t->quantization = std::make_unique<model::QuantizationT>(*like.quantization);
    t->arena_offset = 0;  // plan_arena places it
    return t;
}

std::unique_ptr<model::OperatorT> op(model::OpParamsUnion params, std::int32_t in, std::int32_t out) {
    auto o = std::make_unique<model::OperatorT>();
    o->params = std::move(params);
    o->inputs = {in};
    o->outputs = {out};
    return o;
}

// The two ops the quantizer never emits but the engine runs: Pad (8x8 -> 10x10) before a
// 3x3 conv without padding, and a 2x2 MaxPool2D between the conv (8x8x4 -> 4x4x4) and the dense.
std::unique_ptr<model::ModelT> pad_conv_pool_dense(std::uint64_t seed) {
    auto m = test::make_model(test::NetSpec{10, 10, 1, {{4, 3, 0, false}}, {10}}, seed);
    auto& tensors = m->tensors;
    auto& operators = m->operators;

    // Pad: a new 8x8x1 model input padded with its zero point into the old 10x10x1 input.
    const auto padded = m->input;
    tensors.push_back(activation({8, 8, 1}, *tensors[static_cast<std::size_t>(padded)]));
    tensors.back()->name = "image";
    const auto image = static_cast<std::int32_t>(tensors.size() - 1);
    model::PadT pad;
    pad.pad_top = pad.pad_bottom = pad.pad_left = pad.pad_right = 1;
    pad.value = static_cast<std::int8_t>(tensors[static_cast<std::size_t>(padded)]->quantization->zero_point[0]);
    model::OpParamsUnion pad_params;
    pad_params.Set(pad);
    operators.insert(operators.begin(), op(std::move(pad_params), image, padded));
    m->input = image;

    // MaxPool2D: conv output 8x8x4 -> 4x4x4 with the same quantization; the dense reads it.
    auto& dense = *operators.back();
    const auto conv_out = dense.inputs[0];
    tensors.push_back(activation({4, 4, 4}, *tensors[static_cast<std::size_t>(conv_out)]));
    const auto pooled = static_cast<std::int32_t>(tensors.size() - 1);
    model::MaxPool2DT pool;
    pool.pool_h = pool.pool_w = pool.stride_h = pool.stride_w = 2;
    model::OpParamsUnion pool_params;
    pool_params.Set(pool);
    dense.inputs[0] = pooled;
    auto& weights = *tensors[static_cast<std::size_t>(dense.inputs[1])];
    weights.shape = {10, 64};
    m->buffers[static_cast<std::size_t>(weights.buffer)]->data.resize(10 * 64);
    dense.scratch_bytes = static_cast<std::int32_t>(tinydigit::engine::fully_connected_scratch_bytes(64, 10));
    operators.insert(operators.end() - 1, op(std::move(pool_params), conv_out, pooled));

    test::plan_arena(*m);
    return m;
}

bool write(const fs::path& path, const model::ModelT& m) {
    const test::ModelBytes bytes = test::serialize(m);
    tinydigit::engine::Engine engine;
    if (const Status s = engine.load(bytes.data(), bytes.size()); s != Status::kOk) {
        std::fprintf(stderr, "make_model_seeds: %s does not load: %s\n", path.c_str(),
                     tinydigit::engine::status_message(s));
        return false;
    }
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    std::printf("%s (%zu bytes, arena %u bytes, %d operators)\n", path.c_str(), bytes.size(), engine.arena_bytes(),
                engine.operator_count());
    return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_model_seeds <corpus folder>\n");
        return 2;
    }
    const fs::path out = fs::path(argv[1]) / "model";
    bool ok = write(out / "tiny-conv-pool-dense.fb", *test::make_model(test::tiny_spec(), 1));
    // Two dense layers (the first with ReLU) after an unpadded conv on a 2-channel input.
    ok = write(out / "conv-dense-dense.fb", *test::make_model(test::NetSpec{6, 6, 2, {{3, 3, 0, false}}, {5, 10}}, 2)) &&
         ok;
    ok = write(out / "pad-conv-maxpool-dense.fb", *pad_conv_pool_dense(3)) && ok;
    // A banded chain (line buffering, format 3): conv -> conv+pool in bands of 2 output rows.
    auto banded = test::make_model(test::tiny_spec(), 4);
    test::band_chain(*banded, 1, 2);
    test::plan_disjoint(*banded);
    ok = write(out / "banded-conv-conv-dense.fb", *banded) && ok;
    return ok ? 0 : 1;
}
