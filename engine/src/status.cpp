// One-line reasons for every Status (in the order of status.hpp). Kept short: they are
// linked into firmware that prints them. status_name() lives in status_name.cpp.
#include "tinydigit/engine/status.hpp"

namespace tinydigit::engine {

const char* status_message(Status status) noexcept {
    static constexpr const char* kMessages[] = {
        "ok",  // kOk
        "null pointer argument",  // kNullArgument
        "model bytes not 16-byte aligned",  // kMisalignedModel
        "not a tinydigit model (too short or identifier is not TDM8)",  // kNotAModel
        "FlatBuffers verification failed (truncated or corrupt)",  // kMalformedModel
        "unsupported format_version (expects 1)",  // kUnsupportedVersion
        "more tensors or operators than the engine supports",  // kTooLarge
        "the model has no operators",  // kEmptyGraph
        "unknown operator type",  // kUnknownOperator
        "wrong number of operator inputs or outputs",  // kBadOperator
        "tensor index out of range",  // kBadTensorIndex
        "constant where an activation is needed, or the reverse",  // kBadTensorKind
        "wrong tensor element type",  // kBadType
        "tensor rank not 1-4 or a dimension < 1",  // kBadShape
        "tensor element count overflows int32",  // kShapeOverflow
        "constant tensor without a valid buffer",  // kBadBuffer
        "buffer length differs from the tensor shape",  // kBufferSizeMismatch
        "int32 data not 4-byte aligned",  // kMisalignedBuffer
        "tensor or scratch outside the arena",  // kArenaOutOfBounds
        "arena offset not a multiple of 16",  // kMisalignedOffset
        "tensors alive at the same time overlap",  // kOverlap
        "operator output overlaps its input",  // kAliasedOutput
        "operator scratch smaller than its kernel needs",  // kScratchTooSmall
        "scratch overlaps a live tensor",  // kScratchOverlap
        "operator parameter out of range",  // kBadParameter
        "kernel or pool window larger than its padded input",  // kKernelTooLarge
        "reduction longer than 65536 (int32 accumulator bound)",  // kReductionTooLong
        "operator shapes inconsistent",  // kShapeMismatch
        "requantization missing or out of range",  // kBadRequantization
        "zero point missing, outside int8, or nonzero on weights",  // kBadZeroPoint
        "operator reads a tensor before it is written",  // kReadBeforeWrite
        "tensor written twice, or model input overwritten",  // kWrittenTwice
        "unusable model input or output",  // kBadInputOutput
        "no model loaded",  // kNotLoaded
        "no arena bound",  // kArenaNotBound
        "arena smaller than the model's plan",  // kArenaTooSmall
        "arena not 16-byte aligned",  // kMisalignedArena
        "element count differs from the model's",  // kSizeMismatch
    };
    static_assert(sizeof(kMessages) / sizeof(kMessages[0]) == kStatusCount);
    const auto i = static_cast<unsigned>(status);
    return i < static_cast<unsigned>(kStatusCount) ? kMessages[i] : "unknown status code";
}

}  // namespace tinydigit::engine
