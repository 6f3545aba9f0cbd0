// Reading a whole file into memory with a clear error.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "tinydigit/host/common/io_error.hpp"

namespace tinydigit::common {

// Returns the file's bytes (possibly none). Throws IoError naming the path and the errno
// reason when the file is missing, unreadable or a folder.
std::vector<std::byte> read_file(const std::filesystem::path& path);

}  // namespace tinydigit::common
