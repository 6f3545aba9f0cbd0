// inspect model.fb: layer table, arena plan, flash and RAM totals.
#include <cstdio>

#include "tinydigit/host/common/cli.hpp"
#include "tinydigit/tools/describe_model.hpp"
#include "tinydigit/tools/int8_runner.hpp"

namespace {

constexpr const char* kUsage =
    "usage: inspect MODEL.fb\n"
    "  Prints the layers (op, shapes, params, MACs, quantization), the arena plan with each\n"
    "  tensor's offset and lifetime, and the flash and RAM totals. The model must pass the\n"
    "  engine's full load check first (exit 1 with the engine's status otherwise).\n";

}  // namespace

int main(int argc, char** argv) {
    return tinydigit::cli::run("inspect", kUsage, argc, argv, [](int n, char** v) {
        const auto args = tinydigit::cli::parse_args(n, v, {});
        if (args.positional.size() != 1) throw tinydigit::cli::UsageError("expected one MODEL.fb (see --help)");
        const auto file = tinydigit::tools::ModelFile::read(args.positional[0]);
        // A model the engine refuses is described by no table: its numbers would be a lie.
        const tinydigit::tools::Int8Runner runner(file);
        std::fputs(tinydigit::tools::describe_model(runner.engine(), file.bytes().size()).c_str(), stdout);
        return 0;
    });
}
