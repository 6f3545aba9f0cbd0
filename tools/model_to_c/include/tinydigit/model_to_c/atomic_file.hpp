// model_to_c builds standalone (without tinydigit::common), so it carries its own atomic write:
// a temporary file in the same folder, fsync, rename.
#pragma once

#include <filesystem>
#include <string_view>

namespace tinydigit::model_to_c {

// Throws std::runtime_error with a one-line reason; the destination is untouched on failure.
void write_text_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace tinydigit::model_to_c
