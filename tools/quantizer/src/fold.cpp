#include "tinydigit/tools/fold.hpp"

#include <cmath>

#include "tinydigit/tools/quantize_error.hpp"
#include "tinydigit/trainer/architecture.hpp"

namespace tinydigit::tools {

namespace {

std::string shape_text(const std::vector<int>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
}

const trainer::NamedTensor& tensor(const trainer::CheckpointData& c, const std::string& name,
                                   const std::vector<int>& shape) {
    const trainer::NamedTensor* t = nullptr;
    try {
        t = &c.find(name);
    } catch (const trainer::CheckpointError&) {
        throw QuantizeError("checkpoint has no tensor " + name + " (architecture " + c.architecture + ")");
    }
    if (t->shape != shape)
        throw QuantizeError("checkpoint tensor " + name + " has shape " + shape_text(t->shape) + ", architecture " +
                            c.architecture + " expects " + shape_text(shape));
    for (const float v : t->data)
        if (!std::isfinite(v)) throw QuantizeError("checkpoint tensor " + name + " holds a NaN or infinity");
    return *t;
}

}  // namespace

FoldedNetwork fold_checkpoint(const trainer::CheckpointData& c) {
    const auto arch = trainer::architecture_by_name(c.architecture);
    if (!arch) throw QuantizeError("unknown architecture '" + c.architecture + "' (expected seed or compact)");

    FoldedNetwork net;
    net.architecture = c.architecture;
    int size = trainer::Architecture::kInputSize;
    int channels = 1;
    int pools = 0;
    for (int i = 0; i < 6; ++i) {
        const auto& spec = trainer::Architecture::kConvs[static_cast<std::size_t>(i)];
        const int out = arch->conv_channels[static_cast<std::size_t>(i)];
        const int k = spec.kernel;
        const std::string id = std::to_string(i + 1);
        const auto& w = tensor(c, "conv" + id + ".weight", {out, channels, k, k});
        const auto& b = tensor(c, "conv" + id + ".bias", {out});
        const auto& gamma = tensor(c, "bn" + id + ".gamma", {out});
        const auto& beta = tensor(c, "bn" + id + ".beta", {out});
        const auto& mean = tensor(c, "bn" + id + ".running_mean", {out});
        const auto& var = tensor(c, "bn" + id + ".running_var", {out});

        FoldedLayer layer;
        layer.kind = LayerKind::Conv2D;
        layer.name = "conv" + id;
        layer.kernel = k;
        layer.padding = {spec.padding, spec.padding, spec.padding, spec.padding};
        layer.input_shape = {size, size, channels};
        const int conv_size = size + 2 * spec.padding - k + 1;
        layer.pool = spec.pool_after ? 2 : 0;
        size = spec.pool_after ? conv_size / 2 : conv_size;
        layer.output_name = spec.pool_after ? "pool" + std::to_string(++pools) : layer.name;
        layer.output_shape = {size, size, out};
        layer.weight_shape = {out, k, k, channels};
        layer.weights.resize(w.data.size());
        layer.bias.resize(static_cast<std::size_t>(out));
        // W' = W * gamma / sqrt(var + eps), b' = (b - mean) * gamma / sqrt(var + eps) + beta;
        // [O, I, KH, KW] -> OHWI.
        for (int o = 0; o < out; ++o) {
            const double v = var.data[static_cast<std::size_t>(o)];
            if (v < 0) throw QuantizeError("checkpoint tensor bn" + id + ".running_var is negative");
            const double g = gamma.data[static_cast<std::size_t>(o)] / std::sqrt(v + kBatchNormEpsilon);
            layer.bias[static_cast<std::size_t>(o)] = static_cast<float>(
                (b.data[static_cast<std::size_t>(o)] - double{mean.data[static_cast<std::size_t>(o)]}) * g +
                beta.data[static_cast<std::size_t>(o)]);
            for (int ci = 0; ci < channels; ++ci)
                for (int y = 0; y < k; ++y)
                    for (int x = 0; x < k; ++x) {
                        const std::size_t from = ((static_cast<std::size_t>(o) * channels + ci) * k + y) * k + x;
                        const std::size_t to = ((static_cast<std::size_t>(o) * k + y) * k + x) * channels + ci;
                        layer.weights[to] = static_cast<float>(w.data[from] * g);
                    }
        }
        net.layers.push_back(std::move(layer));
        channels = out;
    }

    // dense1: [O, C, H, W] over the last pooled map -> [O, H*W*C] in HWC order.
    const int units = arch->dense_units;
    const int flat = size * size * channels;
    const auto& w1 = tensor(c, "dense1.weight", {units, channels, size, size});
    const auto& b1 = tensor(c, "dense1.bias", {units});
    FoldedLayer dense1;
    dense1.kind = LayerKind::FullyConnected;
    dense1.name = dense1.output_name = "dense1";
    dense1.input_shape = {flat};
    dense1.output_shape = {units};
    dense1.weight_shape = {units, flat};
    dense1.weights.resize(w1.data.size());
    for (int o = 0; o < units; ++o)
        for (int ci = 0; ci < channels; ++ci)
            for (int y = 0; y < size; ++y)
                for (int x = 0; x < size; ++x) {
                    const std::size_t from = ((static_cast<std::size_t>(o) * channels + ci) * size + y) * size + x;
                    const std::size_t to = static_cast<std::size_t>(o) * flat + (static_cast<std::size_t>(y) * size + x) * channels + ci;
                    dense1.weights[to] = w1.data[from];
                }
    dense1.bias = b1.data;
    net.layers.push_back(std::move(dense1));

    const int classes = trainer::Architecture::kClasses;
    const auto& w2 = tensor(c, "dense2.weight", {classes, units});
    const auto& b2 = tensor(c, "dense2.bias", {classes});
    FoldedLayer dense2;
    dense2.kind = LayerKind::FullyConnected;
    dense2.name = dense2.output_name = "dense2";
    dense2.relu = false;
    dense2.input_shape = {units};
    dense2.output_shape = {classes};
    dense2.weight_shape = {classes, units};
    dense2.weights = w2.data;
    dense2.bias = b2.data;
    net.layers.push_back(std::move(dense2));
    return net;
}

}  // namespace tinydigit::tools
