#include "tinydigit/host/common/read_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace tinydigit::common {

namespace {

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace

std::vector<std::byte> read_file(const std::filesystem::path& path) {
    const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw io_error(path, "cannot open", errno);
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) throw io_error(path, "cannot read", errno);
    if (S_ISDIR(info.st_mode)) throw io_error(path, "cannot read", EISDIR);

    std::vector<std::byte> bytes;
    bytes.reserve(info.st_size > 0 ? static_cast<std::size_t>(info.st_size) : 0);
    std::byte chunk[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw io_error(path, "cannot read", errno);
        }
        if (n == 0) break;
        bytes.insert(bytes.end(), chunk, chunk + n);
    }
    return bytes;
}

}  // namespace tinydigit::common
