// The training loop: split, per-epoch shuffle and augmentation, Adam, ReduceLROnPlateau,
// keep-the-best, and checkpoints that let --resume continue bit for bit.
#pragma once

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <vector>

#include "tinydigit/host/dataset/images.hpp"
#include "tinydigit/trainer/adam.hpp"
#include "tinydigit/trainer/architecture.hpp"
#include "tinydigit/trainer/batch_source.hpp"
#include "tinydigit/trainer/lr_schedule.hpp"
#include "tinydigit/host/training/checkpoint.hpp"
#include "tinydigit/trainer/network.hpp"
#include "tinydigit/trainer/softmax_cross_entropy.hpp"

namespace tinydigit::trainer {

struct TrainOptions {
    Architecture arch = kSeed;
    int epochs = 2;
    int batch = 32;
    float learning_rate = 1e-3f;
    std::uint64_t seed = 1;
    std::filesystem::path out;  // best.ckpt, last.ckpt, history.csv, history.svg
    bool resume = false;        // continue from out/last.ckpt
    bool augment = true;
    double validation_fraction = 0.1;
    // Precise BN: at each epoch end, before validation, the BN running statistics are
    // re-estimated over this many un-augmented training images (whole batches; 0 keeps the
    // Keras moving averages). The moving averages lag the weights and were gathered on
    // augmented, dropped-out activations (trainer/README.md has the measured effect).
    std::size_t precise_bn_images = 8192;
    // The last epoch of the run lowers the learning rate step by step to zero (half a cosine),
    // so the weights settle instead of ending on a noisy Adam step.
    bool final_anneal = true;
    // kOneCycle replaces ReduceLROnPlateau and the final anneal: one_cycle_rate peaking at
    // learning_rate over all `epochs`.
    Schedule schedule = Schedule::kPlateau;
    float label_smoothing = 0.0f;  // softmax_cross_entropy's smoothing of the training loss
    // > 0: validation and the checkpoints use an exponential moving average of the weights
    // with this decay (weight_average.hpp); needs precise_bn_images > 0, which then computes
    // the BN statistics for the averaged weights.
    float ema_decay = 0.0f;
    // Ends this invocation once the run has completed this many epochs (0: run to `epochs`).
    // The schedule still aims at `epochs`, so --resume later continues as if never stopped.
    int stop_after = 0;
    Precision precision = Precision::kF32;
    // --init: start from this checkpoint's weights and BN statistics instead of random ones
    // (fine_tune.hpp); its SHA-256 goes into the recipe, so a resume must name the same start.
    std::filesystem::path init;
    std::string init_sha256;
    std::FILE* log = stderr;    // progress and per-epoch summaries; null for silence
    // Set (by a signal handler) to stop at the next batch: the epoch under way is dropped and
    // nothing of it is written, so out/ holds the last finished epoch, whole. Null: never.
    const volatile std::sig_atomic_t* stop_requested = nullptr;
};

// ReduceLROnPlateau on validation accuracy, as Keras does it (mode max, min_delta 1e-4,
// patience 3, factor 0.5, min_lr 1e-5, no cooldown).
struct Plateau {
    static constexpr int kPatience = 3;
    static constexpr float kFactor = 0.5f, kMinRate = 1e-5f;
    static constexpr double kMinDelta = 1e-4;
    PlateauState state{-1.0f, 0};
    // Returns the learning rate for the next epoch.
    float update(float val_accuracy, float rate);
};

// The learning rate of step `step` of `steps` in an epoch that starts at `rate`.
float annealed_rate(float rate, std::size_t step, std::size_t steps);

struct EvalResult {
    double loss = 0.0;
    double accuracy = 0.0;
};

// One optimization step (forward with dropout, loss, backward, Adam) on a prepared batch of
// net.batch() images; diff is scratch space. Returns the batch's summed loss and hits.
LossResult train_step(Network& net, Adam& adam, const Batch& batch, std::uint64_t dropout_key, float rate,
                      std::vector<float>& diff, float label_smoothing = 0.0f);

// Replaces the running BN statistics with population statistics over the first `count`
// (rounded down to whole batches) of images[ids], un-augmented, dropout off.
void reestimate_batch_norm(Network& net, const dataset::Images& images, const std::vector<std::size_t>& ids,
                           std::size_t count);

// Evaluation mode (running BN statistics, no dropout) over labeled images.
EvalResult evaluate(Network& net, const dataset::Images& images);

struct TrainSummary {
    int epochs_done = 0;  // the epoch last.ckpt holds
    float best_val_accuracy = 0.0f;
    double seconds = 0.0;
    bool stopped = false;  // by TrainOptions::stop_requested
    // Per-source validation accuracy of the best epoch of this invocation (empty when no
    // epoch improved on the best so far, e.g. a resume of a finished run).
    std::vector<double> best_source_val_accuracy;
};

// Trains on `data` (labeled): the images of sources[0], then of sources[1], ... (source_split.hpp:
// each holds out its own validation share; each is drawn `weight` times per epoch), writing
// checkpoints and history into options.out (created if needed). Throws CheckpointError / std::runtime_error with a one-line message when a resume
// does not match (other architecture, other data, another recipe, missing last.ckpt).
TrainSummary train(const TrainOptions& options, const dataset::Images& data, const std::vector<DataSource>& sources);

// The flags of `options` a checkpoint records (checkpoint.hpp: Recipe).
Recipe recipe_of(const TrainOptions& options);

// Throws std::runtime_error "<checkpoint>: was trained with --batch 32, not 16; resume with
// --batch 32 (...)" naming the first flag whose value differs from the stored recipe; a format
// 1 checkpoint has none, which is said on `log` (if not null).
void check_same_recipe(const std::filesystem::path& checkpoint, const std::optional<Recipe>& stored,
                       const Recipe& wanted, std::FILE* log);

// The architecture recorded in an --out folder's checkpoints (empty when it holds none).
std::string architecture_in(const std::filesystem::path& out);

}  // namespace tinydigit::trainer
