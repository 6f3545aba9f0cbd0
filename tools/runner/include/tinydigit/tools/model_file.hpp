// A MODEL argument on the host: which kind of file it is, and a model.fb's bytes read into
// 16-byte aligned memory (as the engine wants them). The engine is the one that checks a
// model: Int8Runner refuses what it refuses (int8_runner.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>

namespace tinydigit::tools {

class ModelFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class ModelKind { Int8Model, Checkpoint };

// By FlatBuffers file identifier ("TDM8" / "TDCK"), whatever the extension. Throws
// ModelFileError "<path>: ..." for a missing or unreadable file or any other content.
ModelKind model_kind_of(const std::filesystem::path& path);

class ModelFile {
public:
    // Throws ModelFileError "<path>: <reason>" for unreadable files and files that are not a
    // tinydigit model (file identifier); everything else is the engine's to check.
    static ModelFile read(const std::filesystem::path& path);
    static ModelFile from_bytes(std::span<const std::uint8_t> bytes, const std::string& name);

    std::span<const std::uint8_t> bytes() const { return {data_.get(), size_}; }
    const std::string& name() const { return name_; }  // the path or name it was read from, for messages

private:
    struct Free {
        void operator()(std::uint8_t* p) const;
    };
    std::unique_ptr<std::uint8_t[], Free> data_;
    std::size_t size_ = 0;
    std::string name_;
};

}  // namespace tinydigit::tools
