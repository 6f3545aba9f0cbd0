// A read-only view of what the engine verified, for tools and firmware that describe a model
// (layer tables, per-layer checks) without reading its FlatBuffers schema. Plain values made
// on request from the verified model: no heap, and no RAM kept for them in the Engine.
#pragma once

#include <cstdint>

namespace tinydigit::engine {

enum class OpKind : std::uint8_t { kConv2D, kConv2DMaxPool, kFullyConnected, kMaxPool2D, kPad };

// "Conv2D", "Conv2D+MaxPool", "FullyConnected", "MaxPool2D", "Pad".
const char* op_kind_name(OpKind kind) noexcept;

struct TensorShape {
    std::int32_t rank;    // 1 (a vector) or 3 (height, width, channels)
    std::int32_t dim[4];  // unused entries are 1
};

struct OperatorInfo {
    OpKind kind;
    std::int32_t input_tensor, output_tensor;  // indices for Engine::tensor_data()
    const char* output_name;                   // the model's tensor name ("" if it has none)
    TensorShape input, output;
    std::uint32_t output_bytes;   // int8: one byte per element
    std::uint32_t output_offset;  // in the arena
    std::uint32_t scratch_bytes, scratch_offset;
    // Multiply-accumulates of one inference: every kernel tap of the full conv map, padding
    // included (what the kernels compute); 0 for pooling and padding.
    std::uint64_t macs;
};

// The model's memory plan (checked against every operator at load).
struct PlanInfo {
    std::uint32_t arena_bytes;            // what bind_arena() needs
    std::uint32_t peak_activation_bytes;  // the largest set of live activations
    std::uint32_t peak_scratch_bytes;     // the largest scratch any operator uses
};

}  // namespace tinydigit::engine
