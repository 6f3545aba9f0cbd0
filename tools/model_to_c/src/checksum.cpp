#include "tinydigit/model_to_c/checksum.hpp"

namespace tinydigit::model_to_c {

std::uint32_t fnv1a32(std::span<const std::uint8_t> bytes) {
    std::uint32_t hash = kFnvOffsetBasis;
    for (const std::uint8_t b : bytes) {
        hash ^= b;
        hash *= kFnvPrime;
    }
    return hash;
}

std::uint32_t fnv1a32(std::span<const std::int8_t> bytes) {
    return fnv1a32(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

}  // namespace tinydigit::model_to_c
