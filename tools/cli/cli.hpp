// Shared command-line plumbing for the host tools: argument parsing and the one-line error
// policy (exit 2 for usage errors, 1 for anything else, never an uncaught exception).
#pragma once

#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace tinydigit::cli {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::vector<std::string>> values;  // --opt VALUE (repeatable)
    std::set<std::string> flags;                             // --flag

    bool has(const std::string& option) const { return values.contains(option) || flags.contains(option); }
    // The single value of an option, or `fallback` when absent; UsageError when given twice.
    std::string value(const std::string& option, const std::string& fallback = {}) const;
    // A positive integer option; UsageError naming the option otherwise.
    long positive_int(const std::string& option, long fallback) const;
};

// Throws UsageError for unknown options and options missing their value.
Args parse_args(int argc, char** argv, const std::set<std::string>& value_options,
                const std::set<std::string>& flag_options);

// Runs body(argc, argv); prints "<tool>: <reason>" on one line to stderr for any exception and
// returns 2 for usage errors, 1 otherwise. --help prints `usage` and returns 0.
int run(const char* tool, const char* usage, int argc, char** argv, const std::function<int(int, char**)>& body);

}  // namespace tinydigit::cli
