// The 16-byte integrity footer that ends model.fb (format 2) and .ckpt (format 2) files
// (docs/format.md, "Integrity footer"): "TDCR", the file length, the CRC-32 of everything
// before the footer (both uint32 little-endian) and 4 zero bytes. The engine checks models
// with its own CRC-32 (engine/include/tinydigit/engine/crc32.hpp); this is the host side.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace tinydigit::common {

inline constexpr std::size_t kChecksumFooterBytes = 16;

// Pads `bytes` with zeros to a multiple of 16, then appends the footer.
void append_checksum_footer(std::vector<std::uint8_t>& bytes);

enum class FooterCheck {
    kOk,
    kNoFooter,       // the last 16 bytes are not a footer (a file without one, or bytes appended)
    kLengthDiffers,  // a footer whose recorded length is not the file's (truncated or extended)
    kBadChecksum,    // the CRC-32 differs: a byte was changed
};

FooterCheck check_checksum_footer(std::span<const std::uint8_t> file);

// One line for messages: "its integrity footer is missing ...", "checksum mismatch ...".
const char* footer_problem(FooterCheck check);

}  // namespace tinydigit::common
