#include "tinydigit/model_to_c/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace tinydigit::model_to_c {

void write_text_atomically(const std::filesystem::path& path, std::string_view text) {
    const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::string name = ".";  // appended piecewise: GCC 12 -O3 warns falsely (-Wrestrict) on "." + s
    name += path.filename().string();
    name += ".XXXXXX";
    std::string temp = (folder / name).string();
    const int fd = mkstemp(temp.data());
    if (fd < 0) throw std::runtime_error(path.string() + ": cannot create a file in " + folder.string() + ": " + std::strerror(errno));
    auto fail = [&](const char* what) {
        const std::string reason = std::strerror(errno);
        ::close(fd);
        ::unlink(temp.c_str());
        throw std::runtime_error(path.string() + ": " + what + ": " + reason);
    };
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write failed");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, 0644) != 0) fail("chmod failed");
    if (::fsync(fd) != 0) fail("fsync failed");
    if (::close(fd) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(temp.c_str());
        throw std::runtime_error(path.string() + ": close failed: " + reason);
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(temp.c_str());
        throw std::runtime_error(path.string() + ": rename failed: " + reason);
    }
}

}  // namespace tinydigit::model_to_c
