// A checkpoint's float network in the engine's form: BatchNorm folded into the conv weights and
// bias, ZeroPad folded into conv padding, conv+maxpool pairs fused, weights laid out OHWI and
// dense1's input in HWC order. Still float: quantization comes after calibration.
#pragma once

#include <string>
#include <vector>

#include "tinydigit/tools/quantized_model.hpp"
#include "tinydigit/host/training/checkpoint.hpp"

namespace tinydigit::tools {

// Keras BatchNormalization's default epsilon, which the trainer passes to oneDNN as a float.
inline constexpr float kBatchNormEpsilon = 1e-3f;  // bn_relu_layer.hpp kEpsilon

struct FoldedLayer {
    LayerKind kind = LayerKind::Conv2D;
    std::string name;         // "conv2"
    std::string output_name;  // "pool1" when a pool is fused
    std::vector<int> input_shape, output_shape;
    int kernel = 0;
    Padding padding;
    int pool = 0;
    bool relu = true;
    std::vector<int> weight_shape;  // OHWI or [O, I]
    std::vector<float> weights;
    std::vector<float> bias;
};

struct FoldedNetwork {
    std::string architecture;
    std::vector<FoldedLayer> layers;  // execution order
};

// Throws QuantizeError naming the architecture or tensor when the checkpoint does not match
// architecture.hpp (unknown architecture, missing tensor, wrong shape, non-finite value,
// negative running variance).
FoldedNetwork fold_checkpoint(const trainer::CheckpointData& checkpoint);

}  // namespace tinydigit::tools
