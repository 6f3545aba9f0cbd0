// The one command-line rule set of every tool (train, quantize, evaluate, inspect, predict,
// model_to_c): "--option VALUE" and "--flag" anywhere, "--" ends the options; an option given
// twice, an unknown option or an option where a value belongs is a usage error; usage errors
// exit 2, every other failure 1, each as one "<tool>: <reason>" line on stderr.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tinydigit::cli {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What a tool accepts: value options (--opt VALUE), flags (--flag), and which value options may
// be given more than once (their values accumulate).
struct Options {
    Options(std::set<std::string> value_options = {}, std::set<std::string> flag_options = {},
            std::set<std::string> repeatable_options = {})
        : values(std::move(value_options)), flags(std::move(flag_options)), repeatable(std::move(repeatable_options)) {}
    std::set<std::string> values, flags, repeatable;
};

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::vector<std::string>> values;  // in command-line order
    std::set<std::string> flags;
    bool help = false;  // --help or -h before "--"

    bool has(const std::string& option) const { return values.contains(option) || flags.contains(option); }
    // The value of an option, or `fallback` when absent.
    std::string value(const std::string& option, const std::string& fallback = {}) const;
    // Every value of a repeatable option (empty when absent).
    std::vector<std::string> all(const std::string& option) const;
    // A positive integer option; UsageError naming the option otherwise.
    long positive_int(const std::string& option, long fallback) const;
};

// Throws UsageError ("<option>: <reason>") for unknown options, options given twice, options
// missing their value and values that are themselves options ("--out --skip-test").
Args parse_args(std::span<const std::string> args, const Options& options);
Args parse_args(int argc, char** argv, const Options& options);

// Runs body(argc, argv); prints "<tool>: <reason>" on one line to stderr for any exception and
// returns 2 for usage errors, 1 otherwise. --help prints `usage` and returns 0.
int run(const char* tool, const char* usage, int argc, char** argv, const std::function<int(int, char**)>& body);

}  // namespace tinydigit::cli
