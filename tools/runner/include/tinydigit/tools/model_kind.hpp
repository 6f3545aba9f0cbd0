// Which kind of file a MODEL argument names: an int8 model.fb or a float checkpoint.
#pragma once

#include <filesystem>

namespace tinydigit::tools {

enum class ModelKind { Int8Model, Checkpoint };

// By FlatBuffers file identifier ("TDM8" / "TDCK"), whatever the extension. Throws
// ModelFileError "<path>: ..." for a missing or unreadable file or any other content.
ModelKind model_kind_of(const std::filesystem::path& path);

}  // namespace tinydigit::tools
