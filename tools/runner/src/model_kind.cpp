#include "tinydigit/tools/model_kind.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "tinydigit/tools/model_file.hpp"

namespace tinydigit::tools {

ModelKind model_kind_of(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw ModelFileError(path.string() + ": is a folder, not a model file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ModelFileError(path.string() + ": cannot open: " + std::strerror(errno));
    char head[8] = {};
    in.read(head, sizeof head);
    if (in.gcount() == 8) {
        const std::string id(head + 4, 4);
        if (id == "TDM8") return ModelKind::Int8Model;
        if (id == "TDCK") return ModelKind::Checkpoint;
    }
    throw ModelFileError(path.string() + ": neither a tinydigit int8 model (.fb) nor a checkpoint (.ckpt)");
}

}  // namespace tinydigit::tools
