// `train`: the command-line trainer. See usage_text() in src/cli.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <omp.h>
#include <unistd.h>

#include <csignal>

#include "tinydigit/host/common/output_paths.hpp"
#include "tinydigit/host/common/sha256.hpp"
#include "tinydigit/host/dataset/idx.hpp"
#include "tinydigit/host/dataset/sources.hpp"
#include "tinydigit/host/images/labeled_source.hpp"
#include "tinydigit/trainer/cli.hpp"
#include "tinydigit/trainer/fine_tune.hpp"
#include "tinydigit/trainer/cpu_isa.hpp"
#include "tinydigit/trainer/float_model.hpp"
#include "tinydigit/trainer/softmax_cross_entropy.hpp"
#include "tinydigit/host/training/history.hpp"
#include "tinydigit/host/training/submission.hpp"
#include "tinydigit/trainer/training.hpp"

namespace td = tinydigit;
using namespace tinydigit::trainer;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

// The first Ctrl-C asks the training loop to stop at the next batch; a second one kills the
// process at once (atomic writes keep every file whole either way).
extern "C" void on_interrupt(int) {
    g_interrupted = 1;
    std::signal(SIGINT, SIG_DFL);
}

// A word the shell reads back as itself.
std::string shell_quoted(const std::string& word) {
    if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                "-_./=:,+@%") == std::string::npos)
        return word;
    // Built with append(): GCC 12 raises a false -Wrestrict on chained operator+.
    std::string quoted("'");
    for (const char c : word) {
        if (c == '\'') quoted.append("'\\''");
        else quoted.push_back(c);
    }
    return quoted.append("'");
}

// The command that continues an interrupted run: the same arguments, --resume instead of
// --overwrite.
std::string resume_command(const std::vector<std::string>& argv) {
    std::string command = shell_quoted(argv.front());
    bool has_resume = false;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        if (argv[i] == "--overwrite") continue;
        has_resume = has_resume || argv[i] == "--resume";
        command.append(" ").append(shell_quoted(argv[i]));
    }
    return has_resume ? command : command.append(" --resume");
}

struct LoadedData {
    td::dataset::Images images;
    std::vector<DataSource> sources;
};

// Reads every source (image folders say which files they skipped and which digits they lack)
// and lays their images out one after the other, as train() expects.
LoadedData load_sources(const std::vector<td::images::SourceSpec>& specs, std::size_t limit) {
    std::vector<td::images::LabeledSource> loaded;
    for (const auto& spec : specs) {
        auto source = td::images::load_labeled_source(spec, td::images::MnistPart::kTrain);
        for (const auto& skipped : source.skipped) std::fprintf(stderr, "train: warning: %s (skipped)\n", skipped.c_str());
        if (!source.empty_classes.empty()) {
            std::string digits;
            for (const int d : source.empty_classes) digits.append(digits.empty() ? "" : " ").append(std::to_string(d));
            std::fprintf(stderr, "train: warning: %s: no image of digit %s\n", spec.text.c_str(), digits.c_str());
        }
        if (limit && source.images.count() > limit) {
            source.images.pixels.resize(limit * td::dataset::kPixels);
            source.images.labels.resize(limit);
        }
        loaded.push_back(std::move(source));
    }
    const auto names = td::images::unique_names(loaded);
    LoadedData all;
    for (std::size_t i = 0; i < loaded.size(); ++i) {
        auto& source = loaded[i];
        all.sources.push_back({source.path, td::images::source_sha256(source), static_cast<int>(source.images.count()),
                               static_cast<float>(specs[i].weight), names[i]});
        if (i == 0) all.images = std::move(source.images);
        else td::dataset::append(all.images, source.images);
    }
    return all;
}

double accuracy(FloatModel& model, const td::dataset::Images& images) {
    const auto logits = model.logits(images.pixels.data(), images.count());
    std::size_t correct = 0;
    for (std::size_t i = 0; i < images.count(); ++i) correct += argmax(&logits[i * 10], 10) == images.labels[i];
    return static_cast<double>(correct) / static_cast<double>(images.count());
}

// "wall time to validation accuracy 99.0 %: 412 s (epoch 6), ..." from the history (summed
// over the invocations of a resumed run).
void print_time_to_accuracy(const std::vector<HistoryRow>& history) {
    std::string line = "wall time to validation accuracy";
    for (const double target : {0.990, 0.995, 0.996}) {
        char text[96];
        const HistoryRow* row = first_reaching(history, target);
        if (!row) std::snprintf(text, sizeof text, " %.1f %%: not reached,", 100.0 * target);
        else if (std::isnan(row->elapsed_s))
            std::snprintf(text, sizeof text, " %.1f %%: epoch %d (time not recorded),", 100.0 * target, row->epoch);
        else
            std::snprintf(text, sizeof text, " %.1f %%: %.0f s (epoch %d),", 100.0 * target, row->elapsed_s, row->epoch);
        line += text;
    }
    line.back() = '\n';
    std::fputs(line.c_str(), stdout);
}

// Everything a run reads and writes, checked before the first step: a missing file must not
// cost a training run, and no output may replace an input.
void check_files_up_front(const CommandLine& cl, int epochs) {
    const bool report_test = !cl.skip_test && !cl.leak_test_set;
    if (epochs == 0 && !report_test && cl.predict.empty())
        throw UsageError("--epochs 0 trains nothing and " +
                         std::string(cl.leak_test_set ? kLeakFlag : "--skip-test") +
                         " evaluates nothing: nothing to do (give --epochs N to train, or --predict/--submission)");
    std::error_code ec;
    if (std::filesystem::exists(cl.out, ec) && !std::filesystem::is_directory(cl.out, ec))
        throw UsageError("--out " + cl.out.string() + ": is a file; --out names the run's folder (e.g. --out " +
                         (cl.out.has_parent_path() ? cl.out.parent_path() : std::filesystem::path("runs/train")).string() +
                         ")");
    // A checkpoint of another architecture is refused before MNIST is read.
    if (!cl.init.empty() && epochs > 0 && !cl.resume) load_initial(cl.init, cl.arch);
    // The MNIST files this run needs (a missing one is reported with how to fetch it).
    const bool mnist_source = cl.data.empty() || std::any_of(cl.data.begin(), cl.data.end(), [](const auto& s) { return s.mnist; });
    if ((epochs > 0 && mnist_source) || cl.leak_test_set || report_test) td::dataset::mnist_files();
    for (const auto& spec : cl.data)
        if (!spec.mnist && !std::filesystem::is_regular_file(spec.path, ec) && !std::filesystem::is_directory(spec.path, ec))
            td::dataset::open_data_file(spec.path, std::ios::binary);
    if (!cl.submission.empty()) {
        std::vector<td::common::NamedPath> inputs{{cl.predict, "--predict"},
                                                  {cl.out / "best.ckpt", "the run's best.ckpt"},
                                                  {cl.out / "last.ckpt", "the run's last.ckpt"}};
        for (const auto& spec : cl.data)
            if (!spec.mnist) inputs.push_back({spec.path, "--data"});
        if (!cl.init.empty()) inputs.push_back({cl.init, "--init"});
        td::common::check_outputs(inputs, {{cl.submission, "--submission"}});
    }
}

int run(const CommandLine& cl, const std::vector<std::string>& argv) {
    const int cpus = omp_get_num_procs();
    if (cl.threads > cpus)
        throw UsageError("--threads " + std::to_string(cl.threads) + ": this machine has " + std::to_string(cpus) +
                         " CPUs (give at most " + std::to_string(cpus) + ")");
    if (cl.threads > 0) omp_set_num_threads(cl.threads);
    // Everything that can be refused is checked before anything is written.
    const int epochs = cl.epochs.value_or(cl.init.empty() ? kDefaultEpochs : kFineTuneEpochs);
    check_files_up_front(cl, epochs);
    // Evaluating (--epochs 0) takes the architecture from the checkpoint. Training never
    // replaces a run's checkpoints unless told to: they may be hours of work.
    const std::string existing = architecture_in(cl.out);
    if (epochs > 0 && !existing.empty() && !cl.overwrite) {
        if (existing != cl.arch.name) {
            throw std::runtime_error(cl.out.string() + ": holds a " + existing +
                                     " network's checkpoints; refusing to mix in " + std::string(cl.arch.name) +
                                     " (choose another --out, or --overwrite)");
        }
        if (!cl.resume) {
            const bool resumable = std::filesystem::exists(cl.out / "last.ckpt");
            throw std::runtime_error(cl.out.string() + ": already holds a " + existing + " run; " +
                                     (resumable ? "--resume continues it, " : "it has no last.ckpt to resume; ") +
                                     "--overwrite starts over (or choose another --out)");
        }
    }
    td::dataset::Images to_predict;
    if (!cl.predict.empty()) to_predict = td::dataset::load_source(cl.predict);

    if (epochs > 0) {
        std::vector<td::images::SourceSpec> specs = cl.data;
        if (specs.empty()) specs.push_back(td::images::parse_source("mnist"));
        if (cl.leak_test_set) {
            std::fprintf(stderr, "warning: %s: the MNIST test set is mixed into training; no test accuracy will be reported\n",
                         kLeakFlag);
            // Its own source: the MNIST-named file beside the cache's test images carries the labels.
            specs.push_back(td::images::parse_source(td::dataset::mnist_files().test_images.string()));
        }
        LoadedData data = load_sources(specs, cl.limit);
        TrainOptions options;
        options.arch = cl.arch;
        options.epochs = epochs;
        options.batch = cl.batch;
        options.learning_rate = cl.learning_rate;
        options.seed = cl.seed;
        options.out = cl.out;
        options.resume = cl.resume;
        options.augment = cl.augment;
        options.precise_bn_images = cl.precise_bn_images;
        options.final_anneal = cl.final_anneal;
        options.schedule = cl.schedule;
        options.label_smoothing = cl.label_smoothing;
        options.ema_decay = cl.ema_decay;
        options.precision = cl.precision;
        if (cl.bf16_if_native) {
            if (bf16_native()) {
                options.precision = Precision::kBF16;
            } else {
                std::fprintf(stderr, "note: this CPU has no AVX-512 BF16 (oneDNN uses %s): the recipe trains in f32, "
                                     "about half as fast\n",
                             std::string(onednn_isa_name()).c_str());
            }
        }
        options.stop_after = cl.stop_after;
        options.stop_requested = &g_interrupted;
        if (!cl.init.empty()) {
            options.init = cl.init;
            options.init_sha256 = td::common::sha256_hex_of_file(cl.init);
        }
        std::signal(SIGINT, on_interrupt);
        std::fprintf(stderr, "training %s on %zu images (%zu sources), %d epochs, batch %d, %d threads, %s on oneDNN's %s kernels -> %s\n",
                     std::string(cl.arch.name).c_str(), data.images.count(), data.sources.size(), epochs, cl.batch,
                     omp_get_max_threads(), std::string(precision_name(options.precision)).c_str(),
                     std::string(onednn_isa_name()).c_str(), cl.out.string().c_str());
        const TrainSummary summary = train(options, data.images, data.sources);
        std::signal(SIGINT, SIG_DFL);
        if (summary.stopped) {
            if (::isatty(STDERR_FILENO)) std::fputc('\n', stderr);
            if (summary.epochs_done == 0) {
                std::fprintf(stderr, "train: interrupted during epoch 1; no epoch finished, nothing was written: run the "
                                     "same command to start again\n");
            } else {
                std::fprintf(stderr,
                             "train: interrupted; the epoch under way was dropped, %s holds epoch %d of %d. Continue with:\n"
                             "  %s\n",
                             (cl.out / "last.ckpt").string().c_str(), summary.epochs_done, epochs,
                             resume_command(argv).c_str());
            }
            return 130;  // 128 + SIGINT, as the shell reports a Ctrl-C
        }
        std::printf("trained %d epochs in %.0f s; best validation accuracy %.2f %%%s -> %s\n", summary.epochs_done,
                    summary.seconds, 100.0 * summary.best_val_accuracy,
                    data.sources.size() > 1 ? " (mean over the sources)" : "", (cl.out / "best.ckpt").string().c_str());
        if (data.sources.size() > 1)
            for (std::size_t i = 0; i < summary.best_source_val_accuracy.size(); ++i)
                std::printf("  validation accuracy of best.ckpt on %s: %.2f %%\n", data.sources[i].name.c_str(),
                            100.0 * summary.best_source_val_accuracy[i]);
        print_time_to_accuracy(td::trainer::read_history_csv(cl.out / "history.csv"));
    }

    if (cl.leak_test_set) {
        std::printf("test accuracy: not reported (the MNIST test set was trained on: %s)\n", kLeakFlag);
    }
    const bool report_test = !cl.skip_test && !cl.leak_test_set;
    if (!report_test && cl.predict.empty()) return 0;
    const auto best = cl.out / "best.ckpt";
    if (!std::filesystem::exists(best)) throw std::runtime_error(best.string() + ": no checkpoint to evaluate");
    FloatModel model(load_checkpoint(best));
    if (report_test) {
        const auto mnist = td::dataset::mnist_files();
        const auto test = td::dataset::read_idx(mnist.test_images, mnist.test_labels);
        std::printf("float test accuracy (MNIST test set, %zu images, best.ckpt): %.2f %%\n", test.count(),
                    100.0 * accuracy(model, test));
    }
    if (!cl.predict.empty()) {
        const auto logits = model.logits(to_predict.pixels.data(), to_predict.count());
        std::vector<std::uint8_t> labels(to_predict.count());
        for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::uint8_t>(argmax(&logits[i * 10], 10));
        write_submission(cl.submission, labels);
        std::printf("wrote %zu predictions to %s\n", labels.size(), cl.submission.string().c_str());
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CommandLine cl;
    const std::vector<std::string> args(argv, argv + argc);
    try {
        cl = parse_command_line(std::vector<std::string>(args.begin() + 1, args.end()));
    } catch (const UsageError& e) {
        std::fprintf(stderr, "train: %s\n", e.what());
        return 2;
    }
    if (cl.help) {
        std::fputs(usage_text().c_str(), stdout);
        return 0;
    }
    try {
        return run(cl, args);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "train: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "train: %s\n", e.what());
        return 1;
    }
}
