// --init: fine-tuning from an existing checkpoint (e.g. models/seed/best.ckpt on MNIST plus a
// user's own digits). The run starts from the checkpoint's weights and BN statistics with a
// fresh Adam and its own short schedule: the defaults below (each flag still overrides them),
// then the usual recipe (ReduceLROnPlateau, precise BN, the final anneal over the last epoch).
#pragma once

#include <filesystem>

#include "tinydigit/host/training/checkpoint.hpp"
#include "tinydigit/trainer/architecture.hpp"

namespace tinydigit::trainer {

// A tenth of the from-scratch rate, for a network that is already trained; the measured
// seven-segment example (README.md) used these two values, others were not measured.
inline constexpr int kFineTuneEpochs = 2;
inline constexpr float kFineTuneLearningRate = 1e-4f;

// The checkpoint at `path`, which must hold an `arch` network. Throws std::runtime_error
// "--init PATH: holds a compact network; this run trains seed (...)" otherwise, and the
// checkpoint loader's errors for an unreadable or corrupt file.
CheckpointData load_initial(const std::filesystem::path& path, const Architecture& arch);

}  // namespace tinydigit::trainer
