// The text `inspect` prints: layer table, arena plan with lifetimes, flash and RAM totals, all
// read through the engine's view of the model it verified (no schema here).
#pragma once

#include <cstdint>
#include <string>

#include "tinydigit/engine/engine.hpp"

namespace tinydigit::tools {

struct ModelSizes {
    std::uint64_t file_bytes = 0;
    std::uint64_t weight_bytes = 0;   // int8 weights
    std::uint64_t bias_bytes = 0;     // int32 biases
    std::uint64_t requant_bytes = 0;  // int32 multiplier + int8 shift per output channel
    std::uint64_t macs = 0;           // per image
    std::uint32_t arena_bytes = 0;
};

// `engine` holds the loaded model; `file_bytes` is the model file's size.
ModelSizes model_sizes(const engine::Engine& engine, std::uint64_t file_bytes);

// "1,234,567"
std::string with_commas(std::uint64_t value);

std::string describe_model(const engine::Engine& engine, std::uint64_t file_bytes);

}  // namespace tinydigit::tools
