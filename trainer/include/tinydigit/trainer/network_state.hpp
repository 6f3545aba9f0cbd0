// Moving a Network's parameters, BN statistics and Adam moments to and from the plain named
// tensors of a checkpoint (schema/checkpoint.fbs layouts).
#pragma once

#include <vector>

#include "tinydigit/trainer/adam.hpp"
#include "tinydigit/host/training/checkpoint.hpp"
#include "tinydigit/trainer/network.hpp"

namespace tinydigit::trainer {

std::vector<NamedTensor> export_parameters(Network& net);
std::vector<NamedTensor> export_buffers(Network& net);
// Throws CheckpointError ("checkpoint has no tensor X", "tensor X has shape [..], the <arch>
// network needs [..]") when the tensors do not fit the network.
void import_parameters(const std::vector<NamedTensor>& params, const std::vector<NamedTensor>& buffers,
                       Network& net);

AdamState export_adam(Network& net, Adam& adam);
void import_adam(const AdamState& state, Network& net, Adam& adam);

// Copies parameters and statistics between two networks of the same architecture (e.g. the
// training network and an evaluation network with another batch size).
void copy_state(Network& from, Network& to);

}  // namespace tinydigit::trainer
