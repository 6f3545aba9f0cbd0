// The read-only view of a verified model (operator_info.hpp): made from the same decoded
// parameters run() uses, so the shapes and MACs described are the ones computed.
#include "decode.hpp"
#include "tinydigit/engine/engine.hpp"

namespace tinydigit::engine {

namespace {

TensorShape view_of(const detail::Shape& s) { return TensorShape{s.rank, {s.dim[0], s.dim[1], s.dim[2], s.dim[3]}}; }

}  // namespace

const char* op_kind_name(OpKind kind) noexcept {
    switch (kind) {
        case OpKind::kConv2D: return "Conv2D";
        case OpKind::kConv2DMaxPool: return "Conv2D+MaxPool";
        case OpKind::kFullyConnected: return "FullyConnected";
        case OpKind::kMaxPool2D: return "MaxPool2D";
        case OpKind::kPad: return "Pad";
    }
    return "?";
}

Status Engine::operator_info(int index, OperatorInfo& out) const noexcept {
    if (model_ == nullptr) return Status::kNotLoaded;
    if (index < 0 || index >= operator_count()) return Status::kBadParameter;
    const model::Model& m = *model_;
    const model::Operator& op = *m.operators()->Get(static_cast<flatbuffers::uoffset_t>(index));
    const auto* in = detail::tensor(m, detail::op_input(op, 0));
    const auto* result = detail::tensor(m, detail::op_output(op));
    const detail::Shape out_shape = detail::shape_of(result);
    out = OperatorInfo{};
    out.input_tensor = detail::op_input(op, 0);
    out.output_tensor = detail::op_output(op);
    out.output_name = result->name() != nullptr ? result->name()->c_str() : "";
    out.input = view_of(detail::shape_of(in));
    out.output = view_of(out_shape);
    out.output_bytes = static_cast<std::uint32_t>(out_shape.count);
    out.output_offset = static_cast<std::uint32_t>(result->arena_offset());
    out.scratch_bytes = op.scratch_bytes();
    out.scratch_offset = op.scratch_bytes() > 0 ? op.scratch_offset() : 0;
    switch (op.params_type()) {
        case model::OpParams::Conv2D: {
            const Conv2DParams p = detail::decode_conv2d(m, op);
            out.kind = p.pool_h > 0 ? OpKind::kConv2DMaxPool : OpKind::kConv2D;
            out.macs = std::uint64_t(p.conv_h) * std::uint64_t(p.conv_w) * std::uint64_t(p.out_c) *
                       std::uint64_t(p.kernel_h) * std::uint64_t(p.kernel_w) * std::uint64_t(p.in_c);
            break;
        }
        case model::OpParams::FullyConnected: {
            const FullyConnectedParams p = detail::decode_fully_connected(m, op);
            out.kind = OpKind::kFullyConnected;
            out.macs = std::uint64_t(p.out_count) * std::uint64_t(p.in_count);
            break;
        }
        case model::OpParams::MaxPool2D: out.kind = OpKind::kMaxPool2D; break;
        default: out.kind = OpKind::kPad; break;  // load() accepted no other type
    }
    return Status::kOk;
}

PlanInfo Engine::plan() const noexcept {
    if (model_ == nullptr) return PlanInfo{0, 0, 0};
    const auto* p = model_->plan();
    return PlanInfo{p->arena_bytes(), p->peak_activation_bytes(), p->peak_scratch_bytes()};
}

}  // namespace tinydigit::engine
