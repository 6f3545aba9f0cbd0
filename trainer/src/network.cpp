#include "tinydigit/trainer/network.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "tinydigit/trainer/conv_layer.hpp"
#include "tinydigit/trainer/counter_rng.hpp"
#include "tinydigit/trainer/inner_product_layer.hpp"
#include "tinydigit/trainer/max_pool_layer.hpp"
#include "tinydigit/trainer/relu_layer.hpp"
#include "tinydigit/trainer/zero_pad_layer.hpp"

namespace tinydigit::trainer {

using dnnl::memory;

Network::Network(const Architecture& arch, int batch, Precision precision)
    : arch_(arch), batch_(batch) {
    if (precision == Precision::kBF16) {
        if (!bf16_supported()) {
            throw std::runtime_error("bf16 training needs a CPU with AVX-512 (oneDNN 2.6 has no bf16 kernels below it)");
        }
        device_.activations = memory::data_type::bf16;
    }
    const int size = Architecture::kInputSize;
    input_ = memory(plain_desc({batch, 1, size, size}), device_.engine);
    memory::desc desc = input_.get_desc();
    auto add = [&](std::unique_ptr<Layer> layer, const std::string& tap = {}) {
        desc = layer->dst_desc();
        if (!tap.empty()) {
            tap_layer_.push_back(layers_.size());
            taps_.push_back({tap, nullptr});
        }
        layers_.push_back(std::move(layer));
    };
    auto add_dropout = [&](float rate) {
        auto layer = std::make_unique<DropoutLayer>(device_, desc, rate);
        dropouts_.push_back(layer.get());
        add(std::move(layer));
    };
    int pool = 0;
    for (std::size_t i = 0; i < Architecture::kConvs.size(); ++i) {
        const ConvSpec& spec = Architecture::kConvs[i];
        const std::string n = std::to_string(i + 1);
        // Padding beyond kernel / 2 (the folded ZeroPad) is applied explicitly; see zero_pad_layer.hpp.
        const int same = spec.kernel / 2;
        if (spec.padding > same) add(std::make_unique<ZeroPadLayer>(device_, desc, spec.padding - same));
        if (i == 0) first_conv_ = layers_.size();
        add(std::make_unique<ConvLayer>(device_, "conv" + n, desc, arch.conv_channels[i], spec.kernel,
                                        std::min(spec.padding, same), i > 0));
        auto bn = std::make_unique<BnReluLayer>(device_, "bn" + n, desc);
        batch_norms_.push_back(bn.get());
        add(std::move(bn), "conv" + n);
        if (spec.pool_after) add(std::make_unique<MaxPoolLayer>(device_, desc), "pool" + std::to_string(++pool));
        if (spec.dropout_after > 0.0f) add_dropout(spec.dropout_after);
    }
    add(std::make_unique<InnerProductLayer>(device_, "dense1", desc, arch.dense_units, true));
    add(std::make_unique<ReluLayer>(device_, desc), "dense1");
    add_dropout(arch.dense_dropout);
    add(std::make_unique<InnerProductLayer>(device_, "dense2", desc, Architecture::kClasses, true), "dense2");
    diff_logits_ = memory(desc, device_.engine);
    outputs_.resize(layers_.size());
    for (auto& layer : layers_) {
        for (Parameter* p : layer->parameters()) parameters_.push_back(p);
        for (const Buffer& b : layer->buffers()) buffers_.push_back(b);
    }
}

const float* Network::forward(Mode mode, std::uint64_t dropout_key) {
    for (std::size_t i = 0; i < dropouts_.size(); ++i) dropouts_[i]->set_key(splitmix64(dropout_key + i));
    const memory* x = &input_;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        x = &layers_[i]->forward(*x, mode);
        outputs_[i] = x;
    }
    for (std::size_t t = 0; t < taps_.size(); ++t) taps_[t].memory = outputs_[tap_layer_[t]];
    device_.stream.wait();
    return data_of(*x);
}

void Network::backward(const float* diff_logits) {
    std::memcpy(data_of(diff_logits_), diff_logits, diff_logits_.get_desc().get_size());
    const memory* d = &diff_logits_;
    // Nothing below conv1 has parameters: the gradient w.r.t. the image is never computed.
    for (std::size_t i = layers_.size(); i-- > first_conv_;) d = &layers_[i]->backward(*d);
    device_.stream.wait();
}

void Network::begin_bn_statistics() {
    for (BnReluLayer* bn : batch_norms_) bn->begin_statistics();
}

void Network::end_bn_statistics() {
    for (BnReluLayer* bn : batch_norms_) bn->end_statistics();
}

void Network::initialize(std::uint64_t seed) {
    for (std::size_t i = 0; i < parameters_.size(); ++i) {
        Parameter& p = *parameters_[i];
        std::size_t count = 1;
        for (int s : p.shape) count *= static_cast<std::size_t>(s);
        std::vector<float> values(count, p.init_constant);
        if (p.fan_in > 0) {
            const float limit = std::sqrt(6.0f / static_cast<float>(p.fan_in + p.fan_out));
            CounterRng rng(stream_key(seed, 0, i, Purpose::kInit));
            for (float& v : values) v = rng.uniform(-limit, limit);
        }
        from_user(values, p.user_desc, p.value);
    }
    for (const Buffer& b : buffers_) {
        const bool is_var = b.name.ends_with("running_var");
        std::fill(b.values->begin(), b.values->end(), is_var ? 1.0f : 0.0f);
    }
}

std::vector<float> Network::to_user(const memory& m, const memory::desc& user) {
    std::vector<float> values(user.get_size() / sizeof(float));
    memory out(user, device_.engine, values.data());
    reorder_into(device_, m, out);
    device_.stream.wait();
    return values;
}

void Network::from_user(std::span<const float> values, const memory::desc& user, const memory& m) {
    // Padding of blocked layouts must be zero; the reorder writes it.
    memory in(user, device_.engine, const_cast<float*>(values.data()));
    reorder_into(device_, in, m);
    device_.stream.wait();
}

}  // namespace tinydigit::trainer
