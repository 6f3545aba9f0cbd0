#include "tinydigit/trainer/training.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <future>
#include <initializer_list>
#include <numbers>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "tinydigit/host/common/atomic_file.hpp"
#include "tinydigit/trainer/adam.hpp"
#include "tinydigit/trainer/batch_source.hpp"
#include "tinydigit/trainer/counter_rng.hpp"
#include "tinydigit/trainer/float_model.hpp"
#include "tinydigit/host/training/history.hpp"
#include "tinydigit/trainer/network_state.hpp"
#include "tinydigit/host/training/progress.hpp"
#include "tinydigit/trainer/softmax_cross_entropy.hpp"

namespace tinydigit::trainer {

namespace {

constexpr std::size_t kPixels = dataset::kPixels;
constexpr int kClasses = Architecture::kClasses;
constexpr int kEvalBatch = 128;
constexpr const char* kToolVersion = "tinydigit-train 0.1.0";

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

dataset::Images subset(const dataset::Images& data, const std::vector<std::size_t>& indices) {
    dataset::Images out;
    out.source = data.source;
    out.pixels.resize(indices.size() * kPixels);
    out.labels.resize(indices.size());
    for (std::size_t i = 0; i < indices.size(); ++i) {
        std::memcpy(out.pixels.data() + i * kPixels, data.image(indices[i]), kPixels);
        out.labels[i] = data.labels[indices[i]];
    }
    return out;
}

std::vector<std::size_t> permutation(std::size_t n, std::uint64_t key) {
    std::vector<std::size_t> p(n);
    std::iota(p.begin(), p.end(), std::size_t{0});
    CounterRng rng(key);
    for (std::size_t i = n; i > 1; --i) std::swap(p[i - 1], p[rng.below(i)]);
    return p;
}

std::vector<std::uint8_t> rng_state(std::uint64_t seed, int epoch) {
    // All randomness is counter-based on (seed, epoch, batch): this is all a resume needs.
    std::vector<std::uint8_t> bytes(12);
    std::memcpy(bytes.data(), &seed, 8);
    std::memcpy(bytes.data() + 8, &epoch, 4);
    return bytes;
}

// A failed save (full disk, quota) leaves every earlier output whole: the message says so.
void save_or_explain(const std::filesystem::path& path, const CheckpointData& checkpoint) {
    try {
        save_checkpoint(path, checkpoint);
    } catch (const common::IoError& e) {
        throw common::IoError(std::string(e.what()) +
                              " (earlier checkpoints are intact; --resume continues from last.ckpt)");
    }
}

bool same_sources(const std::vector<DataSource>& a, const std::vector<DataSource>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].sha256 != b[i].sha256 || a[i].count != b[i].count) return false;
    }
    return true;
}

// out/last.ckpt, if it can continue the run `options` describes; otherwise throws saying why.
CheckpointData load_resumable(const std::filesystem::path& last_path, const TrainOptions& options,
                              const std::vector<DataSource>& sources) {
    if (!std::filesystem::exists(last_path)) {
        throw std::runtime_error(last_path.string() + ": nothing to resume (no last.ckpt)");
    }
    const CheckpointData last = load_checkpoint(last_path);
    if (last.architecture != options.arch.name) {
        throw std::runtime_error(last_path.string() + ": holds a " + last.architecture + " network, not " +
                                 std::string(options.arch.name));
    }
    if (!last.resume) throw std::runtime_error(last_path.string() + ": has no optimizer state to resume from");
    if (last.seed != options.seed) {
        throw std::runtime_error(last_path.string() + ": was trained with --seed " + std::to_string(last.seed) +
                                 ", not " + std::to_string(options.seed));
    }
    if (last.precision != precision_name(options.precision)) {
        throw std::runtime_error(last_path.string() + ": was trained with --precision " + last.precision +
                                 ", not " + std::string(precision_name(options.precision)));
    }
    if (!same_sources(last.data, sources)) {
        throw std::runtime_error(last_path.string() + ": was trained on other data; resume with the same --data");
    }
    return last;
}

// One line on `log` if oneDNN has only a reference kernel for some primitive on this CPU.
void warn_about_reference_kernels(std::initializer_list<const Network*> nets, std::FILE* log) {
    std::string list;
    for (const Network* net : nets) {
        for (const std::string& s : net->reference_fallbacks()) {
            if (list.find(s) != std::string::npos) continue;
            if (!list.empty()) list += ", ";
            list += s;
        }
    }
    if (list.empty() || !log) return;
    std::fprintf(log, "warning: oneDNN has only slow reference kernels on this CPU for %s: training will be very slow\n",
                 list.c_str());
}

}  // namespace

float Plateau::update(float val_accuracy, float rate) {
    if (static_cast<double>(val_accuracy) - kMinDelta > static_cast<double>(state.best)) {
        state.best = val_accuracy;
        state.epochs_without_improvement = 0;
        return rate;
    }
    if (++state.epochs_without_improvement >= kPatience && rate > kMinRate) {
        state.epochs_without_improvement = 0;
        return std::max(rate * kFactor, kMinRate);
    }
    return rate;
}

float annealed_rate(float rate, std::size_t step, std::size_t steps) {
    const double progress = static_cast<double>(step) / static_cast<double>(steps);
    return static_cast<float>(static_cast<double>(rate) * 0.5 * (1.0 + std::cos(std::numbers::pi * progress)));
}

LossResult train_step(Network& net, Adam& adam, const Batch& batch, std::uint64_t dropout_key, float rate,
                      std::vector<float>& diff) {
    std::copy(batch.pixels.begin(), batch.pixels.end(), net.input());
    const float* logits = net.forward(Mode::kTrain, dropout_key);
    diff.resize(batch.labels.size() * kClasses);
    const auto r = softmax_cross_entropy(logits, batch.labels.data(), batch.labels.size(), kClasses, diff.data());
    net.backward(diff.data());
    adam.step(rate);
    return r;
}

void reestimate_batch_norm(Network& net, const dataset::Images& images, const std::vector<std::size_t>& ids,
                           std::size_t count) {
    const auto batch = static_cast<std::size_t>(net.batch());
    const std::size_t batches = std::min(count, ids.size()) / batch;
    if (batches == 0) return;
    std::vector<std::uint8_t> pixels(batch * kPixels);
    net.begin_bn_statistics();
    for (std::size_t b = 0; b < batches; ++b) {
        for (std::size_t i = 0; i < batch; ++i) {
            std::memcpy(pixels.data() + i * kPixels, images.image(ids[b * batch + i]), kPixels);
        }
        set_input(net, pixels.data(), batch);
        net.forward(Mode::kStatistics);
    }
    net.end_bn_statistics();
}

EvalResult evaluate(Network& net, const dataset::Images& images) {
    const std::size_t n = images.count();
    const auto batch = static_cast<std::size_t>(net.batch());
    double loss = 0.0;
    std::size_t correct = 0;
    for (std::size_t first = 0; first < n; first += batch) {
        const std::size_t count = std::min(batch, n - first);
        set_input(net, images.image(first), count);
        const float* logits = net.forward(Mode::kEval);
        const auto r = softmax_cross_entropy(logits, images.labels.data() + first, count, kClasses, nullptr);
        loss += r.loss_sum;
        correct += r.correct;
    }
    return n ? EvalResult{loss / static_cast<double>(n), static_cast<double>(correct) / static_cast<double>(n)}
             : EvalResult{};
}

Recipe recipe_of(const TrainOptions& options) {
    // The threads oneDNN runs with now (train sets them from --threads before training).
    return {options.batch, options.learning_rate, options.augment, options.precise_bn_images, options.final_anneal,
            omp_get_max_threads()};
}

namespace {

std::string number_text(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", v);
    return text;
}

}  // namespace

void check_same_recipe(const std::filesystem::path& checkpoint, const std::optional<Recipe>& stored,
                       const Recipe& wanted, std::FILE* log) {
    if (!stored) {
        // Format 1 checkpoints predate the recipe: say so instead of pretending to have checked.
        if (log)
            std::fprintf(log, "notice: %s records no recipe (format 1): --batch, --lr, --no-augment, --precise-bn and "
                              "--no-final-anneal cannot be checked against it\n", checkpoint.string().c_str());
        return;
    }
    if (stored->threads == 0 && log)
        std::fprintf(log, "notice: %s records no thread count: --threads cannot be checked against it\n",
                     checkpoint.string().c_str());
    // Any of these changes the weights: the run would no longer continue bit for bit.
    std::string flag, was, now;
    auto flag_text = [](bool set) { return std::string(set ? "with" : "without"); };
    if (stored->batch != wanted.batch) {
        flag = "--batch", was = std::to_string(stored->batch), now = std::to_string(wanted.batch);
    } else if (stored->learning_rate != wanted.learning_rate) {
        flag = "--lr", was = number_text(stored->learning_rate), now = number_text(wanted.learning_rate);
    } else if (stored->precise_bn_images != wanted.precise_bn_images) {
        flag = "--precise-bn", was = std::to_string(stored->precise_bn_images), now = std::to_string(wanted.precise_bn_images);
    } else if (stored->augment != wanted.augment) {
        throw std::runtime_error(checkpoint.string() + ": was trained " + flag_text(!stored->augment) +
                                 " --no-augment; resume " + flag_text(!stored->augment) +
                                 " it (or start a new run: --overwrite or another --out)");
    } else if (stored->threads != 0 && stored->threads != wanted.threads) {
        // oneDNN splits its sums by thread: another count changes the weights' last bits.
        flag = "--threads", was = std::to_string(stored->threads), now = std::to_string(wanted.threads);
    } else if (stored->final_anneal != wanted.final_anneal) {
        throw std::runtime_error(checkpoint.string() + ": was trained " + flag_text(!stored->final_anneal) +
                                 " --no-final-anneal; resume " + flag_text(!stored->final_anneal) +
                                 " it (or start a new run: --overwrite or another --out)");
    } else {
        return;
    }
    throw std::runtime_error(checkpoint.string() + ": was trained with " + flag + " " + was + ", not " + now + "; resume with " +
                             flag + " " + was + " (or start a new run: --overwrite or another --out)");
}

std::string architecture_in(const std::filesystem::path& out) {
    for (const char* name : {"last.ckpt", "best.ckpt"}) {
        if (std::filesystem::exists(out / name)) return load_checkpoint(out / name).architecture;
    }
    return {};
}

TrainSummary train(const TrainOptions& options, const dataset::Images& data, const std::vector<DataSource>& sources) {
    const auto started = Clock::now();
    if (!data.labeled()) throw std::runtime_error(data.source + ": training data must be labeled");
    const std::size_t n = data.count();
    auto n_val = static_cast<std::size_t>(std::llround(static_cast<double>(n) * options.validation_fraction));
    if (n_val == 0 || n_val >= n) throw std::runtime_error("need at least 2 training images (got " + std::to_string(n) + ")");

    // The split depends on the seed only.
    const auto split = permutation(n, stream_key(options.seed, 0, 0, Purpose::kSplit));
    const dataset::Images val = subset(data, {split.begin(), split.begin() + static_cast<std::ptrdiff_t>(n_val)});
    const std::vector<std::size_t> train_ids(split.begin() + static_cast<std::ptrdiff_t>(n_val), split.end());
    const std::size_t n_train = train_ids.size();
    const auto batch = static_cast<std::size_t>(std::min<std::size_t>(static_cast<std::size_t>(options.batch), n_train));
    const std::size_t batches = n_train / batch;  // the last partial batch is dropped (it changes every epoch)

    const auto last_path = options.out / "last.ckpt";
    const auto best_path = options.out / "best.ckpt";
    // A refused resume is refused before any network is built, so the reason does not depend
    // on what this CPU can run (a bf16 run offered for f32 names the precision everywhere).
    const std::optional<CheckpointData> last =
        options.resume ? std::optional(load_resumable(last_path, options, sources)) : std::nullopt;
    if (last) check_same_recipe(last_path, last->recipe, recipe_of(options), options.log);

    Network net(options.arch, static_cast<int>(batch), options.precision);
    // Validation runs in f32 whatever the training precision: the checkpoint it picks is used
    // (folded, quantized, evaluated) in f32.
    Network eval_net(options.arch, static_cast<int>(std::min<std::size_t>(kEvalBatch, n_val)));
    warn_about_reference_kernels({&net, &eval_net}, options.log);
    Adam adam(net.parameters());
    Plateau plateau;
    float rate = options.learning_rate;
    float best_val = -1.0f;
    int start_epoch = 0;
    std::vector<HistoryRow> history;

    if (last) {
        try {
            import_parameters(last->params, last->buffers, net);
            import_adam(last->resume->adam, net, adam);
        } catch (const CheckpointError& e) {
            throw CheckpointError(last_path.string() + ": " + e.what());  // which tensor, and in which file
        }
        plateau.state = last->resume->plateau;
        rate = last->learning_rate;
        best_val = last->metrics.best_val_accuracy;
        start_epoch = last->epoch;
        if (std::filesystem::exists(options.out / "history.csv")) {
            history = read_history_csv(options.out / "history.csv");
            std::erase_if(history, [&](const HistoryRow& r) { return r.epoch > start_epoch; });
        }
    } else {
        net.initialize(options.seed);
    }
    std::filesystem::create_directories(options.out);
    // Fail now, not after the first epoch; and sweep what a killed earlier run left half-written.
    common::check_writable_folder(options.out);
    for (const char* name : {"best.ckpt", "last.ckpt", "history.csv", "history.svg"}) {
        common::remove_stale_temporaries(options.out / name);
    }

    CheckpointData ckpt;
    ckpt.architecture = std::string(options.arch.name);
    ckpt.seed = options.seed;
    ckpt.precision = std::string(precision_name(options.precision));
    ckpt.data = sources;
    ckpt.tool_version = kToolVersion;
    ckpt.recipe = recipe_of(options);

    std::vector<float> diff(batch * kClasses);
    const int end_epoch = options.stop_after > 0 ? std::min(options.stop_after, options.epochs) : options.epochs;
    for (int epoch = start_epoch; epoch < end_epoch; ++epoch) {
        const auto epoch_started = Clock::now();
        const auto order_local = permutation(n_train, stream_key(options.seed, static_cast<std::uint64_t>(epoch), 0,
                                                                 Purpose::kShuffle));
        std::vector<std::size_t> order(n_train);
        for (std::size_t i = 0; i < n_train; ++i) order[i] = train_ids[order_local[i]];
        // The next batch is augmented in the background while this one trains.
        BatchSource source(data, std::move(order), batch, options.seed, epoch, options.augment);
        std::optional<EpochProgress> progress;
        if (options.log) progress.emplace(epoch + 1, options.epochs, batches * batch, options.log);
        double loss_sum = 0.0;
        std::size_t correct = 0;
        const bool anneal = options.final_anneal && epoch + 1 == options.epochs;
        auto stop_requested = [&] { return options.stop_requested && *options.stop_requested != 0; };
        for (std::size_t b = 0; b < batches && !stop_requested(); ++b) {
            const Batch current = source.get(b);
            const auto r = train_step(net, adam, current,
                                      stream_key(options.seed, static_cast<std::uint64_t>(epoch), b, Purpose::kDropout),
                                      anneal ? annealed_rate(rate, b, batches) : rate, diff);
            loss_sum += r.loss_sum;
            correct += r.correct;
            const double seen = static_cast<double>((b + 1) * batch);
            if (progress) progress->update((b + 1) * batch, loss_sum / seen, static_cast<double>(correct) / seen);
        }
        if (stop_requested()) return {epoch, best_val, seconds_since(started), true};
        const double seen = static_cast<double>(batches * batch);
        const double train_loss = loss_sum / seen, train_acc = static_cast<double>(correct) / seen;
        if (progress) progress->finish(train_loss, train_acc);
        const double train_seconds = seconds_since(epoch_started);

        reestimate_batch_norm(net, data, train_ids, options.precise_bn_images);
        copy_state(net, eval_net);
        const EvalResult v = evaluate(eval_net, val);
        const float used_rate = rate;
        rate = plateau.update(static_cast<float>(v.accuracy), rate);

        ckpt.epoch = epoch + 1;
        ckpt.learning_rate = rate;
        ckpt.params = export_parameters(net);
        ckpt.buffers = export_buffers(net);
        const bool improved = static_cast<float>(v.accuracy) > best_val;
        if (improved) best_val = static_cast<float>(v.accuracy);
        ckpt.metrics = {static_cast<float>(train_loss), static_cast<float>(train_acc), static_cast<float>(v.loss),
                        static_cast<float>(v.accuracy), best_val};
        if (improved) {
            ckpt.resume.reset();
            save_or_explain(best_path, ckpt);
        }
        ckpt.resume = ResumeState{export_adam(net, adam), plateau.state, rng_state(options.seed, epoch + 1)};
        save_or_explain(last_path, ckpt);

        history.push_back({epoch + 1, train_loss, train_acc, v.loss, v.accuracy, used_rate, train_seconds,
                           seen / train_seconds});
        write_history_csv(options.out / "history.csv", history);
        write_history_svg(options.out / "history.svg", history);
        if (options.log) {
            std::fprintf(options.log,
                         "epoch %d/%d: loss %.4f acc %.4f  val_loss %.4f val_acc %.4f  lr %.3g%s%s  %.0f s, %.0f img/s\n",
                         epoch + 1, options.epochs, train_loss, train_acc, v.loss, v.accuracy,
                         static_cast<double>(used_rate), anneal ? " annealed to 0" : "", improved ? "  (best so far)" : "", train_seconds,
                         seen / train_seconds);
            if (rate != used_rate) std::fprintf(options.log, "learning rate reduced to %.3g\n", static_cast<double>(rate));
            std::fflush(options.log);
        }
    }
    return {std::max(end_epoch, start_epoch), best_val, seconds_since(started)};
}

}  // namespace tinydigit::trainer
