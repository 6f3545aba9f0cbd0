// Every layer's backward pass against central finite differences on small shapes.
#include <doctest/doctest.h>

#include "gradient_check.hpp"
#include "tinydigit/trainer/bn_relu_layer.hpp"
#include "tinydigit/trainer/conv_layer.hpp"
#include "tinydigit/trainer/counter_rng.hpp"
#include "tinydigit/trainer/dropout_layer.hpp"
#include "tinydigit/trainer/inner_product_layer.hpp"
#include "tinydigit/trainer/max_pool_layer.hpp"
#include "tinydigit/trainer/relu_layer.hpp"
#include "tinydigit/trainer/zero_pad_layer.hpp"

using namespace tinydigit::trainer;
using tinydigit::trainer::testing::GradientCheck;
using tinydigit::trainer::testing::random_values;
using tinydigit::trainer::testing::write_plain;

namespace {

void randomize_parameters(Device& device, Layer& layer, std::uint64_t key) {
    for (Parameter* p : layer.parameters()) {
        write_plain(device, random_values(p->user_desc.get_size() / sizeof(float), key++, -0.5f, 0.5f), p->value);
    }
}

}  // namespace

TEST_CASE("convolution backward (data, weights, bias) matches finite differences") {
    Device device;
    // oneDNN's kernels and the trainer's own Winograd; 7x5 maps give Winograd edge tiles.
    for (const ConvChoice choice : {ConvChoice::kOneDnn, ConvChoice::kOwnWinograd}) {
        for (const int padding : {0, 1, 2}) {
            CAPTURE(padding);
            CAPTURE(choice == ConvChoice::kOwnWinograd);
            const auto src = plain_desc({2, 3, 7, 5});
            ConvLayer conv(device, "conv", src, 4, 3, padding, true, choice);
            CHECK(conv.uses_own_winograd() == (choice == ConvChoice::kOwnWinograd));
            randomize_parameters(device, conv, 10);
            GradientCheck(device, conv, src, 1).check(1e-2f, 2e-3);
        }
    }
}

TEST_CASE("the first convolution (one input channel, 5x5) gets weight gradients without an input gradient") {
    Device device;
    const auto src = plain_desc({2, 1, 8, 8});
    ConvLayer conv(device, "conv", src, 16, 5, 2, false);
    randomize_parameters(device, conv, 20);
    GradientCheck(device, conv, src, 2).check(1e-2f, 2e-3);
}

TEST_CASE("batch normalization with fused ReLU backward matches finite differences") {
    Device device;
    // Blocked channels as in the network (the conv before it chooses them).
    for (const auto tag : {dnnl::memory::format_tag::nChw16c, dnnl::memory::format_tag::nhwc}) {
        const dnnl::memory::desc src({4, 16, 3, 3}, dnnl::memory::data_type::f32, tag);
        BnReluLayer bn(device, "bn", src);
        randomize_parameters(device, bn, 30);
        GradientCheck(device, bn, src, 3).check(1e-3f, 1e-2);
    }
}

TEST_CASE("max pooling backward routes the gradient to the maximum (odd size drops the last row)") {
    Device device;
    const auto src = plain_desc({2, 3, 5, 5});
    MaxPoolLayer pool(device, src);
    CHECK(pool.dst_desc().dims() == dnnl::memory::dims{2, 3, 2, 2});
    GradientCheck(device, pool, src, 4).check(1e-3f, 1e-3);
}

TEST_CASE("inner product backward matches finite differences for 4-D and 2-D inputs") {
    Device device;
    SUBCASE("flattening a 4-D map") {
        const auto src = plain_desc({3, 4, 2, 2});
        InnerProductLayer ip(device, "ip", src, 5, true);
        randomize_parameters(device, ip, 40);
        GradientCheck(device, ip, src, 5).check(1e-2f, 2e-3);
    }
    SUBCASE("2-D") {
        const auto src = plain_desc({3, 7});
        InnerProductLayer ip(device, "ip", src, 10, true);
        randomize_parameters(device, ip, 50);
        GradientCheck(device, ip, src, 6).check(1e-2f, 2e-3);
    }
}

TEST_CASE("ReLU backward matches finite differences") {
    Device device;
    const auto src = plain_desc({4, 9});
    ReluLayer relu(device, src);
    GradientCheck(device, relu, src, 7).check(1e-3f, 1e-3);
}

TEST_CASE("dropout backward applies the same mask as forward, and evaluation is the identity") {
    Device device;
    const auto src = plain_desc({4, 64});
    DropoutLayer dropout(device, src, 0.4f);
    dropout.set_key(99);
    GradientCheck check(device, dropout, src, 8);
    check.check(1e-3f, 1e-3, 64);

    dnnl::memory x(src, device.engine);
    write_plain(device, random_values(256, 3), x);
    const auto y = tinydigit::trainer::testing::read_plain(device, dropout.forward(x, Mode::kTrain));
    std::size_t dropped = 0;
    for (float v : y) dropped += v == 0.0f;
    CHECK(dropped > 256 * 0.25);
    CHECK(dropped < 256 * 0.55);
    CHECK(&dropout.forward(x, Mode::kEval) == &x);
}

TEST_CASE("dropout masks are the stream's draws in order, whichever thread fills them") {
    // Element j keeps its input when 16-bit piece j % 4 of the stream's draw j / 4 + 1 is at
    // least rate * 2^16. 2 x 1001 elements on 3 threads: uneven pieces and a partial last draw.
    const tinydigit::trainer::testing::OmpThreads threads(3);
    Device device;
    const auto src = plain_desc({2, 1001});
    const float rate = 0.3f;
    DropoutLayer dropout(device, src, rate);
    dropout.set_key(12345);
    dnnl::memory x(src, device.engine);
    write_plain(device, std::vector<float>(2002, 1.0f), x);
    const auto y = tinydigit::trainer::testing::read_plain(device, dropout.forward(x, Mode::kTrain));
    CounterRng rng(12345);
    std::uint64_t bits = 0;
    for (std::size_t j = 0; j < y.size(); ++j, bits >>= 16) {
        if (j % 4 == 0) bits = rng.next();
        const bool keep = (bits & 0xFFFFu) >= static_cast<std::uint32_t>(rate * 65536.0f);
        REQUIRE(y[j] == (keep ? 1.0f / (1.0f - rate) : 0.0f));
    }
}

TEST_CASE("dropout drops the same activations whatever their layout") {
    Device device;
    std::vector<std::vector<float>> outputs;
    for (const auto tag : {dnnl::memory::format_tag::nchw, dnnl::memory::format_tag::nhwc,
                           dnnl::memory::format_tag::nChw8c}) {
        const dnnl::memory::desc src({2, 12, 3, 5}, dnnl::memory::data_type::f32, tag);
        DropoutLayer dropout(device, src, 0.5f);
        dropout.set_key(77);
        dnnl::memory x(src, device.engine);
        write_plain(device, random_values(2 * 12 * 3 * 5, 78), x);
        outputs.push_back(tinydigit::trainer::testing::read_plain(device, dropout.forward(x, Mode::kTrain)));
    }
    CHECK(outputs[1] == outputs[0]);
    CHECK(outputs[2] == outputs[0]);
}

TEST_CASE("zero padding backward takes the interior of the gradient") {
    Device device;
    const dnnl::memory::desc src({2, 16, 3, 3}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nChw16c);
    ZeroPadLayer pad(device, src, 1);
    CHECK(pad.dst_desc().dims() == dnnl::memory::dims{2, 16, 5, 5});
    GradientCheck(device, pad, src, 9).check(1e-3f, 1e-4);
}

TEST_CASE("batch normalization: running statistics converge to the batch's, then evaluation matches training") {
    Device device;
    const dnnl::memory::desc src({8, 16, 4, 4}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nChw16c);
    BnReluLayer bn(device, "bn", src);
    // gamma and beta start as whatever the allocation held (Network::initialize sets them).
    for (Parameter* p : bn.parameters()) write_plain(device, std::vector<float>(16, p->init_constant), p->value);
    auto values = random_values(8 * 16 * 16, 5, 1.0f, 5.0f);  // per-channel mean about 3
    dnnl::memory x(src, device.engine);
    write_plain(device, values, x);
    std::vector<float> train_out;
    for (int i = 0; i < 1000; ++i) train_out = tinydigit::trainer::testing::read_plain(device, bn.forward(x, Mode::kTrain));
    const auto buffers = bn.buffers();
    REQUIRE(buffers.size() == 2);
    CHECK(buffers[0].values->at(0) == doctest::Approx(3.0).epsilon(0.2));
    const auto eval_out = tinydigit::trainer::testing::read_plain(device, bn.forward(x, Mode::kEval));
    double worst = 0.0;
    for (std::size_t i = 0; i < eval_out.size(); ++i) worst = std::max(worst, std::abs(double{eval_out[i]} - train_out[i]));
    // Only the unbiased running variance (n / (n - 1), n = 128) separates the two.
    CHECK(worst < 0.02);
}

TEST_CASE("batch normalization: statistics passes over several batches install the population mean and variance") {
    Device device;
    const dnnl::memory::desc src({4, 16, 2, 2}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nchw);
    BnReluLayer bn(device, "bn", src);
    dnnl::memory x(src, device.engine);
    const std::vector<float> first = random_values(4 * 16 * 4, 11, 1.0f, 5.0f);
    const std::vector<float> second = random_values(4 * 16 * 4, 12, -2.0f, 1.0f);
    bn.begin_statistics();
    for (const auto* values : {&first, &second}) {
        write_plain(device, *values, x);
        bn.forward(x, Mode::kStatistics);
    }
    bn.end_statistics();
    const auto buffers = bn.buffers();
    for (int c : {0, 7, 15}) {
        double sum = 0.0, sum_squares = 0.0;
        for (const auto* values : {&first, &second}) {
            for (int n = 0; n < 4; ++n) {
                for (int p = 0; p < 4; ++p) {
                    const double v = (*values)[static_cast<std::size_t>((n * 16 + c) * 4 + p)];
                    sum += v;
                    sum_squares += v * v;
                }
            }
        }
        const double mean = sum / 32, variance = sum_squares / 32 - mean * mean;
        CAPTURE(c);
        CHECK(buffers[0].values->at(static_cast<std::size_t>(c)) == doctest::Approx(mean).epsilon(1e-5));
        CHECK(buffers[1].values->at(static_cast<std::size_t>(c)) == doctest::Approx(variance).epsilon(1e-5));
    }
}
