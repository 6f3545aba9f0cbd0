// Every way loading, binding or running can fail, each with a one-line reason
// (status_message). Values are stable: the C API (c_api.h) exposes the same numbers.
#pragma once

#include <cstdint>

namespace tinydigit::engine {

enum class Status : std::uint8_t {
    kOk = 0,
    kNullArgument,         // a required pointer argument is null
    kMisalignedModel,      // the model bytes do not start on a 16-byte boundary
    kNotAModel,            // too short, or the file identifier is not "TDM8"
    kMalformedModel,       // the structural verifier rejected the bytes (truncated or corrupt)
    kUnsupportedVersion,   // format_version is not 2 or 3
    kTooLarge,             // more tensors or operators than the engine's limits
    kEmptyGraph,           // the model has no operators
    kUnknownOperator,      // an operator type this engine does not implement
    kBadOperator,          // wrong number of inputs or outputs for the operator type
    kBadTensorIndex,       // an index refers to a tensor that does not exist
    kBadTensorKind,        // a tensor is not constant data where data is needed (or not an activation where one is)
    kBadType,              // a tensor has the wrong element type for its use
    kBadShape,             // a shape has no dimensions, too many, or a dimension < 1
    kShapeOverflow,        // a tensor's element count exceeds int32
    kBadBuffer,            // a constant tensor refers to a buffer that does not exist or has no data
    kBufferSizeMismatch,   // a buffer's byte length differs from its tensor's shape
    kMisalignedBuffer,     // an int32 buffer is not 4-byte aligned (not returned: kMalformedModel covers it)
    kArenaOutOfBounds,     // a tensor or scratch area extends outside the planned arena
    kMisalignedOffset,     // an arena offset is not a multiple of 16
    kOverlap,              // two tensors alive at the same time share arena bytes
    kAliasedOutput,        // an operator's output overlaps its own input (no kernel works in place)
    kScratchTooSmall,      // an operator declares less scratch than its kernel needs
    kScratchOverlap,       // an operator's scratch overlaps a tensor alive during that operator
    kBadParameter,         // an operator parameter is out of range (kernel, stride, padding, pool, clamp)
    kKernelTooLarge,       // a kernel or pool window is larger than its (padded) input
    kReductionTooLong,     // kernel_h * kernel_w * in_channels (or FC inputs) exceeds 65,536
    kShapeMismatch,        // an operator's tensor shapes disagree with each other or its parameters
    kBadRequantization,    // requant missing, wrong length, multiplier outside [2^30, 2^31-1] or shift outside [1, 62]
    kBadZeroPoint,         // a zero point is missing, outside int8, nonzero on weights, or differs across a pool
    kReadBeforeWrite,      // an operator reads an activation that no earlier operator wrote
    kWrittenTwice,         // an activation is written twice, or an operator overwrites the model input
    kBadInputOutput,       // model input/output is not an int8 activation, input zero point != -128, or output never written
    kNotLoaded,            // no model loaded yet
    kArenaNotBound,        // run() or input/output access before bind_arena()
    kArenaTooSmall,        // the arena is smaller than the model's plan (MemoryPlan.arena_bytes)
    kMisalignedArena,      // the arena does not start on a 16-byte boundary
    kSizeMismatch,         // the caller's input/output count differs from the model's
    // Added with the integrity footer (model format 2); new codes only ever go at the end.
    kBadFileLength,        // no integrity footer, or its recorded length differs from the size given (truncated, bytes appended)
    kBadChecksum,          // the CRC-32 in the footer differs from the bytes' (a changed byte)
    // Added with banded chains (model format 3).
    kBadBand,              // a windowed tensor or band_rows breaks the banded-chain rules (schema/model.fbs)
};

inline constexpr int kStatusCount = static_cast<int>(Status::kBadBand) + 1;

const char* status_message(Status status) noexcept;  // one line, no trailing newline
const char* status_name(Status status) noexcept;     // e.g. "kOverlap"

}  // namespace tinydigit::engine
