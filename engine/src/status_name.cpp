// Enumerator names of every Status, for logs and tests; also what status_message() returns
// when the engine is built without its messages (TINYDIGIT_ENGINE_STATUS_MESSAGES=OFF).
#include "status_strings.hpp"
#include "tinydigit/engine/status.hpp"

namespace tinydigit::engine {

const char* status_name(Status status) noexcept {
    static constexpr char kNames[] =
        "kOk\0"
        "kNullArgument\0"
        "kMisalignedModel\0"
        "kNotAModel\0"
        "kMalformedModel\0"
        "kUnsupportedVersion\0"
        "kTooLarge\0"
        "kEmptyGraph\0"
        "kUnknownOperator\0"
        "kBadOperator\0"
        "kBadTensorIndex\0"
        "kBadTensorKind\0"
        "kBadType\0"
        "kBadShape\0"
        "kShapeOverflow\0"
        "kBadBuffer\0"
        "kBufferSizeMismatch\0"
        "kMisalignedBuffer\0"
        "kArenaOutOfBounds\0"
        "kMisalignedOffset\0"
        "kOverlap\0"
        "kAliasedOutput\0"
        "kScratchTooSmall\0"
        "kScratchOverlap\0"
        "kBadParameter\0"
        "kKernelTooLarge\0"
        "kReductionTooLong\0"
        "kShapeMismatch\0"
        "kBadRequantization\0"
        "kBadZeroPoint\0"
        "kReadBeforeWrite\0"
        "kWrittenTwice\0"
        "kBadInputOutput\0"
        "kNotLoaded\0"
        "kArenaNotBound\0"
        "kArenaTooSmall\0"
        "kMisalignedArena\0"
        "kSizeMismatch\0"
        "kBadFileLength\0"
        "kBadChecksum\0"
        "kBadBand";
    static_assert(detail::string_count(kNames) == kStatusCount, "one name per Status");
    return detail::nth_string(kNames, status, "kUnknown");
}

}  // namespace tinydigit::engine
