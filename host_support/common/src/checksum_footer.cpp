#include "tinydigit/host/common/checksum_footer.hpp"

#include <zlib.h>

#include <cstring>
#include <limits>
#include <stdexcept>

namespace tinydigit::common {

namespace {

constexpr char kTag[4] = {'T', 'D', 'C', 'R'};

void put_le32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint32_t le32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::uint32_t crc_of(const std::uint8_t* data, std::size_t size) {
    uLong crc = crc32_z(0L, Z_NULL, 0);
    return static_cast<std::uint32_t>(crc32_z(crc, data, size));
}

}  // namespace

void append_checksum_footer(std::vector<std::uint8_t>& bytes) {
    bytes.resize((bytes.size() + 15) / 16 * 16, 0);
    const std::size_t total = bytes.size() + kChecksumFooterBytes;
    if (total > std::numeric_limits<std::uint32_t>::max()) throw std::length_error("file too large for its footer");
    std::uint8_t footer[kChecksumFooterBytes] = {};
    std::memcpy(footer, kTag, 4);
    put_le32(footer + 4, static_cast<std::uint32_t>(total));
    put_le32(footer + 8, crc_of(bytes.data(), bytes.size()));
    bytes.insert(bytes.end(), footer, footer + kChecksumFooterBytes);
}

FooterCheck check_checksum_footer(std::span<const std::uint8_t> file) {
    if (file.size() < kChecksumFooterBytes) return FooterCheck::kNoFooter;
    const std::uint8_t* footer = file.data() + file.size() - kChecksumFooterBytes;
    if (std::memcmp(footer, kTag, 4) != 0 || le32(footer + 12) != 0) return FooterCheck::kNoFooter;
    if (le32(footer + 4) != file.size()) return FooterCheck::kLengthDiffers;
    if (le32(footer + 8) != crc_of(file.data(), file.size() - kChecksumFooterBytes)) return FooterCheck::kBadChecksum;
    return FooterCheck::kOk;
}

const char* footer_problem(FooterCheck check) {
    switch (check) {
        case FooterCheck::kOk:
            return "ok";
        case FooterCheck::kNoFooter:
            return "its integrity footer is missing (truncated, or bytes appended after it)";
        case FooterCheck::kLengthDiffers:
            return "its length differs from the one its footer records (truncated or extended)";
        case FooterCheck::kBadChecksum:
            return "checksum mismatch: the file was changed or corrupted";
    }
    return "unknown footer problem";
}

}  // namespace tinydigit::common
