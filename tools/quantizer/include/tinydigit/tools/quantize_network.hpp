// Folded float network + calibrated activation ranges -> int8 model (docs/quantization.md):
// symmetric per-output-channel weights, int32 biases, asymmetric per-tensor activations.
#pragma once

#include <map>
#include <string>

#include "tinydigit/tools/fold.hpp"
#include "tinydigit/tools/quantized_model.hpp"

namespace tinydigit::tools {

struct Range {
    float min = 0.0f;
    float max = 0.0f;
};

// Observed float range of each layer output, by output tensor name (conv1, pool1, ..., dense2).
using Ranges = std::map<std::string, Range>;

// scale = (hi - lo) / 255 over the range widened to include 0, zero point = round(-128 - lo / scale)
// (so real 0 is exactly representable; a ReLU output gets zero point -128).
ActivationQuant activation_quant(Range range);

// Throws QuantizeError when a layer output has no range.
QuantizedModel quantize_network(const FoldedNetwork& network, const Ranges& ranges);

}  // namespace tinydigit::tools
