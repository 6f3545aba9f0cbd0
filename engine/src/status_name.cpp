// Enumerator names of every Status, for logs and tests (not needed by firmware).
#include "tinydigit/engine/status.hpp"

namespace tinydigit::engine {

const char* status_name(Status status) noexcept {
    static constexpr const char* kNames[] = {
        "kOk",
        "kNullArgument",
        "kMisalignedModel",
        "kNotAModel",
        "kMalformedModel",
        "kUnsupportedVersion",
        "kTooLarge",
        "kEmptyGraph",
        "kUnknownOperator",
        "kBadOperator",
        "kBadTensorIndex",
        "kBadTensorKind",
        "kBadType",
        "kBadShape",
        "kShapeOverflow",
        "kBadBuffer",
        "kBufferSizeMismatch",
        "kMisalignedBuffer",
        "kArenaOutOfBounds",
        "kMisalignedOffset",
        "kOverlap",
        "kAliasedOutput",
        "kScratchTooSmall",
        "kScratchOverlap",
        "kBadParameter",
        "kKernelTooLarge",
        "kReductionTooLong",
        "kShapeMismatch",
        "kBadRequantization",
        "kBadZeroPoint",
        "kReadBeforeWrite",
        "kWrittenTwice",
        "kBadInputOutput",
        "kNotLoaded",
        "kArenaNotBound",
        "kArenaTooSmall",
        "kMisalignedArena",
        "kSizeMismatch",
    };
    static_assert(sizeof(kNames) / sizeof(kNames[0]) == kStatusCount);
    const auto i = static_cast<unsigned>(status);
    return i < static_cast<unsigned>(kStatusCount) ? kNames[i] : "kUnknown";
}

}  // namespace tinydigit::engine
