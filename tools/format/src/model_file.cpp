#include "tinydigit/tools/model_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <new>

#include "tinydigit/host/common/checksum_footer.hpp"
#include "tinydigit/schema/model_generated.h"
#include "tinydigit/tools/model_writer.hpp"

namespace tinydigit::tools {

namespace fbm = tinydigit::model;

void ModelFile::Free::operator()(std::uint8_t* p) const { ::operator delete[](p, std::align_val_t{kConstantAlignment}); }

namespace {

// Indices the host tools follow: every one must point inside its vector.
void check_indices(const fbm::Model& m) {
    const auto tensors = m.tensors()->size();
    auto tensor_ok = [&](std::int32_t i) { return i >= 0 && static_cast<std::uint32_t>(i) < tensors; };
    for (const auto* t : *m.tensors())
        if (t->buffer() >= 0 && static_cast<std::uint32_t>(t->buffer()) >= m.buffers()->size())
            throw ModelFileError("tensor refers to a buffer that does not exist");
    if (!tensor_ok(m.input()) || !tensor_ok(m.output())) throw ModelFileError("model input or output tensor does not exist");
    for (const auto* op : *m.operators()) {
        for (const auto i : *op->inputs())
            if (!tensor_ok(i)) throw ModelFileError("an operator reads a tensor that does not exist");
        for (const auto i : *op->outputs())
            if (!tensor_ok(i)) throw ModelFileError("an operator writes a tensor that does not exist");
        if (op->outputs()->size() != 1) throw ModelFileError("an operator without exactly one output");
        const bool weighted = op->params_type() == fbm::OpParams::Conv2D || op->params_type() == fbm::OpParams::FullyConnected;
        if (op->inputs()->size() != (weighted ? 3u : 1u)) throw ModelFileError("an operator with the wrong number of inputs");
    }
}

}  // namespace

ModelFile ModelFile::from_bytes(std::span<const std::uint8_t> bytes, const std::string& name) {
    ModelFile file;
    file.name_ = name;
    file.size_ = bytes.size();
    file.data_.reset(static_cast<std::uint8_t*>(::operator new[](bytes.size() + 1, std::align_val_t{kConstantAlignment})));
    if (!bytes.empty()) std::memcpy(file.data_.get(), bytes.data(), bytes.size());
    try {
        if (bytes.size() < 8 || !fbm::ModelBufferHasIdentifier(file.data_.get()))
            throw ModelFileError("not a tinydigit model (file identifier TDM8 missing)");
        flatbuffers::Verifier verifier(file.data_.get(), bytes.size());
        if (!fbm::VerifyModelBuffer(verifier)) throw ModelFileError("truncated or corrupt model (FlatBuffers verification failed)");
        file.model_ = fbm::GetModel(file.data_.get());
        if (file.model_->format_version() != kModelFormatVersion)
            throw ModelFileError("model format version " + std::to_string(file.model_->format_version()) +
                                 " is not supported (this build reads " + std::to_string(kModelFormatVersion) + ")");
        if (const auto footer = common::check_checksum_footer(bytes); footer != common::FooterCheck::kOk)
            throw ModelFileError(common::footer_problem(footer));
        check_indices(*file.model_);
    } catch (const ModelFileError& e) {
        throw ModelFileError(name + ": " + e.what());
    }
    return file;
}

ModelFile ModelFile::read(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw ModelFileError(path.string() + ": is a folder, not a model file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ModelFileError(path.string() + ": cannot open: " + std::strerror(errno));
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw ModelFileError(path.string() + ": read error");
    return from_bytes(bytes, path.string());
}

}  // namespace tinydigit::tools
