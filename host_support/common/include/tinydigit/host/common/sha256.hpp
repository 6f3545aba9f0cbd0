// File checksums recorded as data provenance (checkpoints, data sources).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "tinydigit/host/common/io_error.hpp"

namespace tinydigit::common {

// SHA-256 of the file's content as 64 lowercase hex digits, read in chunks (any size).
// Throws IoError naming the path when it cannot be opened or read.
std::string sha256_hex_of_file(const std::filesystem::path& path);

// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace tinydigit::common
