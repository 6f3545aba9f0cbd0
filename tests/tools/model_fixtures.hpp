// Small, valid int8 models with random weights for the format and tool tests.
#pragma once

#include <cstdint>
#include <vector>

#include "tinydigit/tools/memory_plan.hpp"
#include "tinydigit/tools/quantized_model.hpp"

namespace tinydigit::testing {

// input 28x28x1 -> Conv2D 3x3 pad 1 + fused 2x2 pool (14x14x4) -> FullyConnected 10, random
// weights, consistent scales and multipliers.
tools::QuantizedModel small_random_model(std::uint32_t seed);

// The bytes of model.fb for it, planned without scratch.
std::vector<std::uint8_t> small_random_model_bytes(std::uint32_t seed);

}  // namespace tinydigit::testing
