// A tiny chain of the trainer's layers learns: it overfits a small batch of MNIST digits.
#include <memory>
#include <vector>

#include <doctest/doctest.h>

#include "tinydigit/host/dataset/idx.hpp"
#include "tinydigit/trainer/adam.hpp"
#include "tinydigit/trainer/bn_relu_layer.hpp"
#include "tinydigit/trainer/conv_layer.hpp"
#include "tinydigit/trainer/inner_product_layer.hpp"
#include "tinydigit/trainer/max_pool_layer.hpp"
#include "tinydigit/trainer/softmax_cross_entropy.hpp"
#include "gradient_check.hpp"

using namespace tinydigit::trainer;

TEST_CASE("conv -> BN+ReLU -> pool -> dense overfits 32 MNIST digits to 100 %") {
    const std::string dir = TINYDIGIT_DATA_DIR;
    const auto images = tinydigit::dataset::read_idx(dir + "/train-images-idx3-ubyte", dir + "/train-labels-idx1-ubyte");
    constexpr int n = 32;
    Device device;
    const auto input_desc = plain_desc({n, 1, 28, 28});
    std::vector<std::unique_ptr<Layer>> layers;
    layers.push_back(std::make_unique<ConvLayer>(device, "conv", input_desc, 8, 3, 1, false));
    layers.push_back(std::make_unique<BnReluLayer>(device, "bn", layers.back()->dst_desc()));
    layers.push_back(std::make_unique<MaxPoolLayer>(device, layers.back()->dst_desc()));
    layers.push_back(std::make_unique<InnerProductLayer>(device, "dense", layers.back()->dst_desc(), 10, true));
    std::vector<Parameter*> params;
    std::uint64_t key = 1;
    for (auto& layer : layers) {
        for (Parameter* p : layer->parameters()) {
            const float scale = p->fan_in ? 1.0f / static_cast<float>(p->fan_in) : 0.0f;
            auto values = testing::random_values(p->user_desc.get_size() / sizeof(float), key++, -scale, scale);
            if (!p->fan_in) std::fill(values.begin(), values.end(), p->init_constant);
            testing::write_plain(device, values, p->value);
            params.push_back(p);
        }
    }
    dnnl::memory input(input_desc, device.engine);
    for (std::size_t i = 0; i < n * 784; ++i) data_of(input)[i] = images.pixels[i] / 255.0f;
    dnnl::memory diff(layers.back()->dst_desc(), device.engine);
    Adam adam(params);
    LossResult result;
    for (int step = 0; step < 60; ++step) {
        const dnnl::memory* x = &input;
        for (auto& layer : layers) x = &layer->forward(*x, Mode::kTrain);
        device.stream.wait();
        result = softmax_cross_entropy(data_of(*x), images.labels.data(), n, 10, data_of(diff));
        const dnnl::memory* d = &diff;
        for (std::size_t i = layers.size(); i-- > 0;) d = &layers[i]->backward(*d);
        device.stream.wait();
        adam.step(0.01f);
    }
    CHECK(result.correct == n);
    CHECK(result.loss_sum / n < 0.05);
}
