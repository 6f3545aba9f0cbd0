// A model.fb on the host, from the file to the logits: recognized, read into aligned memory,
// checked by the engine's load (with the reason named in words) and run.
#include "tinydigit/tools/int8_runner.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <new>
#include <thread>

#include "tinydigit/engine/scratch.hpp"
#include "tinydigit/host/common/checksum_footer.hpp"
#include "tinydigit/model_to_c/engine_refusal.hpp"

namespace tinydigit::tools {

namespace {

// The 8 bytes every FlatBuffers file starts with: root offset, then the file identifier.
std::string identifier_of(std::span<const std::uint8_t> head) {
    return head.size() >= 8 ? std::string(reinterpret_cast<const char*>(head.data()) + 4, 4) : std::string();
}

std::ifstream open_model(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw ModelFileError(path.string() + ": is a folder, not a model file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ModelFileError(path.string() + ": cannot open: " + std::strerror(errno));
    return in;
}

}  // namespace

ModelKind model_kind_of(const std::filesystem::path& path) {
    std::ifstream in = open_model(path);
    std::uint8_t head[8] = {};
    in.read(reinterpret_cast<char*>(head), sizeof head);
    const std::string id = identifier_of({head, static_cast<std::size_t>(in.gcount())});
    if (id == "TDM8") return ModelKind::Int8Model;
    if (id == "TDCK") return ModelKind::Checkpoint;
    throw ModelFileError(path.string() + ": neither a tinydigit int8 model (.fb) nor a checkpoint (.ckpt)");
}

void ModelFile::Free::operator()(std::uint8_t* p) const {
    ::operator delete[](p, std::align_val_t{engine::kArenaAlignment});
}

ModelFile ModelFile::from_bytes(std::span<const std::uint8_t> bytes, const std::string& name) {
    if (identifier_of(bytes) != "TDM8") throw ModelFileError(name + ": not a tinydigit model (file identifier TDM8 missing)");
    ModelFile file;
    file.name_ = name;
    file.size_ = bytes.size();
    file.data_.reset(static_cast<std::uint8_t*>(::operator new[](bytes.size(), std::align_val_t{engine::kArenaAlignment})));
    std::memcpy(file.data_.get(), bytes.data(), bytes.size());
    return file;
}

ModelFile ModelFile::read(const std::filesystem::path& path) {
    std::ifstream in = open_model(path);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw ModelFileError(path.string() + ": read error");
    return from_bytes(bytes, path.string());
}

void Int8Runner::Free::operator()(std::uint8_t* p) const {
    ::operator delete[](p, std::align_val_t{engine::kArenaAlignment});
}

Int8Runner::Int8Runner(const ModelFile& file, const engine::KernelSet& kernels) {
    const auto bytes = file.bytes();
    if (const auto status = engine_.load(bytes.data(), bytes.size(), kernels); status != engine::Status::kOk) {
        // A damaged file is said in the host's words (which of length or content changed).
        const auto footer = common::check_checksum_footer(bytes);
        if ((status == engine::Status::kBadFileLength || status == engine::Status::kBadChecksum) &&
            footer != common::FooterCheck::kOk)
            throw ModelFileError(file.name() + ": " + common::footer_problem(footer));
        throw ModelFileError(file.name() + ": " + model_to_c::engine_refusal(bytes.data(), bytes.size(), status));
    }
    // Room for the layer view: run_layers() shows every operator's output whole.
    const std::size_t size = engine_.layer_view_arena_bytes() > 0 ? engine_.layer_view_arena_bytes() : engine::kArenaAlignment;
    arena_.reset(static_cast<std::uint8_t*>(::operator new[](size, std::align_val_t{engine::kArenaAlignment})));
    if (const auto status = engine_.bind_arena(arena_.get(), size); status != engine::Status::kOk)
        throw ModelFileError(file.name() + ": cannot bind the arena: " + engine::status_message(status));
    if (engine_.input_size() != 28 * 28)
        throw ModelFileError(file.name() + ": the model's input is not one 28x28 image (" +
                             std::to_string(engine_.input_size()) + " values)");
}

std::span<const std::int8_t> Int8Runner::run(const std::uint8_t* pixels) {
    engine_.set_input_pixels(pixels, engine_.input_size());
    engine_.run();
    return {engine_.output(), engine_.output_size()};
}

std::span<const std::int8_t> Int8Runner::run_layers(
    const std::uint8_t* pixels, const std::function<void(int, int, std::span<const std::int8_t>)>& visit) {
    engine_.set_input_pixels(pixels, engine_.input_size());
    for (int i = 0; i < engine_.operator_count(); ++i) {
        engine_.run_operator(i);
        engine::OperatorInfo op{};
        engine_.operator_info(i, op);
        visit(i, op.output_tensor, {engine_.tensor_data(op.output_tensor), op.output_bytes});
    }
    return {engine_.output(), engine_.output_size()};
}

std::vector<std::int8_t> int8_logits(const ModelFile& file, const dataset::Images& images, int threads) {
    std::vector<std::unique_ptr<Int8Runner>> runners;
    for (int t = 0; t < threads; ++t) runners.push_back(std::make_unique<Int8Runner>(file));
    constexpr std::size_t kClasses = 10;
    if (runners[0]->classes() != kClasses) throw ModelFileError(file.name() + ": the model does not output 10 classes");
    std::vector<std::int8_t> logits(images.count() * kClasses);
    auto work = [&](int t) {
        for (std::size_t i = static_cast<std::size_t>(t); i < images.count(); i += static_cast<std::size_t>(threads)) {
            const auto out = runners[static_cast<std::size_t>(t)]->run(images.image(i));
            std::copy(out.begin(), out.end(), logits.begin() + static_cast<std::ptrdiff_t>(i * kClasses));
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    return logits;
}

}  // namespace tinydigit::tools
