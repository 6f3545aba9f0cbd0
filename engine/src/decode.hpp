// Reads an operator's kernel parameters out of a model. Used by the verifier (after it has
// checked indices, kinds and ranks, so every access here is valid) and by run(), which then
// needs no checks of its own. Out of line on purpose: each FlatBuffers field access costs
// a vtable lookup in code, and flash is the budget on Cortex-M.
#pragma once

#include <cstdint>

#include "tinydigit/engine/kernel_params.hpp"
#include "tinydigit/schema/model_generated.h"

namespace tinydigit::engine::detail {

// A field the verifier has checked is present (a required one, or one a rule demands): no code
// for the absent case (flatc's accessor returns null then, and every use would dereference it).
template <typename T>
const T* present(const T* field) {
    if (field == nullptr) __builtin_unreachable();
    return field;
}

const model::Tensor* tensor(const model::Model& m, std::int32_t index);
// These read fields the verifier has checked are present (decode.cpp has no code for their
// absence): a verified activation's zero point (the first entry), a verified constant's data.
std::int32_t zero_point(const model::Tensor* t);
const std::uint8_t* constant_data(const model::Model& m, const model::Tensor* t);
std::int32_t op_input(const model::Operator& op, std::uint32_t i);
std::int32_t op_output(const model::Operator& op);
// Input i (0: the activation, 1 and 2: weights and bias) or the output of an operator as a
// tensor: one call where tensor(m, op_input(op, i)) costs two at every use.
const model::Tensor* input_tensor(const model::Model& m, const model::Operator& op, std::uint32_t i);
const model::Tensor* output_tensor(const model::Model& m, const model::Operator& op);

// Output size of a window sweep; callers guarantee 1 <= window <= extent and stride >= 1. 32-bit
// unsigned: an extent is a dimension and two pads, which the verifier bounds by int32 (so it
// fits int32 as a conv map too), so one UDIV on Cortex-M (M3 and up) where 64 bits took a
// libgcc division.
std::uint32_t sweep(std::uint32_t extent, std::int32_t window, std::int32_t stride);

// A tensor's shape read once: rank (0 when absent or longer than 4) and dimensions.
struct Shape {
    std::int32_t rank;
    std::int32_t dim[4];
    std::int32_t count;  // product of the dimensions (meaningful once the verifier has checked them: it fits int32)
};
Shape shape_of(const model::Tensor* t);

// The integer scalars of a table of layout `layout` (model_layout.hpp), each as flatc's accessor
// reads it (1-byte fields signed) or the schema's default when absent, widened to int32 and
// stored at out + 4 * field id. One loop for every parameter table instead of an inlined
// vtable lookup per field at every use. The parameter tables have only 1- and 4-byte scalars;
// a table with offset fields (Tensor) gets their 4 raw bytes, which callers never use.
void read_fields(const void* table, std::uint8_t layout, void* out);

// The parameter tables as read_fields fills them: every field, in schema order, as int32
// (decode.cpp checks each position against flatc's VT_ constant).
struct ConvFields {
    std::int32_t kernel_h, kernel_w, stride_h, stride_w;
    std::int32_t pad_top, pad_bottom, pad_left, pad_right;
    std::int32_t act_min, act_max;
    std::int32_t pool_h, pool_w, pool_stride_h, pool_stride_w;
};
struct MaxPoolFields {
    std::int32_t pool_h, pool_w, stride_h, stride_w;
};
struct FullyConnectedFields {
    std::int32_t act_min, act_max;
};
struct PadFields {
    std::int32_t pad_top, pad_bottom, pad_left, pad_right, value;
};
// The parameters of a Conv2D `op` (checked by the caller); the other tables' are read by
// their decoders alone.
ConvFields conv_fields(const model::Operator& op);

// "Conv2D", "Conv2D+MaxPool", "FullyConnected", "MaxPool2D", "Pad"; "unknown" for any other
// type or missing parameters (the names OperatorInfo and VerifyFailure give).
const char* operator_kind(const model::Operator& op);
// The same name from the union type (0 or past the union: "unknown") and, for a Conv2D, whether
// it has a fused pool: for callers that have read the parameters already (the operator view).
const char* kind_name(std::uint32_t type, bool pooled);

// Kernel parameters of a verified operator (out of line: the verifier and run() share them).
Conv2DParams decode_conv2d(const model::Model& m, const model::Operator& op);
FullyConnectedParams decode_fully_connected(const model::Model& m, const model::Operator& op);
MaxPool2DParams decode_max_pool2d(const model::Model& m, const model::Operator& op);
PadParams decode_pad(const model::Model& m, const model::Operator& op);

// Restricts conv `p` (whose whole input has `in_h` rows and padding `pad_top`) to its
// output rows [o0, o1), a band of a banded chain: it then reads input rows [first, end),
// found at row 0 of its input (pad_top adjusted; rows past end read as padding only when
// end is the map's). The caller offsets the input by first rows and the output by o0 rows.
// In place, so a chain keeps two parameter blocks on the stack, not four. Needs pads below
// the kernel (verified).
void row_band(Conv2DParams& p, std::int32_t in_h, std::int32_t pad_top, std::int32_t o0, std::int32_t o1,
              std::int32_t& first, std::int32_t& end);

}  // namespace tinydigit::engine::detail
