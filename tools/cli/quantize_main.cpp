// quantize best.ckpt model.fb [--calibration-count N] [--emit-c FILE.h] [--golden DIR] [--report FILE]
#include <chrono>
#include <cstdio>

#include "float_model_reference.hpp"
#include "tinydigit/host/common/atomic_file.hpp"
#include "tinydigit/host/common/cli.hpp"
#include "tinydigit/host/common/output_paths.hpp"
#include "tinydigit/host/common/sha256.hpp"
#include "tinydigit/host/dataset/idx.hpp"
#include "tinydigit/host/dataset/sources.hpp"
#include "tinydigit/model_to_c/emit_header.hpp"
#include "tinydigit/tools/calibrate.hpp"
#include "tinydigit/tools/describe_model.hpp"
#include "tinydigit/tools/fold.hpp"
#include "tinydigit/tools/golden.hpp"
#include "tinydigit/tools/int8_runner.hpp"
#include "tinydigit/tools/model_writer.hpp"
#include "tinydigit/tools/quantize_error.hpp"
#include "tinydigit/tools/report.hpp"
#include "tinydigit/tools/serialize.hpp"

#ifndef TINYDIGIT_VERSION
#error "TINYDIGIT_VERSION must be defined by the build"
#endif

namespace {

constexpr const char* kUsage =
    "usage: quantize CHECKPOINT.ckpt MODEL.fb [--calibration-count N] [--emit-c FILE.h] [--golden DIR]\n"
    "                [--report FILE]\n"
    "  Folds BatchNorm and ZeroPad, fuses conv+pool, calibrates activation ranges on the first N\n"
    "  MNIST training images (default 1000; never the test set) and writes the int8 model.\n"
    "  --emit-c   also write the model as a C++ header (alignas(16) array + kArenaBytes)\n"
    "  --golden   write golden inputs/outputs (first 100 MNIST test digits) to DIR\n"
    "  --report   measure float vs int8 on the MNIST test set (accuracy, argmax agreement,\n"
    "             per-layer error); printed and written to FILE, accuracies stored in the model\n"
    "  MNIST files come from TINYDIGIT_DATA_DIR (default: the build's data/mnist).\n";

constexpr std::size_t kLayerErrorImages = 1000;
constexpr std::size_t kGoldenImages = 100;

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
    return tinydigit::cli::run("quantize", kUsage, argc, argv, [](int n, char** v) {
        using namespace tinydigit;
        using namespace tinydigit::tools;
        const auto args = cli::parse_args(n, v, cli::Options({"--calibration-count", "--emit-c", "--golden", "--report"}));
        if (args.positional.size() != 2) throw cli::UsageError("expected CHECKPOINT.ckpt and MODEL.fb (see --help)");
        const std::filesystem::path checkpoint_path = args.positional[0], output = args.positional[1];
        const auto calibration_count = static_cast<std::size_t>(args.positive_int("--calibration-count", 1000));
        const std::string emit_c = args.value("--emit-c"), golden_dir = args.value("--golden"),
                          report_path = args.value("--report");
        const auto start = Clock::now();

        // Every input and output is checked before calibration: a typo must not cost the run
        // nor replace the checkpoint, and no output is written unless all of them can be.
        const auto mnist = dataset::mnist_files();
        std::vector<common::NamedPath> inputs{{checkpoint_path, "the checkpoint"},
                                              {mnist.train_images, "the MNIST training images"}};
        if (!report_path.empty() || !golden_dir.empty()) {
            inputs.push_back({mnist.test_images, "the MNIST test images"});
            inputs.push_back({mnist.test_labels, "the MNIST test labels"});
        }
        std::vector<common::NamedPath> outputs{{output, "the model"}};
        if (!emit_c.empty()) outputs.push_back({emit_c, "--emit-c"});
        if (!report_path.empty()) outputs.push_back({report_path, "--report"});
        if (std::error_code ec; !golden_dir.empty() && std::filesystem::is_directory(golden_dir, ec))
            for (const char* name : {model_to_c::kGoldenImagesFile, model_to_c::kGoldenLabelsFile,
                                     model_to_c::kGoldenExpectedFile, model_to_c::kGoldenLayersFile})
                outputs.push_back({std::filesystem::path(golden_dir) / name, "a --golden file"});
        common::check_outputs(inputs, outputs);

        const trainer::CheckpointData checkpoint = trainer::load_checkpoint(checkpoint_path);
        const FoldedNetwork folded = fold_checkpoint_file(checkpoint, checkpoint_path);
        FloatReference reference = float_reference(checkpoint, 1);

        const auto train = dataset::read_idx(mnist.train_images);
        if (calibration_count > train.count())
            throw cli::UsageError("--calibration-count " + std::to_string(calibration_count) + " exceeds the " +
                                  std::to_string(train.count()) + " training images");
        std::vector<std::string> names;
        for (const auto& layer : folded.layers) names.push_back(layer.output_name);
        const Ranges ranges = calibrate(reference, train.pixels.data(), calibration_count, names, names.back());

        QuantizedModel model = quantize_network(folded, ranges);
        // The file name and its SHA-256, not the path as typed: the same checkpoint gives the same
        // bytes from any folder, and no home directory ends up in firmware.
        model.provenance.source_checkpoint = checkpoint_path.filename().string();
        model.provenance.source_checkpoint_sha256 = common::sha256_hex_of_file(checkpoint_path);
        model.provenance.calibration_images = static_cast<int>(calibration_count);
        model.provenance.calibration_source = "first " + std::to_string(calibration_count) + " of " +
                                              mnist.train_images.filename().string();
        model.provenance.tool_version = "tinydigit quantize " TINYDIGIT_VERSION;
        std::vector<std::uint8_t> bytes = serialize_model(model);
        std::printf("quantized %s (%s) in %.1f s: %zu calibration images\n", checkpoint_path.string().c_str(),
                    folded.architecture.c_str(), since(start), calibration_count);

        std::string report_text;
        std::optional<dataset::Images> test;
        if (!report_path.empty() || !golden_dir.empty()) test = dataset::read_idx(mnist.test_images, mnist.test_labels);
        if (!report_path.empty()) {
            const auto measured = measure_report(ModelFile::from_bytes(bytes, output.string()), reference, *test,
                                                 kLayerErrorImages);
            model.provenance.float_test_accuracy = static_cast<float>(measured.float_eval.accuracy());
            model.provenance.int8_test_accuracy = static_cast<float>(measured.int8_eval.accuracy());
            bytes = serialize_model(model);
            report_text = measured.text();
        }

        const ModelFile file = ModelFile::from_bytes(bytes, output.string());
        const Int8Runner checked(file);  // never write a model the engine refuses
        common::write_file_atomically(output, std::as_bytes(std::span(bytes)));
        const ModelSizes sizes = model_sizes(checked.engine(), bytes.size());
        std::printf("wrote %s: %s bytes, arena %s bytes\n", output.string().c_str(), with_commas(sizes.file_bytes).c_str(),
                    with_commas(sizes.arena_bytes).c_str());

        std::optional<model_to_c::GoldenSet> golden;
        if (!golden_dir.empty()) {
            golden = make_golden_set(file, *test, {kGoldenImages, 4});
            write_golden_dir(golden_dir, *golden);
            std::printf("wrote golden files for %zu test digits to %s\n", golden->images.size(), golden_dir.c_str());
        }
        if (!emit_c.empty()) {
            model_to_c::HeaderOptions options;
            options.source_name = output.filename().string();
            options.golden = golden ? &*golden : nullptr;
            common::write_file_atomically(emit_c, model_to_c::model_header(bytes, options));
            std::printf("wrote %s\n", emit_c.c_str());
        }
        if (!report_path.empty()) {
            common::write_file_atomically(report_path, report_text);
            std::printf("\n%s", report_text.c_str());
        }
        std::printf("total time %.1f s\n", since(start));
        return 0;
    });
}
