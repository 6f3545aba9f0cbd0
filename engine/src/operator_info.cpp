// The read-only view of a verified model (kept in its own file: firmware that never shows
// its model links none of it).
#include "decode.hpp"
#include "tinydigit/engine/engine.hpp"

namespace tinydigit::engine {
namespace {

void copy_shape(const detail::Shape& s, std::int32_t& rank, std::int32_t (&dims)[4]) {
    rank = s.rank;
    for (int i = 0; i < 4; ++i) dims[i] = s.dim[i];
}

// Conv positions a floor-mode pool reads (all of them without a pool) times the whole kernel.
std::uint64_t conv_macs(const Conv2DParams& p) {
    const std::uint64_t ph = p.pool_h > 0 ? static_cast<std::uint64_t>(p.pool_h) : 1;
    const std::uint64_t pw = p.pool_w > 0 ? static_cast<std::uint64_t>(p.pool_w) : 1;
    return static_cast<std::uint64_t>(p.out_h) * ph * static_cast<std::uint64_t>(p.out_w) * pw *
           static_cast<std::uint64_t>(p.out_c) * static_cast<std::uint64_t>(p.kernel_h) *
           static_cast<std::uint64_t>(p.kernel_w) * static_cast<std::uint64_t>(p.in_c);
}

}  // namespace

Status Engine::operator_info(int index, OperatorInfo& out) const noexcept {
    if (model_ == nullptr) return Status::kNotLoaded;
    if (index < 0 || index >= operator_count()) return Status::kBadParameter;
    const model::Model& m = *model_;
    const model::Operator& op = *m.operators()->Get(static_cast<flatbuffers::uoffset_t>(index));
    OperatorInfo info{};
    info.input_tensor = detail::op_input(op, 0);
    info.output_tensor = detail::op_output(op);
    const auto* in = detail::tensor(m, info.input_tensor);
    const auto* o = detail::tensor(m, info.output_tensor);
    const detail::Shape out_shape = detail::shape_of(o);
    copy_shape(detail::shape_of(in), info.input_rank, info.input_shape);
    copy_shape(out_shape, info.output_rank, info.output_shape);
    info.output_name = o->name() != nullptr ? o->name()->c_str() : "";
    info.output_bytes = static_cast<std::uint32_t>(out_shape.count);
    info.output_offset = o->arena_offset();
    info.scratch_offset = op.scratch_offset();
    info.scratch_bytes = static_cast<std::uint32_t>(op.scratch_bytes());
    info.kind = detail::operator_kind(op);
    if (op.params_type() == model::OpParams::Conv2D) {
        info.macs = conv_macs(detail::decode_conv2d(m, op));
    } else if (op.params_type() == model::OpParams::FullyConnected) {
        const FullyConnectedParams p = detail::decode_fully_connected(m, op);
        info.macs = static_cast<std::uint64_t>(p.in_count) * static_cast<std::uint64_t>(p.out_count);
    }
    out = info;
    return Status::kOk;
}

std::uint32_t Engine::scratch_peak_bytes() const noexcept {
    std::uint32_t peak = 0;
    const int n = operator_count();
    for (int i = 0; i < n; ++i) {
        const auto bytes = static_cast<std::uint32_t>(model_->operators()->Get(static_cast<flatbuffers::uoffset_t>(i))->scratch_bytes());
        peak = bytes > peak ? bytes : peak;
    }
    return peak;
}

std::uint32_t Engine::plan_arena_bytes() const noexcept { return model_ ? model_->plan()->arena_bytes() : 0; }

}  // namespace tinydigit::engine
