// Checkpoints of the real architectures with random weights, for quantizer and tool tests.
#pragma once

#include <cstdint>
#include <string>

#include "tinydigit/host/training/checkpoint.hpp"

namespace tinydigit::testing {

// Every tensor architecture.hpp names for `architecture` ("seed" or "compact"), He-like
// random weights, BN statistics away from the identity.
trainer::CheckpointData random_checkpoint(const std::string& architecture, std::uint32_t seed);

}  // namespace tinydigit::testing
