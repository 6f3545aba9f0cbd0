// The integrity footer that ends every model.fb (docs/format.md, "Integrity footer"): the last
// 16 bytes are "TDCR", the file length (uint32 LE), the CRC-32 of everything before the footer
// (uint32 LE) and 4 zero bytes. load() refuses a file whose footer is missing, whose recorded
// length differs from the size it was given (truncated, or bytes appended) or whose CRC-32
// differs (a changed byte).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinydigit::engine {

inline constexpr std::size_t kFooterBytes = 16;
inline constexpr char kFooterTag[4] = {'T', 'D', 'C', 'R'};

// CRC-32 as zlib and PNG compute it (reflected polynomial 0xEDB88320, initial and final
// XOR 0xFFFFFFFF), four bits per step from a 64-byte table: small enough for the engine's
// flash budget, ~10 instructions per byte on a Cortex-M4. Defined in verify.cpp, beside the
// footer check.
std::uint32_t crc32(const void* data, std::size_t size) noexcept;

}  // namespace tinydigit::engine
