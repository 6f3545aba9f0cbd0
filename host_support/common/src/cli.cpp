#include "tinydigit/host/common/cli.hpp"

#include <charconv>
#include <cstdio>
#include <exception>
#include <new>

namespace tinydigit::cli {

std::string Args::value(const std::string& option, const std::string& fallback) const {
    const auto it = values.find(option);
    return it == values.end() ? fallback : it->second.back();
}

std::vector<std::string> Args::all(const std::string& option) const {
    const auto it = values.find(option);
    return it == values.end() ? std::vector<std::string>{} : it->second;
}

long Args::positive_int(const std::string& option, long fallback) const {
    if (!values.contains(option)) return fallback;
    const std::string text = value(option);
    long v = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (error != std::errc{} || end != text.data() + text.size() || v <= 0)
        throw UsageError(option + ": expected a positive integer, got '" + text + "'");
    return v;
}

namespace {

bool is_option(const std::string& arg) { return arg.size() >= 2 && arg[0] == '-' && arg != "--"; }

}  // namespace

Args parse_args(std::span<const std::string> argv, const Options& options) {
    Args args;
    bool options_done = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (options_done || arg.size() < 2 || arg[0] != '-') {
            args.positional.push_back(arg);
        } else if (arg == "--") {
            options_done = true;
        } else if (arg == "--help" || arg == "-h") {
            args.help = true;
        } else if (options.values.contains(arg)) {
            if (i + 1 >= argv.size()) throw UsageError(arg + ": missing value");
            // "--out --skip-test" is a forgotten value, not a folder named "--skip-test". Negative
            // numbers ("-1") stay values: no option is a dash and a digit.
            const std::string& value = argv[i + 1];
            if (is_option(value) && value[1] == '-')
                throw UsageError(arg + ": missing value ('" + value + "' is an option)");
            auto& list = args.values[arg];
            if (!list.empty() && !options.repeatable.contains(arg)) throw UsageError(arg + ": given more than once");
            list.push_back(value);
            ++i;
        } else if (options.flags.contains(arg)) {
            if (!args.flags.insert(arg).second) throw UsageError(arg + ": given more than once");
        } else {
            throw UsageError("unknown option '" + arg + "' (see --help)");
        }
    }
    return args;
}

Args parse_args(int argc, char** argv, const Options& options) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    return parse_args(args, options);
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
