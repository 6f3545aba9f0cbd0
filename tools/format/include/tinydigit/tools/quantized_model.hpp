// The int8 network as the quantizer produces it, before it is serialized to schema/model.fbs.
// A chain: layer i reads the output of layer i-1 (layer 0 reads the input).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinydigit::tools {

struct ActivationQuant {
    float scale = 1.0f;
    std::int32_t zero_point = 0;  // -128..127
};

enum class LayerKind { Conv2D, FullyConnected };

struct Padding {
    int top = 0, bottom = 0, left = 0, right = 0;
};

struct QuantizedLayer {
    LayerKind kind = LayerKind::Conv2D;
    std::string name;         // the op: "conv2", "dense1"
    std::string output_name;  // its output tensor: "pool1" when a pool is fused, else the op name
    std::vector<int> input_shape;   // [H, W, C] or [N]
    std::vector<int> output_shape;  // [H, W, C] or [N]
    // Conv2D only.
    int kernel_h = 0, kernel_w = 0, stride = 1;
    Padding padding;
    int pool = 0;  // fused pool x pool max pool with stride `pool`; 0 = none
    // Weights: OHWI for Conv2D, [O, I] (I in HWC order) for FullyConnected.
    std::vector<int> weight_shape;
    std::vector<std::int8_t> weights;
    std::vector<float> weight_scales;  // per output channel
    std::vector<std::int32_t> bias;    // scale input.scale * weight_scales[o]
    std::vector<std::int32_t> multiplier;
    std::vector<std::int8_t> shift;
    std::int8_t act_min = -128, act_max = 127;
    ActivationQuant input;
    ActivationQuant output;
};

struct ModelProvenance {
    std::string source_checkpoint;
    std::string source_checkpoint_sha256;
    int calibration_images = 0;
    std::string calibration_source;
    float float_test_accuracy = -1.0f;
    float int8_test_accuracy = -1.0f;
    std::string tool_version;
};

struct QuantizedModel {
    std::string architecture;
    std::vector<int> input_shape{28, 28, 1};
    ActivationQuant input{1.0f / 255.0f, -128};
    std::vector<QuantizedLayer> layers;
    std::vector<std::string> labels{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    ModelProvenance provenance;
};

std::size_t element_count(const std::vector<int>& shape);

// MACs of one layer for one image, counting kernel taps that land on padding (what a
// straightforward int8 kernel executes). A fused floor-mode pool drops the conv rows and
// columns it never reads (17x17 -> 8x8 computes 16x16), so those are not counted.
std::uint64_t layer_macs(const QuantizedLayer& layer);

}  // namespace tinydigit::tools
