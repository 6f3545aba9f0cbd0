// evaluate MODEL [--data SOURCE]... [--labels FILE] [--json] [--logits FILE.csv]
// MODEL is a model.fb (run through the engine) or a .ckpt (float, trainer's forward pass).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "float_model_reference.hpp"
#include "tinydigit/host/common/atomic_file.hpp"
#include "tinydigit/host/common/cli.hpp"
#include "tinydigit/host/common/output_paths.hpp"
#include "tinydigit/host/dataset/idx.hpp"
#include "tinydigit/host/dataset/sources.hpp"
#include "tinydigit/host/images/labeled_source.hpp"
#include "tinydigit/tools/evaluation.hpp"
#include "tinydigit/tools/int8_runner.hpp"
#include "tinydigit/tools/model_file.hpp"

namespace {

constexpr const char* kUsage =
    "usage: evaluate MODEL [--data SOURCE]... [--labels FILE] [--json] [--logits FILE.csv] [--threads N]\n"
    "  MODEL     model.fb (int8, through the engine) or a .ckpt checkpoint (float)\n"
    "  --data    a source as train reads it: mnist (here: the cached MNIST test set), an\n"
    "            image folder (subfolders 0 .. 9 of PGM/PNG files, prepared as predict does;\n"
    "            files that are no image or hold no digit are named and skipped), an IDX image\n"
    "            file (labels from the MNIST-named file beside it, or --labels) or a labeled\n"
    "            CSV; repeat to concatenate (each source's accuracy is printed too); no :WEIGHT.\n"
    "            Default: mnist\n"
    "  --labels  the IDX label file for a single --data IDX file\n"
    "  --json    make the last line of stdout one JSON object: count, accuracy,\n"
    "            per_class_accuracy, confusion (10x10, rows = label), images_per_second\n"
    "  --logits  write label,predicted,l0,...,l9 per image (int8 for model.fb, float for .ckpt)\n"
    "  --threads engines running images in parallel (model.fb; default: one per core); the\n"
    "            results do not depend on it\n";

using Clock = std::chrono::steady_clock;
using tinydigit::cli::UsageError;

// The images to evaluate, and where each source's images begin (first, count, name).
struct SourceRange {
    std::size_t first, count;
    std::string name;
};

// The --data sources (none: mnist) with --labels' file for a single IDX source.
tinydigit::dataset::Images load_data(std::vector<std::string> sources, const std::string& labels,
                                     std::vector<SourceRange>& ranges) {
    namespace ds = tinydigit::dataset;
    namespace im = tinydigit::images;
    if (!labels.empty() && sources.size() != 1) throw UsageError("--labels needs exactly one --data IDX file");
    if (sources.empty()) sources.push_back("mnist");
    ds::Images all;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const im::SourceSpec spec = im::parse_source(sources[i]);
        if (spec.weighted)
            throw UsageError("--data " + sources[i] + ": evaluate counts every image once; drop the ':WEIGHT'");
        if (spec.mnist || std::filesystem::is_directory(spec.path)) {
            if (!labels.empty()) throw UsageError("--labels goes with an IDX file, not with " + sources[i]);
            auto source = im::load_labeled_source(spec, im::MnistPart::kTest);
            for (const auto& skipped : source.skipped) std::fprintf(stderr, "evaluate: warning: %s (skipped)\n", skipped.c_str());
            ranges.push_back({all.count(), source.images.count(), sources[i]});
            if (i == 0) all = std::move(source.images);
            else ds::append(all, source.images);
            continue;
        }
        auto images = ds::load_source(spec.path, labels);
        if (images.count() == 0) throw ds::DataError(sources[i] + ": holds no images (nothing to evaluate)");
        if (!images.labeled())
            throw ds::DataError(
                sources[i] +
                (std::filesystem::path(sources[i]).extension() == ".csv"
                     ? ": has no label column; evaluate needs labeled images (label first, as in Kaggle's "
                       "train.csv); to classify unlabeled ones use predict"
                     : ": no labels (put the MNIST-named label file beside it or pass --labels)"));
        ranges.push_back({all.count(), images.count(), sources[i]});
        if (i == 0) all = std::move(images);
        else ds::append(all, images);
    }
    if (all.count() == 0) throw ds::DataError("no images to evaluate");
    return all;
}

int thread_count(const tinydigit::cli::Args& args) {
    if (!args.has("--threads")) return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 64u));
    const std::string text = args.value("--threads");
    char* end = nullptr;
    const long n = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || n < 1 || n > 64) throw UsageError("--threads needs a count from 1 to 64, got '" + text + "'");
    // The count changes only the speed (each worker runs its own engine), so more than the
    // machine's CPUs is capped, said once; train refuses instead, as its count changes the weights.
    const long cpus = std::max(1u, std::thread::hardware_concurrency());
    if (n > cpus) {
        std::fprintf(stderr, "evaluate: notice: --threads %ld is more than this machine's %ld CPUs; using %ld\n", n, cpus,
                     cpus);
        return static_cast<int>(cpus);
    }
    return static_cast<int>(n);
}

std::string float_text(float v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", v);
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    return tinydigit::cli::run("evaluate", kUsage, argc, argv, [](int n, char** v) {
        using namespace tinydigit::tools;
        const auto args = tinydigit::cli::parse_args(
            n, v, tinydigit::cli::Options({"--data", "--labels", "--logits", "--threads"}, {"--json"}, {"--data"}));
        if (args.positional.size() != 1) throw UsageError("expected one MODEL (see --help)");
        const std::string logits_path = args.value("--logits");
        if (!logits_path.empty()) {
            std::vector<tinydigit::common::NamedPath> inputs{{args.positional[0], "the model"}};
            for (const auto& source : args.all("--data")) inputs.push_back({source, "--data"});
            if (args.has("--labels")) inputs.push_back({args.value("--labels"), "--labels"});
            tinydigit::common::check_outputs(inputs, {{logits_path, "--logits"}});
        }
        const ModelKind kind = model_kind_of(args.positional[0]);
        std::vector<SourceRange> ranges;
        const auto data = load_data(args.all("--data"), args.value("--labels"), ranges);

        Evaluation eval;
        std::string csv;
        std::vector<int> predictions(data.count());
        auto record = [&](std::size_t i, int predicted, const auto* logits) {
            eval.add(data.labels[i], predicted);
            predictions[i] = predicted;
            if (logits_path.empty()) return;
            csv += std::to_string(data.labels[i]);
            csv += ',';
            csv += std::to_string(predicted);
            for (int k = 0; k < 10; ++k) {
                csv += ',';
                if constexpr (std::is_same_v<std::remove_cvref_t<decltype(*logits)>, float>) csv += float_text(logits[k]);
                else csv += std::to_string(logits[k]);
            }
            csv += '\n';
        };

        if (kind == ModelKind::Int8Model) {
            const auto file = ModelFile::read(args.positional[0]);
            const int threads = thread_count(args);
            const auto start = Clock::now();
            const auto logits = tinydigit::tools::int8_logits(file, data, threads);
            eval.seconds = std::chrono::duration<double>(Clock::now() - start).count();
            for (std::size_t i = 0; i < data.count(); ++i)
                record(i, argmax(logits.data() + i * 10, 10), logits.data() + i * 10);
        } else {
            auto reference = float_reference_from_checkpoint(args.positional[0]);
            constexpr std::size_t kBatch = 256;
            double seconds = 0.0;
            for (std::size_t first = 0; first < data.count(); first += kBatch) {
                const std::size_t count = std::min(kBatch, data.count() - first);
                const auto start = Clock::now();
                const auto logits = reference.logits(data.image(first), count);
                seconds += std::chrono::duration<double>(Clock::now() - start).count();
                for (std::size_t i = 0; i < count; ++i)
                    record(first + i, argmax(logits.data() + i * 10, 10), logits.data() + i * 10);
            }
            eval.seconds = seconds;
        }
        if (!logits_path.empty()) tinydigit::common::write_file_atomically(logits_path, csv);
        const std::string how = kind == ModelKind::Int8Model
                                    ? std::string("int8, engine kernels ") + tinydigit::engine::default_kernels().name
                                    : std::string("float checkpoint");
        std::printf("model: %s (%s)\ndata: %s\n", args.positional[0].c_str(), how.c_str(), data.source.c_str());
        std::fputs(eval.text().c_str(), stdout);
        if (ranges.size() > 1)
            for (const auto& range : ranges) {
                std::size_t correct = 0;
                for (std::size_t i = range.first; i < range.first + range.count; ++i) correct += predictions[i] == data.labels[i];
                std::printf("accuracy on %s: %.2f %% (%zu of %zu)\n", range.name.c_str(),
                            100.0 * static_cast<double>(correct) / static_cast<double>(range.count), correct, range.count);
            }
        if (args.has("--json")) std::printf("%s\n", eval.json().c_str());
        return 0;
    });
}
