// Serializes a QuantizedModel and its arena plan to the bytes of a model.fb (schema/model.fbs).
#pragma once

#include <cstdint>
#include <vector>

#include "tinydigit/tools/memory_plan.hpp"
#include "tinydigit/tools/quantized_model.hpp"

namespace tinydigit::tools {

// 2: the file ends in the integrity footer (docs/format.md); 1 had none and is refused.
inline constexpr std::uint32_t kModelFormatVersion = 3;
inline constexpr std::size_t kConstantAlignment = 16;

// The plan request for the model's chain: activation sizes in execution order plus the
// scratch bytes the caller computed for each layer (from the engine's scratch-size functions).
ChainPlanRequest chain_plan_request(const QuantizedModel& model, std::vector<std::uint32_t> scratch_bytes);

// Every constant data vector starts 16-byte aligned relative to the start of the returned
// buffer, the buffer length is a multiple of 16, and it ends in the integrity footer.
std::vector<std::uint8_t> write_model_flatbuffer(const QuantizedModel& model, const ChainPlan& plan);

}  // namespace tinydigit::tools
