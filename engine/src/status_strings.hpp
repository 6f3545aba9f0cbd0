// Status strings stored back to back in one char array ("a\0b\0c"), found by walking to the
// n-th: no table of pointers (152 bytes on Cortex-M) for functions called on errors only.
#pragma once

#include <cstddef>

#include "tinydigit/engine/status.hpp"

namespace tinydigit::engine::detail {

template <std::size_t N>
constexpr int string_count(const char (&strings)[N]) {
    int count = 0;
    for (char c : strings) count += c == '\0';
    return count;
}

inline const char* nth_string(const char* strings, Status status, const char* unknown) {
    const auto index = static_cast<unsigned>(status);
    if (index >= static_cast<unsigned>(kStatusCount)) return unknown;
    for (unsigned i = 0; i < index; ++i)
        while (*strings++ != '\0') {
        }
    return strings;
}

}  // namespace tinydigit::engine::detail
