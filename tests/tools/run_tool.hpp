// Runs a built tool as a user would and captures its exit code, stdout and stderr.
#pragma once

#include <string>
#include <vector>

namespace tinydigit::testing {

struct ToolResult {
    int exit_code = -1;  // -1 when the tool died from a signal
    std::string out, err;
};

// tool: the executable's name in the build's bin folder; args are passed unquoted by a shell,
// so keep them free of spaces and quotes. A non-empty `folder` is the working directory.
ToolResult run_tool(const std::string& tool, const std::vector<std::string>& args, const std::string& folder = {});

// True when err is a single line "<tool>: <reason>" (what issue 7 asks of every failure).
bool is_one_line_error(const ToolResult& result, const std::string& tool);

}  // namespace tinydigit::testing
