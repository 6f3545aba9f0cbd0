#include "tinydigit/tools/quantize_network.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tinydigit/tools/quantize_error.hpp"
#include "tinydigit/tools/requantization.hpp"

namespace tinydigit::tools {

ActivationQuant activation_quant(Range range) {
    const double lo = std::min(0.0f, range.min);
    double hi = std::max(0.0f, range.max);
    if (!(hi > lo)) hi = lo + 1.0;  // a constant-zero tensor: any scale represents it exactly
    const auto scale = static_cast<float>((hi - lo) / 255.0);
    const double zero_point = std::round(-128.0 - lo / double{scale});
    return {scale, static_cast<std::int32_t>(std::clamp(zero_point, -128.0, 127.0))};
}

namespace {

// Rounds half away from zero (std::lround), as docs/format.md says.
template <typename T>
T round_clamped(double value, double lo, double hi) {
    return static_cast<T>(std::clamp(std::round(value), lo, hi));
}

QuantizedLayer quantize_layer(const FoldedLayer& f, ActivationQuant input, ActivationQuant output) {
    QuantizedLayer q;
    q.kind = f.kind;
    q.name = f.name;
    q.output_name = f.output_name;
    q.input_shape = f.input_shape;
    q.output_shape = f.output_shape;
    q.kernel_h = q.kernel_w = f.kernel;
    q.padding = f.padding;
    q.pool = f.pool;
    q.weight_shape = f.weight_shape;
    q.input = input;
    q.output = output;
    // ReLU is the clamp at the output zero point (real 0); the upper end is the int8 limit.
    q.act_min = static_cast<std::int8_t>(f.relu ? std::max(-128, output.zero_point) : -128);
    q.act_max = 127;

    const std::size_t out = f.bias.size();
    const std::size_t per_channel = f.weights.size() / out;
    q.weights.resize(f.weights.size());
    for (std::size_t o = 0; o < out; ++o) {
        const auto first = f.weights.begin() + static_cast<std::ptrdiff_t>(o * per_channel);
        float max_abs = 0.0f;
        std::for_each(first, first + static_cast<std::ptrdiff_t>(per_channel),
                      [&](float w) { max_abs = std::max(max_abs, std::abs(w)); });
        // An all-zero channel gets scale 1: its weights are 0 whatever the scale.
        const float s_w = max_abs > 0.0f ? max_abs / 127.0f : 1.0f;
        q.weight_scales.push_back(s_w);
        for (std::size_t i = 0; i < per_channel; ++i)
            q.weights[o * per_channel + i] =
                round_clamped<std::int8_t>(double{f.weights[o * per_channel + i]} / s_w, -127.0, 127.0);
        const double bias_scale = double{input.scale} * s_w;
        q.bias.push_back(round_clamped<std::int32_t>(f.bias[o] / bias_scale,
                                                     std::numeric_limits<std::int32_t>::min(),
                                                     std::numeric_limits<std::int32_t>::max()));
        const FixedPointMultiplier m = quantize_multiplier(input.scale, s_w, output.scale);
        q.multiplier.push_back(m.multiplier);
        q.shift.push_back(m.shift);
    }
    return q;
}

}  // namespace

QuantizedModel quantize_network(const FoldedNetwork& network, const Ranges& ranges) {
    QuantizedModel model;
    model.architecture = network.architecture;
    ActivationQuant input = model.input;
    for (const FoldedLayer& layer : network.layers) {
        const auto range = ranges.find(layer.output_name);
        if (range == ranges.end()) throw QuantizeError("no calibration range for " + layer.output_name);
        const ActivationQuant output = activation_quant(range->second);
        model.layers.push_back(quantize_layer(layer, input, output));
        input = output;
    }
    return model;
}

}  // namespace tinydigit::tools
