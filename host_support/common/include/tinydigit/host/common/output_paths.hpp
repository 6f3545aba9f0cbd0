// What every tool checks about its output files before any long work: that none of them is
// one of its inputs (or another output), and that each output's folder exists and is writable.
#pragma once

#include <filesystem>
#include <vector>

namespace tinydigit::common {

struct NamedPath {
    std::filesystem::path path;
    const char* role;  // how the command line names it: "the checkpoint", "--emit-c", ...
};

// Throws cli::UsageError when an output is the same file as an input or as another output
// (same device and inode after following links; for outputs that do not exist yet, the same
// normalized path) or is an existing folder; throws IoError naming the folder and the errno
// reason when an output's folder is missing or not writable. Writes nothing.
void check_outputs(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs);

}  // namespace tinydigit::common
