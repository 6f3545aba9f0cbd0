// What the demo reports per operator: its kind, the tensor it writes, the shape and the
// multiply-accumulates one inference executes (kernel taps on padding included, as the
// engine computes them).
#pragma once

#include <cstdint>

namespace tinydigit::model {
struct Model;
}

struct LayerInfo {
    const char* kind;         // "Conv2D", "MaxPool2D", ...
    const char* output_name;  // the model's tensor name
    int output_tensor;
    std::int32_t height, width, channels;  // of the output; height = width = 1 for a vector
    std::uint32_t output_bytes;
    std::uint64_t macs;
};

// The model must have passed the engine's verification (so every index and shape is valid).
LayerInfo describe_layer(const tinydigit::model::Model& model, int op_index);
