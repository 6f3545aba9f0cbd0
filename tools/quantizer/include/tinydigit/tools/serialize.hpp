// QuantizedModel -> model.fb bytes: scratch sizes from the engine's own functions
// (engine/scratch.hpp), the chain arena plan, and the writer.
#pragma once

#include <cstdint>
#include <vector>

#include "tinydigit/tools/memory_plan.hpp"
#include "tinydigit/tools/quantized_model.hpp"

namespace tinydigit::tools {

std::vector<std::uint32_t> engine_scratch_bytes(const QuantizedModel& model);
ChainPlan plan_model(const QuantizedModel& model);
std::vector<std::uint8_t> serialize_model(const QuantizedModel& model);

}  // namespace tinydigit::tools
