// The golden checksum: FNV-1a, 32 bits, over a tensor's bytes (docs/format.md). Bit-exactness
// is the engine's promise, and this is the name its outputs go by when they are compared
// across targets: the firmware prints it per image and per layer, the host tools write it
// into the golden files and model headers. Inline, so an image that never calls it carries
// no code for it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinydigit::engine {

inline constexpr std::uint32_t kFnv1aOffsetBasis = 2166136261u;
inline constexpr std::uint32_t kFnv1aPrime = 16777619u;

inline std::uint32_t fnv1a32(const void* data, std::size_t size) noexcept {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    std::uint32_t hash = kFnv1aOffsetBasis;
    for (std::size_t i = 0; i < size; ++i) {
        hash ^= bytes[i];
        hash *= kFnv1aPrime;
    }
    return hash;
}

}  // namespace tinydigit::engine
