// Built only while trainer/ has no FloatModel: checkpoints cannot be run yet.
#include <stdexcept>

#include "float_model_reference.hpp"

namespace tinydigit::tools {

FloatReference float_reference_from_checkpoint(const std::filesystem::path& checkpoint, int) {
    throw std::runtime_error(checkpoint.string() + ": this build has no float forward pass (trainer::FloatModel)");
}

}  // namespace tinydigit::tools
