// The text `inspect` prints: layer table, arena plan with lifetimes, flash and RAM totals.
#pragma once

#include <cstdint>
#include <string>

#include "tinydigit/tools/model_file.hpp"

namespace tinydigit::tools {

struct ModelSizes {
    std::uint64_t file_bytes = 0;
    std::uint64_t weight_bytes = 0;   // int8 weights
    std::uint64_t bias_bytes = 0;     // int32 biases
    std::uint64_t requant_bytes = 0;  // int32 multiplier + int8 shift per output channel
    std::uint64_t macs = 0;           // per image
    std::uint32_t arena_bytes = 0;
};

ModelSizes model_sizes(const ModelFile& file);

// "1,234,567"
std::string with_commas(std::uint64_t value);

std::string describe_model(const ModelFile& file);

}  // namespace tinydigit::tools
