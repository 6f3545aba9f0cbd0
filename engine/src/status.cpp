// One-line reasons for every Status (in the order of status.hpp). Terse on purpose: they are
// linked into firmware that prints them (engine/README.md has the long form of each).
// status_name() lives in status_name.cpp. CMake option TINYDIGIT_ENGINE_STATUS_MESSAGES=OFF
// leaves the messages out (about 0.85 KB of flash) and returns the status name instead.
#include "status_strings.hpp"
#include "tinydigit/engine/status.hpp"

namespace tinydigit::engine {

#if defined(TINYDIGIT_ENGINE_NO_STATUS_MESSAGES)

const char* status_message(Status status) noexcept { return status_name(status); }

#else

const char* status_message(Status status) noexcept {
    static constexpr char kMessages[] =
        "ok\0"  // kOk
        "null argument\0"  // kNullArgument
        "model not 16-byte aligned\0"  // kMisalignedModel
        "not a TDM8 model\0"  // kNotAModel
        "corrupt or truncated model\0"  // kMalformedModel
        "unknown format_version\0"  // kUnsupportedVersion
        "too many tensors or operators\0"  // kTooLarge
        "no operators\0"  // kEmptyGraph
        "unknown operator\0"  // kUnknownOperator
        "wrong operand count\0"  // kBadOperator
        "tensor index out of range\0"  // kBadTensorIndex
        "constant/activation misuse\0"  // kBadTensorKind
        "wrong element type\0"  // kBadType
        "bad rank or dimension\0"  // kBadShape
        "element count overflows int32\0"  // kShapeOverflow
        "missing constant buffer\0"  // kBadBuffer
        "buffer size != shape\0"  // kBufferSizeMismatch
        "int32 data misaligned\0"  // kMisalignedBuffer
        "outside the arena\0"  // kArenaOutOfBounds
        "arena offset not 16-aligned\0"  // kMisalignedOffset
        "live tensors overlap\0"  // kOverlap
        "output overlaps input\0"  // kAliasedOutput
        "scratch too small\0"  // kScratchTooSmall
        "scratch overlaps a live tensor\0"  // kScratchOverlap
        "parameter out of range\0"  // kBadParameter
        "window larger than input\0"  // kKernelTooLarge
        "reduction > 65536\0"  // kReductionTooLong
        "inconsistent shapes\0"  // kShapeMismatch
        "bad multiplier or shift\0"  // kBadRequantization
        "bad zero point\0"  // kBadZeroPoint
        "reads an unwritten tensor\0"  // kReadBeforeWrite
        "tensor written twice\0"  // kWrittenTwice
        "unusable model input/output\0"  // kBadInputOutput
        "no model loaded\0"  // kNotLoaded
        "no arena bound\0"  // kArenaNotBound
        "arena too small\0"  // kArenaTooSmall
        "arena not 16-byte aligned\0"  // kMisalignedArena
        "wrong element count\0"  // kSizeMismatch
        "file length differs from its footer (truncated, extended, or no footer)\0"  // kBadFileLength
        "checksum mismatch (the file was changed or corrupted)\0"  // kBadChecksum
        "bad banded chain";  // kBadBand
    static_assert(detail::string_count(kMessages) == kStatusCount, "one message per Status");
    return detail::nth_string(kMessages, status, "unknown status code");
}

#endif

}  // namespace tinydigit::engine
