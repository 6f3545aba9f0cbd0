// The golden checksum: FNV-1a, 32 bits, over a tensor's bytes (the same function the
// quantizer's golden files use, tools/model_to_c).
#pragma once

#include <cstddef>
#include <cstdint>

inline std::uint32_t fnv1a32(const std::int8_t* data, std::size_t count) {
    std::uint32_t hash = 2166136261u;
    for (std::size_t i = 0; i < count; ++i) {
        hash ^= static_cast<std::uint8_t>(data[i]);
        hash *= 16777619u;
    }
    return hash;
}
