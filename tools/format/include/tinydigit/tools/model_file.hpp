// A model.fb read into 16-byte aligned memory (as the engine wants it) and checked enough that
// the host tools can walk it without reading out of bounds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>

namespace tinydigit::model {
struct Model;
}

namespace tinydigit::tools {

class ModelFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ModelFile {
public:
    // Throws ModelFileError "<path>: <reason>" for unreadable files, other formats, unknown
    // versions, FlatBuffers verification failures and tensor/buffer indices out of range.
    static ModelFile read(const std::filesystem::path& path);
    static ModelFile from_bytes(std::span<const std::uint8_t> bytes, const std::string& name);

    std::span<const std::uint8_t> bytes() const { return {data_.get(), size_}; }
    const tinydigit::model::Model& model() const { return *model_; }
    const std::string& name() const { return name_; }  // the path or name it was read from, for messages

private:
    struct Free {
        void operator()(std::uint8_t* p) const;
    };
    std::unique_ptr<std::uint8_t[], Free> data_;
    std::size_t size_ = 0;
    const tinydigit::model::Model* model_ = nullptr;
    std::string name_;
};

}  // namespace tinydigit::tools
