// model_to_c MODEL.fb OUT.h [--namespace NS] [--golden DIR] [--c]
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tinydigit/host/common/atomic_file.hpp"
#include "tinydigit/host/common/cli.hpp"
#include "tinydigit/host/common/output_paths.hpp"
#include "tinydigit/model_to_c/emit_header.hpp"

namespace {

constexpr const char* kUsage =
    "usage: model_to_c MODEL.fb OUT.h [--namespace NS] [--golden DIR] [--c]\n"
    "  Writes MODEL.fb as an alignas(16) constexpr array plus kArenaBytes from its memory plan;\n"
    "  --golden embeds the golden digits of DIR (tests/golden/<arch>) with their expected logits.\n"
    "  --c      a C11 header instead (for the engine's C API): NS is the symbols' prefix\n"
    "           (default tinydigit_model: tinydigit_model_model[], TINYDIGIT_MODEL_ARENA_BYTES).\n"
    "  The model must pass the engine's full load check first.\n";

std::vector<std::uint8_t> read_model(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw tinydigit::model_to_c::ModelToCError(path.string() + ": is a folder, not a model file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw tinydigit::model_to_c::ModelToCError(path.string() + ": cannot open: " + std::strerror(errno));
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw tinydigit::model_to_c::ModelToCError(path.string() + ": read error");
    return bytes;
}

}  // namespace

int main(int argc, char** argv) {
    return tinydigit::cli::run("model_to_c", kUsage, argc, argv, [](int n, char** v) {
        using namespace tinydigit::model_to_c;
        namespace common = tinydigit::common;
        const auto args = tinydigit::cli::parse_args(n, v, tinydigit::cli::Options({"--namespace", "--golden"}, {"--c"}));
        if (args.positional.size() != 2) throw tinydigit::cli::UsageError("expected MODEL.fb and OUT.h (see --help)");
        const std::filesystem::path model_path = args.positional[0], out = args.positional[1];
        const std::string golden_dir = args.value("--golden");
        std::vector<common::NamedPath> inputs{{model_path, "the model"}};
        if (!golden_dir.empty())
            for (const char* name : {kGoldenImagesFile, kGoldenLabelsFile, kGoldenExpectedFile})
                inputs.push_back({std::filesystem::path(golden_dir) / name, "a golden file"});
        common::check_outputs(inputs, {{out, "the header"}});

        HeaderOptions options;
        if (args.has("--namespace")) {
            options.name_space = args.value("--namespace");
            if (args.has("--c") ? !valid_c_identifier(options.name_space) : !valid_namespace(options.name_space))
                throw tinydigit::cli::UsageError("--namespace '" + options.name_space + "': not a " +
                                                 (args.has("--c") ? "C identifier (the prefix of the C symbols)"
                                                                  : "C++ namespace name (e.g. board::model)"));
        }
        options.source_name = model_path.filename().string();
        GoldenSet golden;
        if (!golden_dir.empty()) {
            golden = read_golden_set(golden_dir);
            options.golden = &golden;
        }
        std::string header;
        try {
            const auto bytes = read_model(model_path);
            header = args.has("--c") ? model_c_header(bytes, options) : model_header(bytes, options);
        } catch (const ModelToCError& e) {
            const std::string what = e.what();
            throw ModelToCError(what.starts_with(model_path.string() + ":") ? what : model_path.string() + ": " + what);
        }
        common::write_file_atomically(out, header);
        return 0;
    });
}
