// model_to_c MODEL.fb OUT.h [--namespace NS] [--golden DIR] [--c]
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tinydigit/host/common/atomic_file.hpp"
#include "tinydigit/model_to_c/emit_header.hpp"

namespace {

constexpr const char* kUsage =
    "usage: model_to_c MODEL.fb OUT.h [--namespace NS] [--golden DIR] [--c]\n"
    "  Writes MODEL.fb as an alignas(16) constexpr array plus kArenaBytes from its memory plan;\n"
    "  --golden embeds the golden digits of DIR (tests/golden/<arch>) with their expected logits.\n"
    "  --c      a C11 header instead (for the engine's C API): NS is the symbols' prefix\n"
    "           (default tinydigit_model: tinydigit_model_model[], TINYDIGIT_MODEL_ARENA_BYTES).\n";

int fail(const std::string& message) {
    std::fprintf(stderr, "model_to_c: %s\n", message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tinydigit::model_to_c;
    std::vector<std::string> positional;
    HeaderOptions options;
    std::string golden_dir;
    bool c_header = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (arg == "--c") {
            c_header = true;
        } else if (arg == "--namespace" || arg == "--golden") {
            if (i + 1 >= argc) return fail(arg + " needs a value");
            (arg == "--namespace" ? options.name_space : golden_dir) = argv[++i];
        } else if (arg.starts_with("-")) {
            return fail("unknown option " + arg + " (see --help)");
        } else {
            positional.push_back(arg);
        }
    }
    if (positional.size() != 2) return fail("expected MODEL.fb and OUT.h (see --help)");
    try {
        std::ifstream in(positional[0], std::ios::binary);
        if (!in) return fail(positional[0] + ": cannot open");
        const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in.bad()) return fail(positional[0] + ": read error");
        options.source_name = std::filesystem::path(positional[0]).filename().string();
        GoldenSet golden;
        if (!golden_dir.empty()) {
            golden = read_golden_set(golden_dir);
            options.golden = &golden;
        }
        std::string header;
        try {
            header = c_header ? model_c_header(bytes, options) : model_header(bytes, options);
        } catch (const ModelToCError& e) {
            return fail(positional[0] + ": " + e.what());
        }
        tinydigit::common::write_file_atomically(positional[1], header);
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    return 0;
}
