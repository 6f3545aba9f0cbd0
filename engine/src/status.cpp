// One-line reasons for every Status (in the order of status.hpp). Terse on purpose: they are
// linked into firmware that prints them (engine/README.md has the long form of each).
// status_name() lives in status_name.cpp.
#include "tinydigit/engine/status.hpp"

namespace tinydigit::engine {

const char* status_message(Status status) noexcept {
    static constexpr const char* kMessages[] = {
        "ok",  // kOk
        "null argument",  // kNullArgument
        "model not 16-byte aligned",  // kMisalignedModel
        "not a TDM8 model",  // kNotAModel
        "corrupt or truncated model",  // kMalformedModel
        "unknown format_version",  // kUnsupportedVersion
        "too many tensors or operators",  // kTooLarge
        "no operators",  // kEmptyGraph
        "unknown operator",  // kUnknownOperator
        "wrong operand count",  // kBadOperator
        "tensor index out of range",  // kBadTensorIndex
        "constant/activation misuse",  // kBadTensorKind
        "wrong element type",  // kBadType
        "bad rank or dimension",  // kBadShape
        "element count overflows int32",  // kShapeOverflow
        "missing constant buffer",  // kBadBuffer
        "buffer size != shape",  // kBufferSizeMismatch
        "int32 data misaligned",  // kMisalignedBuffer
        "outside the arena",  // kArenaOutOfBounds
        "arena offset not 16-aligned",  // kMisalignedOffset
        "live tensors overlap",  // kOverlap
        "output overlaps input",  // kAliasedOutput
        "scratch too small",  // kScratchTooSmall
        "scratch overlaps a live tensor",  // kScratchOverlap
        "parameter out of range",  // kBadParameter
        "window larger than input",  // kKernelTooLarge
        "reduction > 65536",  // kReductionTooLong
        "inconsistent shapes",  // kShapeMismatch
        "bad multiplier or shift",  // kBadRequantization
        "bad zero point",  // kBadZeroPoint
        "reads an unwritten tensor",  // kReadBeforeWrite
        "tensor written twice",  // kWrittenTwice
        "unusable model input/output",  // kBadInputOutput
        "no model loaded",  // kNotLoaded
        "no arena bound",  // kArenaNotBound
        "arena too small",  // kArenaTooSmall
        "arena not 16-byte aligned",  // kMisalignedArena
        "wrong element count",  // kSizeMismatch
    };
    static_assert(sizeof(kMessages) / sizeof(kMessages[0]) == kStatusCount);
    const auto i = static_cast<unsigned>(status);
    return i < static_cast<unsigned>(kStatusCount) ? kMessages[i] : "unknown status code";
}

}  // namespace tinydigit::engine
