#include "model_fixtures.hpp"

#include <random>

#include "tinydigit/engine/scratch.hpp"
#include "tinydigit/tools/model_writer.hpp"
#include "tinydigit/tools/requantization.hpp"

namespace tinydigit::testing {

using namespace tinydigit::tools;

namespace {

void fill_layer(QuantizedLayer& layer, std::mt19937& rng, int out_channels) {
    std::uniform_int_distribution<int> weight(-127, 127), bias(-5000, 5000);
    for (std::size_t i = 0; i < element_count(layer.weight_shape); ++i)
        layer.weights.push_back(static_cast<std::int8_t>(weight(rng)));
    for (int o = 0; o < out_channels; ++o) {
        layer.weight_scales.push_back(0.001f * static_cast<float>(1 + o % 7));
        layer.bias.push_back(bias(rng));
        const auto q = quantize_multiplier(layer.input.scale, layer.weight_scales.back(), layer.output.scale);
        layer.multiplier.push_back(q.multiplier);
        layer.shift.push_back(q.shift);
    }
}

}  // namespace

QuantizedModel small_random_model(std::uint32_t seed) {
    std::mt19937 rng(seed);
    QuantizedModel model;
    model.architecture = "test";
    model.provenance.tool_version = "test";

    QuantizedLayer conv;
    conv.kind = LayerKind::Conv2D;
    conv.name = "conv1";
    conv.output_name = "pool1";
    conv.input_shape = {28, 28, 1};
    conv.output_shape = {14, 14, 4};
    conv.kernel_h = conv.kernel_w = 3;
    conv.padding = {1, 1, 1, 1};
    conv.pool = 2;
    conv.weight_shape = {4, 3, 3, 1};
    conv.input = model.input;
    conv.output = {0.05f, -128};
    fill_layer(conv, rng, 4);
    model.layers.push_back(conv);

    QuantizedLayer dense;
    dense.kind = LayerKind::FullyConnected;
    dense.name = dense.output_name = "dense1";
    dense.input_shape = {784};
    dense.output_shape = {10};
    dense.weight_shape = {10, 784};
    dense.input = conv.output;
    dense.output = {0.2f, 3};
    fill_layer(dense, rng, 10);
    model.layers.push_back(dense);
    return model;
}

std::vector<std::uint8_t> small_random_model_bytes(std::uint32_t seed) {
    const QuantizedModel model = small_random_model(seed);
    // The engine's scratch needs: model_to_c and the tools refuse a model the engine would.
    const ChainPlan plan = plan_chain(chain_plan_request(
        model, {static_cast<std::uint32_t>(engine::conv2d_scratch_bytes(3, 3, 1, 4)),
                static_cast<std::uint32_t>(engine::fully_connected_scratch_bytes(784, 10))}));
    return write_model_flatbuffer(model, plan);
}

}  // namespace tinydigit::testing
