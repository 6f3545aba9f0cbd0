// The readers under fuzz take a path; libFuzzer hands over bytes. A MemoryFile is an anonymous
// in-memory file (memfd) that each input is written into and that the reader opens by its
// /proc/self/fd path: no disk traffic, no temp files left behind by a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace tinydigit::fuzz {

class MemoryFile {
public:
    explicit MemoryFile(const char* name);
    ~MemoryFile();
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;

    // Replaces the file's whole content with `size` bytes at `data`.
    void assign(const std::uint8_t* data, std::size_t size);
    const std::filesystem::path& path() const { return path_; }

private:
    int fd_;
    std::filesystem::path path_;
};

}  // namespace tinydigit::fuzz
