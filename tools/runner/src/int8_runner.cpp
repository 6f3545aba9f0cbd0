#include "tinydigit/tools/int8_runner.hpp"

#include <new>

#include "tinydigit/engine/scratch.hpp"

namespace tinydigit::tools {

void Int8Runner::Free::operator()(std::uint8_t* p) const {
    ::operator delete[](p, std::align_val_t{engine::kArenaAlignment});
}

Int8Runner::Int8Runner(const ModelFile& file, const engine::KernelSet& kernels) {
    const auto bytes = file.bytes();
    if (const auto status = engine_.load(bytes.data(), bytes.size(), kernels); status != engine::Status::kOk)
        throw ModelFileError(file.name() + ": the engine refuses the model: " + engine::status_message(status) + " (" +
                             engine::status_name(status) + ")");
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

}  // namespace tinydigit::tools
