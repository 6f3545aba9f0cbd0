// Why the engine refuses a model, in one line a user can act on: the engine's reason and status
// name, and where verification stopped (operator index and kind, tensor index and name).
#pragma once

#include <cstddef>
#include <string>

#include "tinydigit/engine/status.hpp"

namespace tinydigit::model_to_c {

// "the engine refuses the model: <reason> (<kStatus>; operator 3 Conv2D, tensor 7 'conv2')".
// `model` is the 16-byte aligned copy the engine refused with `status`; it is verified again
// (only on this failure path) to learn where the problem is.
std::string engine_refusal(const void* model, std::size_t size, engine::Status status);

}  // namespace tinydigit::model_to_c
