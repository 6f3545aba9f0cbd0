// The read-only view of a verified model: operators, tensors and the model's description
// (kept in its own file: firmware that never shows its model links none of it). Viewers such
// as inspect read the model only through this, so a schema change stays inside engine/.
#include "decode.hpp"
#include "tinydigit/engine/engine.hpp"

namespace tinydigit::engine {
namespace {

void copy_shape(const detail::Shape& s, std::int32_t& rank, std::int32_t (&dims)[4]) {
    rank = s.rank;
    for (int i = 0; i < 4; ++i) dims[i] = s.dim[i];
}

const char* text(const flatbuffers::String* s) { return s != nullptr ? s->c_str() : ""; }

void fill_requant(const model::Operator& op, OperatorInfo& info) {
    const auto* shifts = op.requant()->shift();  // verified: one per output channel
    info.requant_channels = static_cast<std::int32_t>(shifts->size());
    info.shift_min = info.shift_max = shifts->Get(0);
    for (const std::int8_t n : *shifts) {
        info.shift_min = n < info.shift_min ? n : info.shift_min;
        info.shift_max = n > info.shift_max ? n : info.shift_max;
    }
}

}  // namespace

Status Engine::operator_info(int index, OperatorInfo& out) const noexcept {
    if (model_ == nullptr) return Status::kNotLoaded;
    if (index < 0 || index >= operator_count()) return Status::kBadParameter;
    const model::Model& m = *model_;
    const model::Operator& op = *m.operators()->Get(static_cast<flatbuffers::uoffset_t>(index));
    // Filled in place: a local copy would be split into registers and spill slots (GCC's scalar
    // replacement), at several hundred bytes more code on Cortex-M.
    out = OperatorInfo{};
    OperatorInfo& info = out;
    info.input_tensor = detail::op_input(op, 0);
    info.output_tensor = detail::op_output(op);
    const auto* in = detail::tensor(m, info.input_tensor);
    const auto* o = detail::tensor(m, info.output_tensor);
    const detail::Shape out_shape = detail::shape_of(o);
    const detail::Shape in_shape = detail::shape_of(in);
    copy_shape(in_shape, info.input_rank, info.input_shape);
    copy_shape(out_shape, info.output_rank, info.output_shape);
    info.output_name = text(o->name());
    info.output_bytes = static_cast<std::uint32_t>(out_shape.count);
    info.output_offset = o->arena_offset();
    info.scratch_offset = op.scratch_offset();
    info.scratch_bytes = static_cast<std::uint32_t>(op.scratch_bytes());
    info.kind = detail::operator_kind(op);
    info.weights_tensor = info.bias_tensor = -1;
    // Multiply-accumulates per output element: the kernel's taps, times the conv positions a
    // floor-mode pool reads (all of them without a pool).
    std::uint64_t taps = 0;
    switch (op.params_type()) {
        case model::OpParams::Conv2D: {
            const detail::ConvFields f = detail::conv_fields(op);
            info.kernel_h = f.kernel_h, info.kernel_w = f.kernel_w, info.stride_h = f.stride_h, info.stride_w = f.stride_w;
            info.pad_top = f.pad_top, info.pad_bottom = f.pad_bottom, info.pad_left = f.pad_left, info.pad_right = f.pad_right;
            info.pool_h = f.pool_h, info.pool_w = f.pool_w;
            info.pool_stride_h = f.pool_stride_h, info.pool_stride_w = f.pool_stride_w;
            info.act_min = f.act_min, info.act_max = f.act_max;
            taps = static_cast<std::uint64_t>(f.kernel_h * f.kernel_w * in_shape.dim[2]);  // <= 65,536: verified
            if (f.pool_h > 0) taps *= static_cast<std::uint64_t>(f.pool_h) * static_cast<std::uint64_t>(f.pool_w);
            break;
        }
        case model::OpParams::FullyConnected: {
            const detail::FullyConnectedFields f = detail::fully_connected_fields(op);
            taps = static_cast<std::uint32_t>(in_shape.count);
            info.act_min = f.act_min, info.act_max = f.act_max;
            break;
        }
        case model::OpParams::MaxPool2D: {
            const detail::MaxPoolFields f = detail::max_pool_fields(op);
            info.pool_h = f.pool_h, info.pool_w = f.pool_w;
            info.pool_stride_h = f.stride_h, info.pool_stride_w = f.stride_w;
            break;
        }
        case model::OpParams::Pad: {
            const detail::PadFields f = detail::pad_fields(op);
            info.pad_top = f.pad_top, info.pad_bottom = f.pad_bottom;
            info.pad_left = f.pad_left, info.pad_right = f.pad_right;
            info.pad_value = f.value;
            break;
        }
        default: break;  // unreachable: load() rejected every other type
    }
    info.macs = taps * static_cast<std::uint32_t>(out_shape.count);
    if (op.inputs()->size() == 3) {  // Conv2D and FullyConnected: weights, bias, requantization
        info.weights_tensor = detail::op_input(op, 1);
        info.bias_tensor = detail::op_input(op, 2);
        fill_requant(op, info);
    }
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

int Engine::tensor_count() const noexcept { return model_ ? static_cast<int>(model_->tensors()->size()) : 0; }

Status Engine::tensor_info(int index, TensorInfo& out) const noexcept {
    if (model_ == nullptr) return Status::kNotLoaded;
    if (index < 0 || index >= tensor_count()) return Status::kBadParameter;
    const model::Tensor* t = detail::tensor(*model_, index);
    TensorInfo info{};
    info.name = text(t->name());
    info.is_int32 = t->type() == model::ElementType::INT32;
    const detail::Shape shape = detail::shape_of(t);
    copy_shape(shape, info.rank, info.shape);
    info.bytes = static_cast<std::uint32_t>(shape.count) * (info.is_int32 ? 4u : 1u);
    info.is_constant = t->buffer() >= 0;
    info.arena_offset = t->arena_offset();
    info.window_rows = t->window_rows();
    for (const model::Operator* op : *model_->operators())  // a verified window has one reader
        if (info.window_rows > 0 && detail::op_input(*op, 0) == index) info.band_rows = op->band_rows();
    if (const auto* q = t->quantization()) {
        if (const auto* scales = q->scale(); scales != nullptr && scales->size() > 0) {
            info.scale_count = scales->size();
            info.scale_min = info.scale_max = scales->Get(0);
            for (const float s : *scales) {
                info.scale_min = s < info.scale_min ? s : info.scale_min;
                info.scale_max = s > info.scale_max ? s : info.scale_max;
            }
        }
        if (q->zero_point() != nullptr && q->zero_point()->size() > 0) info.zero_point = q->zero_point()->Get(0);
    }
    out = info;
    return Status::kOk;
}

Status Engine::model_info(ModelInfo& out) const noexcept {
    if (model_ == nullptr) return Status::kNotLoaded;
    const model::Model& m = *model_;
    ModelInfo info{};
    info.architecture = text(m.architecture());
    info.format_version = m.format_version();
    info.input_tensor = m.input();
    info.output_tensor = m.output();
    info.peak_activation_bytes = m.plan()->peak_activation_bytes();
    info.peak_scratch_bytes = m.plan()->peak_scratch_bytes();
    info.plan_description = text(m.plan()->description());
    const model::Provenance* p = m.provenance();
    info.has_provenance = p != nullptr;
    info.source_checkpoint = p ? text(p->source_checkpoint()) : "";
    info.source_checkpoint_sha256 = p ? text(p->source_checkpoint_sha256()) : "";
    info.calibration_images = p ? p->calibration_images() : -1;
    info.calibration_source = p ? text(p->calibration_source()) : "";
    info.float_test_accuracy = p ? p->float_test_accuracy() : -1.0f;
    info.int8_test_accuracy = p ? p->int8_test_accuracy() : -1.0f;
    info.tool_version = p ? text(p->tool_version()) : "";
    out = info;
    return Status::kOk;
}

}  // namespace tinydigit::engine
