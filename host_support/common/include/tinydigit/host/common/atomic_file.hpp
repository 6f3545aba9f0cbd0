// Output files that are either the old version or the complete new one, never a mix:
// a crash, a kill or a full disk at any moment leaves the previous file whole.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

#include "tinydigit/host/common/io_error.hpp"

namespace tinydigit::common {

// Replaces (or creates) `path` with exactly `bytes`: writes a temporary file in the same
// folder, fsyncs it, renames it over `path` and fsyncs the folder. The new file gets mode
// 0666 minus the umask. Any size is accepted, including empty.
// Throws IoError (one line: path, step and errno reason) when the folder does not exist or
// is not writable, the disk is full, the file size limit is hit, or any step fails; the
// previous file is then left intact and the temporary file removed. If only the final
// fsync of the folder fails, the new content is already in place but its durability is not
// guaranteed: that is reported as an IoError too.
void write_file_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes);

// The same for text (written byte for byte, no newline translation).
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

// Deletes the temporary files a killed writer of `path` left beside it. Call it only while no
// other process is writing `path`.
void remove_stale_temporaries(const std::filesystem::path& path);

// Throws IoError "<folder>: cannot write into this folder: <reason>" unless a file can be
// created in `folder` (read-only mounts, missing permissions): long jobs call it before they
// start, not when their first result is due.
void check_writable_folder(const std::filesystem::path& folder);

}  // namespace tinydigit::common
