#include "tinydigit/trainer/fine_tune.hpp"

#include <stdexcept>
#include <string>

namespace tinydigit::trainer {

CheckpointData load_initial(const std::filesystem::path& path, const Architecture& arch) {
    CheckpointData checkpoint = load_checkpoint(path);
    if (checkpoint.architecture != arch.name)
        throw std::runtime_error("--init " + path.string() + ": holds a " + checkpoint.architecture +
                                 " network; this run trains " + std::string(arch.name) + " (give --arch " +
                                 checkpoint.architecture + " to fine-tune it)");
    return checkpoint;
}

}  // namespace tinydigit::trainer
