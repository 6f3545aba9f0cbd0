#include <doctest/doctest.h>

#include <array>
#include <cmath>

#include "checkpoint_fixtures.hpp"
#include "tinydigit/tools/fold.hpp"
#include "tinydigit/tools/quantize_error.hpp"
#include "tinydigit/tools/quantize_network.hpp"

using namespace tinydigit::tools;
using tinydigit::testing::random_checkpoint;

namespace {

std::string error_of(const auto& f) {
    try {
        f();
    } catch (const QuantizeError& e) {
        return e.what();
    }
    return "no error";
}

Ranges ranges_for(const FoldedNetwork& net) {
    Ranges r;
    for (const auto& layer : net.layers) r[layer.output_name] = layer.relu ? Range{0.0f, 4.0f} : Range{-10.0f, 15.0f};
    return r;
}

}  // namespace

TEST_CASE("fold: shapes, ZeroPad-folded padding and fused pools follow architecture.hpp") {
    const auto net = fold_checkpoint(random_checkpoint("seed", 1));
    REQUIRE(net.layers.size() == 8);
    const std::vector<std::string> outputs = {"conv1", "pool1", "conv3", "pool2", "conv5", "pool3", "dense1", "dense2"};
    const std::vector<int> sizes = {30, 15, 17, 8, 8, 4};
    for (std::size_t i = 0; i < 8; ++i) CHECK(net.layers[i].output_name == outputs[i]);
    for (std::size_t i = 0; i < 6; ++i) CHECK(net.layers[i].output_shape[0] == sizes[i]);
    CHECK(net.layers[0].padding.top == 3);
    CHECK(net.layers[2].padding.left == 2);
    CHECK(net.layers[1].pool == 2);
    CHECK(net.layers[2].pool == 0);
    CHECK(net.layers[6].weight_shape == std::vector<int>{128, 4096});
    CHECK_FALSE(net.layers[7].relu);
}

TEST_CASE("fold: BatchNorm folds into OHWI conv weights and bias with Keras epsilon") {
    const auto c = random_checkpoint("compact", 2);
    const auto net = fold_checkpoint(c);
    const auto& w = c.find("conv3.weight");  // [32, 16, 3, 3]
    const float g = c.find("bn3.gamma").data[5], beta = c.find("bn3.beta").data[5];
    const float mean = c.find("bn3.running_mean").data[5], var = c.find("bn3.running_var").data[5];
    const float b = c.find("conv3.bias").data[5];
    const double factor = g / std::sqrt(double{var} + 1e-3);
    // o = 5, i = 7, kh = 2, kw = 1
    const float original = w.data[((5 * 16 + 7) * 3 + 2) * 3 + 1];
    const auto& layer = net.layers[2];
    CHECK(layer.weights[((5 * 3 + 2) * 3 + 1) * 16 + 7] == doctest::Approx(original * factor).epsilon(1e-6));
    CHECK(layer.bias[5] == doctest::Approx((b - mean) * factor + beta).epsilon(1e-6));
}

TEST_CASE("fold: dense1 weights move from [O, C, H, W] to HWC order") {
    const auto c = random_checkpoint("compact", 3);
    const auto net = fold_checkpoint(c);
    const auto& w = c.find("dense1.weight");  // [64, 64, 4, 4]
    const auto& layer = net.layers[6];
    const std::vector<std::array<int, 4>> picks = {{0, 0, 0, 0}, {3, 17, 2, 1}, {63, 63, 3, 3}};
    for (const auto& [o, ch, y, x] : picks) {
        const float original = w.data[((static_cast<std::size_t>(o) * 64 + ch) * 4 + y) * 4 + x];
        CHECK(layer.weights[static_cast<std::size_t>(o) * 1024 + (y * 4 + x) * 64 + ch] == original);
    }
}

TEST_CASE("fold: an unknown architecture, a missing tensor or a wrong shape is named") {
    auto c = random_checkpoint("compact", 4);
    c.architecture = "resnet";
    CHECK(error_of([&] { fold_checkpoint(c); }).find("unknown architecture 'resnet'") != std::string::npos);
    c = random_checkpoint("compact", 4);
    c.params.erase(c.params.begin() + 2);  // bn1.gamma
    CHECK(error_of([&] { fold_checkpoint(c); }) == "checkpoint has no tensor bn1.gamma (architecture compact)");
    c = random_checkpoint("compact", 4);
    c.architecture = "seed";
    CHECK(error_of([&] { fold_checkpoint(c); }).find("conv1.weight has shape [16,1,5,5], architecture seed expects [32,1,5,5]") !=
          std::string::npos);
    c = random_checkpoint("compact", 4);
    c.buffers[1].data[0] = NAN;
    CHECK(error_of([&] { fold_checkpoint(c); }).find("NaN") != std::string::npos);
}

TEST_CASE("activation quantization: ranges include 0, ReLU outputs get zero point -128") {
    const auto relu = activation_quant({0.0f, 6.0f});
    CHECK(relu.zero_point == -128);
    CHECK(relu.scale == doctest::Approx(6.0 / 255));
    const auto logits = activation_quant({-10.0f, 15.0f});
    CHECK(logits.scale == doctest::Approx(25.0 / 255));
    // real 0 maps to an integer: -128 - (-10) / s = -128 + 102 = -26
    CHECK(logits.zero_point == -26);
    const auto positive = activation_quant({2.0f, 3.0f});  // widened to [0, 3]
    CHECK(positive.zero_point == -128);
    const auto zero = activation_quant({0.0f, 0.0f});
    CHECK(zero.scale > 0.0f);
}

TEST_CASE("quantize network: weights within -127..127, per-channel scales reproduce the folded weights") {
    const auto net = fold_checkpoint(random_checkpoint("compact", 5));
    const auto model = quantize_network(net, ranges_for(net));
    REQUIRE(model.layers.size() == 8);
    for (std::size_t l = 0; l < 8; ++l) {
        const auto& q = model.layers[l];
        const auto& f = net.layers[l];
        const std::size_t out = f.bias.size(), per = f.weights.size() / out;
        CHECK(q.input.scale == (l == 0 ? 1.0f / 255.0f : model.layers[l - 1].output.scale));
        for (std::size_t o = 0; o < out; ++o) {
            bool hits_127 = false;
            for (std::size_t i = 0; i < per; ++i) {
                const int v = q.weights[o * per + i];
                REQUIRE(v >= -127);
                hits_127 = hits_127 || std::abs(v) == 127;
                CHECK(std::abs(v * q.weight_scales[o] - f.weights[o * per + i]) <= q.weight_scales[o] * 0.5f + 1e-7f);
            }
            CHECK(hits_127);  // the largest weight uses the full range
            CHECK(std::abs(q.bias[o] * double{q.input.scale} * q.weight_scales[o] - f.bias[o]) <=
                  double{q.input.scale} * q.weight_scales[o]);
            const double real = double{q.input.scale} * q.weight_scales[o] / q.output.scale;
            CHECK(std::ldexp(double(q.multiplier[o]), -q.shift[o]) == doctest::Approx(real).epsilon(1e-9));
        }
        CHECK(q.act_min == (f.relu ? q.output.zero_point : -128));
    }
}

TEST_CASE("quantize network: a missing calibration range is an error") {
    const auto net = fold_checkpoint(random_checkpoint("compact", 6));
    auto ranges = ranges_for(net);
    ranges.erase("pool2");
    CHECK(error_of([&] { quantize_network(net, ranges); }) == "no calibration range for pool2");
}
