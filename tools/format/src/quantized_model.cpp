#include "tinydigit/tools/quantized_model.hpp"

#include <numeric>

namespace tinydigit::tools {

std::size_t element_count(const std::vector<int>& shape) {
    return std::accumulate(shape.begin(), shape.end(), std::size_t{1},
                           [](std::size_t a, int b) { return a * static_cast<std::size_t>(b); });
}

std::uint64_t layer_macs(const QuantizedLayer& layer) {
    if (layer.kind == LayerKind::FullyConnected) return element_count(layer.weight_shape);
    // Conv: every conv output position the (floor-mode) pool reads runs the whole kernel.
    const int pool = layer.pool > 0 ? layer.pool : 1;
    const std::uint64_t conv_h = static_cast<std::uint64_t>(layer.output_shape[0]) * pool;
    const std::uint64_t conv_w = static_cast<std::uint64_t>(layer.output_shape[1]) * pool;
    return conv_h * conv_w * element_count(layer.weight_shape);
}

}  // namespace tinydigit::tools
