#include "tinydigit/common/atomic_file.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <string_view>

namespace tinydigit::common {

IoError io_error(const std::filesystem::path& path, const std::string& action, int error) {
    std::string message = path.string();
    message.append(": ").append(action).append(": ").append(std::strerror(error));
    return IoError(message);
}

namespace {

// Temporary files are hidden and named after their target: ".best.ckpt.tmp.<pid>.<n>".
std::string temporary_prefix(const std::filesystem::path& target) {
    // Built with append(): GCC 12 at -O3 raises a false -Wrestrict on chained operator+.
    std::string prefix(".");
    return prefix.append(target.filename().string()).append(".tmp.");
}

std::filesystem::path folder_of(const std::filesystem::path& path) {
    const auto parent = path.parent_path();
    return parent.empty() ? std::filesystem::path(".") : parent;
}

// Test hook for the crash-safety tests (tests/trainer/kill_at_rename.sh): with
// TINYDIGIT_TEST_KILL_AT=<point>:<file name> the process kills itself (SIGKILL, as `kill -9`
// would) at <point> of writing a file of that name: "before-rename" (the temporary file is
// written and synced, the target not yet replaced) or "after-rename" (replaced, the folder not
// yet synced). Compiled into every build so that the tested binary is the shipped one; does
// nothing unless the variable is set and matches.
void kill_if_requested(std::string_view point, const std::filesystem::path& target) {
    const char* value = std::getenv("TINYDIGIT_TEST_KILL_AT");
    if (value == nullptr) return;
    const std::string_view request(value);
    const std::string name = target.filename().string();
    if (request.size() == point.size() + 1 + name.size() && request.starts_with(point) &&
        request[point.size()] == ':' && request.ends_with(name))
        std::raise(SIGKILL);
}

// Owns the temporary file until it has been renamed into place.
class TempFile {
public:
    explicit TempFile(const std::filesystem::path& target) : target_(target) {
        static std::atomic<unsigned> counter{0};
        std::string stem = temporary_prefix(target);
        stem.append(std::to_string(::getpid())).append(".");
        for (int attempt = 0; attempt < 100; ++attempt) {
            path_ = folder_of(target) / (stem + std::to_string(counter.fetch_add(1)));
            fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            if (fd_ >= 0) return;
            if (errno != EEXIST) break;
        }
        throw io_error(target_, "cannot create a temporary file beside it", errno);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!renamed_) ::unlink(path_.c_str());
    }

    void write_all(std::span<const std::byte> bytes) {
        const std::byte* p = bytes.data();
        std::size_t left = bytes.size();
        while (left > 0) {
            const ssize_t n = ::write(fd_, p, left);
            if (n < 0) {
                if (errno == EINTR) continue;
                throw io_error(target_, "cannot write", errno);
            }
            p += n;
            left -= static_cast<std::size_t>(n);
        }
    }

    void sync_close_and_rename() {
        if (::fsync(fd_) != 0) throw io_error(target_, "cannot write (fsync)", errno);
        const int fd = fd_;
        fd_ = -1;
        // close() can report a deferred write error (e.g. on NFS): treat it as a failed write.
        if (::close(fd) != 0) throw io_error(target_, "cannot write (close)", errno);
        kill_if_requested("before-rename", target_);
        if (::rename(path_.c_str(), target_.c_str()) != 0) throw io_error(target_, "cannot replace", errno);
        renamed_ = true;
    }

private:
    std::filesystem::path target_;
    std::filesystem::path path_;
    int fd_ = -1;
    bool renamed_ = false;
};

// The rename is durable only once the folder entry itself reaches the disk.
void sync_folder(const std::filesystem::path& target) {
    const int fd = ::open(folder_of(target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw io_error(target, "cannot sync its folder", errno);
    const int rc = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    // Some file systems cannot fsync a folder (EINVAL): nothing more can be done there.
    if (rc != 0 && error != EINVAL) throw io_error(target, "cannot sync its folder", error);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes) {
    if (path.filename().empty()) throw io_error(path, "cannot write", EISDIR);
    {
        TempFile temp(path);
        temp.write_all(bytes);
        temp.sync_close_and_rename();
    }
    kill_if_requested("after-rename", path);
    sync_folder(path);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view text) {
    write_file_atomically(path, std::as_bytes(std::span<const char>(text.data(), text.size())));
}

void remove_stale_temporaries(const std::filesystem::path& path) {
    const std::string prefix = temporary_prefix(path);
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder_of(path), ec)) {
        if (entry.path().filename().string().starts_with(prefix)) std::filesystem::remove(entry.path(), ec);
    }
}

void check_writable_folder(const std::filesystem::path& folder) {
    // An unnamed file (O_TMPFILE) leaves nothing behind, even if the process is killed here.
    int fd = ::open(folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {  // a file system without O_TMPFILE
        std::string name = (folder / ".write-check.XXXXXX").string();
        fd = ::mkstemp(name.data());
        if (fd >= 0) ::unlink(name.c_str());
    }
    if (fd < 0) throw io_error(folder, "cannot write into this folder", errno);
    ::close(fd);
}

}  // namespace tinydigit::common
