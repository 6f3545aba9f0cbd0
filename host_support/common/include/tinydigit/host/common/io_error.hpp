// The one exception type of common/: a file could not be read or written.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace tinydigit::common {

// what() is a single line that names the file and the operating system's reason,
// e.g. "out/best.ckpt: cannot write: No space left on device".
class IoError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Builds the IoError for `path`, `action` (e.g. "cannot write") and errno value `error`.
IoError io_error(const std::filesystem::path& path, const std::string& action, int error);

}  // namespace tinydigit::common
