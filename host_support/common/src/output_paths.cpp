#include "tinydigit/host/common/output_paths.hpp"

#include <cerrno>

#include "tinydigit/host/common/atomic_file.hpp"
#include "tinydigit/host/common/cli.hpp"

namespace tinydigit::common {

namespace {

namespace fs = std::filesystem;

// Device and inode when both exist (links resolved: a symlink or hard link to an input is that
// input), otherwise the normalized absolute paths.
bool same_file(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
    return fs::weakly_canonical(fs::absolute(a), ec) == fs::weakly_canonical(fs::absolute(b), ec);
}

std::string describe(const NamedPath& p) { return std::string(p.role) + " " + p.path.string(); }

}  // namespace

void check_outputs(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs) {
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const NamedPath& out = outputs[i];
        for (const NamedPath& in : inputs)
            if (same_file(out.path, in.path))
                throw cli::UsageError(out.path.string() + ": " + out.role + " is the same file as " + describe(in) +
                                      "; refusing to overwrite an input (choose another output name)");
        for (std::size_t j = 0; j < i; ++j)
            if (same_file(out.path, outputs[j].path))
                throw cli::UsageError(out.path.string() + ": " + out.role + " and " + outputs[j].role +
                                      " name the same file (give each output its own name)");
        std::error_code ec;
        if (fs::is_directory(out.path, ec))
            throw cli::UsageError(out.path.string() + ": " + out.role + " is a folder (give a file name inside it)");
        const fs::path folder = out.path.parent_path().empty() ? fs::path(".") : out.path.parent_path();
        const std::string cannot = out.path.string() + ": cannot write " + out.role + ": ";
        if (!fs::is_directory(folder, ec))
            throw IoError(cannot + io_error(folder, "folder", fs::exists(folder, ec) ? ENOTDIR : ENOENT).what() +
                          " (create the folder first)");
        try {
            check_writable_folder(folder);
        } catch (const IoError& e) {
            throw IoError(cannot + e.what());
        }
    }
}

}  // namespace tinydigit::common
