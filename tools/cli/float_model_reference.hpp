// The trainer's float forward pass (trainer::FloatModel, oneDNN) as a FloatReference.
#pragma once

#include <filesystem>

#include "tinydigit/tools/float_reference.hpp"
#include "tinydigit/tools/fold.hpp"
#include "tinydigit/host/training/checkpoint.hpp"

namespace tinydigit::tools {

// threads = 0: oneDNN's default. The quantizer passes 1 so that calibration does not depend on
// the machine's core count.
FloatReference float_reference(const trainer::CheckpointData& checkpoint, int threads);

// fold_checkpoint with its refusals naming the file: "<file>: checkpoint tensor conv1.weight
// has shape [...], architecture seed expects [...]".
FoldedNetwork fold_checkpoint_file(const trainer::CheckpointData& checkpoint, const std::filesystem::path& file);

// Loads the checkpoint first (throws trainer::CheckpointError / common::IoError, one line).
FloatReference float_reference_from_checkpoint(const std::filesystem::path& checkpoint, int threads = 0);

}  // namespace tinydigit::tools
