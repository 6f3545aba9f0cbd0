#include "run_tool.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support/temp_dir.hpp"

namespace tinydigit::testing {

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

ToolResult run_tool(const std::string& tool, const std::vector<std::string>& args, const std::string& folder) {
    TempDir capture;
    std::string command = folder.empty() ? std::string() : "cd " + folder + " && ";
    command += std::string(TINYDIGIT_TOOLS_BIN_DIR) + "/" + tool;
    for (const auto& a : args) command += " " + a;
    command += " >" + (capture.path() / "out").string() + " 2>" + (capture.path() / "err").string();
    const int status = std::system(command.c_str());
    ToolResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(capture.path() / "out");
    r.err = slurp(capture.path() / "err");
    return r;
}

bool is_one_line_error(const ToolResult& r, const std::string& tool) {
    return r.exit_code > 0 && r.err.starts_with(tool + ": ") && r.err.find('\n') == r.err.size() - 1;
}

}  // namespace tinydigit::testing
