// The golden checksum: FNV-1a 32-bit over a byte string (docs/format.md). The firmware prints
// it per image; the host compares it with tests/golden/<arch>/expected.csv.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tinydigit::model_to_c {

inline constexpr std::uint32_t kFnvOffsetBasis = 2166136261u;
inline constexpr std::uint32_t kFnvPrime = 16777619u;

std::uint32_t fnv1a32(std::span<const std::uint8_t> bytes);
std::uint32_t fnv1a32(std::span<const std::int8_t> bytes);

}  // namespace tinydigit::model_to_c
