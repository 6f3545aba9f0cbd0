// verify_model(model, size), which load() calls: the rules of verify_rules.hpp, recording
// nothing (verify_report.cpp has the version that says where a model failed); and the CRC-32
// of the integrity footer.
#include "verify_rules.hpp"

namespace tinydigit::engine {

Status verify_model(const void* bytes, std::size_t size) noexcept {
    Unreported nowhere;
    return check_model(bytes, size, nowhere);
}

// The integrity footer's checksum (check_footer), public for the tools and tests that write
// footers (crc32.hpp).
std::uint32_t crc32(const void* data, std::size_t size) noexcept {
    // The CRC of each 4-bit value: two lookups per byte instead of eight shift-and-xor steps,
    // for 64 bytes of table rather than zlib's 1 KB.
    static constexpr std::uint32_t kNibble[16] = {
        0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
        0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};
    const auto* p = static_cast<const std::uint8_t*>(data);
    std::uint32_t crc = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < size; ++i) {
        crc ^= p[i];
        crc = (crc >> 4) ^ kNibble[crc & 15u];
        crc = (crc >> 4) ^ kNibble[crc & 15u];
    }
    return crc ^ 0xFFFFFFFFu;
}

}  // namespace tinydigit::engine
