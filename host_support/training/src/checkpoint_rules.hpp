// The structural rules a checkpoint obeys, shared by save (refuse to write) and load
// (refuse to accept), so that anything saved loads back.
#pragma once

#include <string>

#include "tinydigit/host/training/checkpoint.hpp"

namespace tinydigit::trainer::detail {

// Empty when `checkpoint` is well formed, else a one-line reason such as
// "tensor conv1.weight has 10 values for shape [32,1,5,5]".
std::string checkpoint_problem(const CheckpointData& checkpoint);

// "[32,1,5,5]"; past 6 dimensions "[1,2,3,4,5,6,... 9 dimensions]".
std::string shape_text(const std::vector<int>& shape);

// A name fit for a one-line message: control characters become '?', long names are cut.
std::string printable(std::string_view name);

}  // namespace tinydigit::trainer::detail
