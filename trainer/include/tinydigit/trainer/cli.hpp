// The `train` command line: parsing into options (no side effects) and the usage text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tinydigit/host/common/cli.hpp"
#include "tinydigit/host/images/labeled_source.hpp"
#include "tinydigit/trainer/architecture.hpp"
#include "tinydigit/trainer/lr_schedule.hpp"
#include "tinydigit/trainer/precision.hpp"

namespace tinydigit::trainer {

// A bad command line; what() is one line naming the flag. The rules (repeated flags, flags
// where a value belongs, unknown options) are every tool's: common/cli.hpp.
using UsageError = cli::UsageError;

struct CommandLine {
    std::vector<images::SourceSpec> data;  // empty: the cached MNIST training set
    std::optional<int> epochs;             // unset: the short default (kFineTuneEpochs with --init)
    int batch = 32;
    float learning_rate = 1e-3f;           // kFineTuneLearningRate with --init, unless --lr is given
    std::filesystem::path init;            // --init: fine-tune from this checkpoint
    std::uint64_t seed = 1;
    int threads = 0;  // 0: oneDNN's default (all cores)
    Architecture arch = kSeed;
    std::filesystem::path out = "runs/train";
    bool resume = false;
    bool overwrite = false;  // start over in an --out that holds a run
    bool augment = true;
    std::size_t precise_bn_images = 8192;
    bool final_anneal = true;
    Schedule schedule = Schedule::kPlateau;
    float label_smoothing = 0.0f;
    float ema_decay = 0.0f;  // 0: no weight average
    Precision precision = Precision::kF32;
    // Set by --recipe fast without --precision: bf16 if the CPU has AVX-512 BF16, else f32
    // (decided by `train`, which says so; parsing has no side effects).
    bool bf16_if_native = false;
    std::size_t limit = 0;  // images per source; 0: all
    std::filesystem::path predict, submission;
    bool leak_test_set = false;
    bool skip_test = false;  // no MNIST test evaluation at the end
    int stop_after = 0;      // 0: train to --epochs
    bool help = false;
};

inline constexpr int kDefaultEpochs = 2;
inline constexpr const char* kLeakFlag = "--train-on-test-set-leaks-labels";

// Throws UsageError.
CommandLine parse_command_line(const std::vector<std::string>& args);
std::string usage_text();

}  // namespace tinydigit::trainer
