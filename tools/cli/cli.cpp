#include "cli.hpp"

#include <charconv>
#include <cstdio>
#include <exception>

namespace tinydigit::cli {

std::string Args::value(const std::string& option, const std::string& fallback) const {
    const auto it = values.find(option);
    if (it == values.end()) return fallback;
    if (it->second.size() > 1) throw UsageError(option + " given more than once");
    return it->second.front();
}

long Args::positive_int(const std::string& option, long fallback) const {
    if (!values.contains(option)) return fallback;
    const std::string text = value(option);
    long v = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (error != std::errc{} || end != text.data() + text.size() || v <= 0)
        throw UsageError(option + " needs a positive integer, not '" + text + "'");
    return v;
}

Args parse_args(int argc, char** argv, const std::set<std::string>& value_options,
                const std::set<std::string>& flag_options) {
    Args args;
    bool options_done = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (options_done || arg.size() < 2 || arg[0] != '-') {
            args.positional.push_back(arg);
        } else if (arg == "--") {
            options_done = true;
        } else if (value_options.contains(arg)) {
            if (i + 1 >= argc) throw UsageError(arg + " needs a value");
            args.values[arg].push_back(argv[++i]);
        } else if (flag_options.contains(arg)) {
            args.flags.insert(arg);
        } else {
            throw UsageError("unknown option " + arg + " (see --help)");
        }
    }
    return args;
}

int run(const char* tool, const char* usage, int argc, char** argv, const std::function<int(int, char**)>& body) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--") break;
        if (arg == "--help" || arg == "-h") {
            std::fputs(usage, stdout);
            return 0;
        }
    }
    try {
        return body(argc, argv);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "%s: %s\n", tool, e.what());
        return 2;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "%s: out of memory\n", tool);
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", tool, e.what());
        return 1;
    }
}

}  // namespace tinydigit::cli
