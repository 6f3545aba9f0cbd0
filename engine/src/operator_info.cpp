// The read-only view of a verified model: operators, tensors and the model's description
// (kept in its own file: firmware that never shows its model links none of it). Viewers such
// as inspect read the model only through this, so a schema change stays inside engine/.
#include <cstddef>

#include "decode.hpp"
#include "model_layout.hpp"
#include "tinydigit/engine/engine.hpp"

namespace tinydigit::engine {
namespace {

void copy_shape(const detail::Shape& s, std::int32_t& rank, std::int32_t (&dims)[4]) {
    rank = s.rank;
    for (int i = 0; i < 4; ++i) dims[i] = s.dim[i];
}

// Each parameter table's fields, in id order (as read_fields writes them: int32 at 4 x id), are
// OperatorInfo members in a row, so read_fields fills a kind's members in one call, from the
// first one's offset here (one entry per OpParams member, in union order). Pad's last field,
// its value, lands on act_min (Conv2D's next field), whence it is moved.
constexpr std::uint8_t kFirstParam[] = {
    offsetof(OperatorInfo, kernel_h), offsetof(OperatorInfo, pool_h), offsetof(OperatorInfo, act_min),
    offsetof(OperatorInfo, pad_top)};
static_assert(int(model::OpParams::Conv2D) == 1 && int(model::OpParams::Pad) == 4 && model::OpParams::MAX == model::OpParams::Pad);
static_assert(detail::kMaxPool2D == detail::kConv2D + 1 && detail::kFullyConnected == detail::kConv2D + 2 &&
              detail::kPad == detail::kConv2D + 3);
// Member `name` sits where read_fields puts field VT_name of `Table`, counted from `first`.
#define TINYDIGIT_PARAM_AT(first, Table, name, VT) \
    static_assert(offsetof(OperatorInfo, name) == offsetof(OperatorInfo, first) + 2 * (model::Table::VT - 4), #Table "." #name)
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, kernel_h, VT_KERNEL_H);
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, kernel_w, VT_KERNEL_W);
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, stride_h, VT_STRIDE_H);
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, stride_w, VT_STRIDE_W);
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, pad_top, VT_PAD_TOP);
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, pad_bottom, VT_PAD_BOTTOM);
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, pad_left, VT_PAD_LEFT);
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, pad_right, VT_PAD_RIGHT);
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, act_min, VT_ACT_MIN);
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, act_max, VT_ACT_MAX);
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, pool_h, VT_POOL_H);
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, pool_w, VT_POOL_W);
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, pool_stride_h, VT_POOL_STRIDE_H);
TINYDIGIT_PARAM_AT(kernel_h, Conv2D, pool_stride_w, VT_POOL_STRIDE_W);  // Conv2D's last field
TINYDIGIT_PARAM_AT(pool_h, MaxPool2D, pool_h, VT_POOL_H);
TINYDIGIT_PARAM_AT(pool_h, MaxPool2D, pool_w, VT_POOL_W);
TINYDIGIT_PARAM_AT(pool_h, MaxPool2D, pool_stride_h, VT_STRIDE_H);
TINYDIGIT_PARAM_AT(pool_h, MaxPool2D, pool_stride_w, VT_STRIDE_W);
TINYDIGIT_PARAM_AT(act_min, FullyConnected, act_min, VT_ACT_MIN);
TINYDIGIT_PARAM_AT(act_min, FullyConnected, act_max, VT_ACT_MAX);
TINYDIGIT_PARAM_AT(pad_top, Pad, pad_top, VT_PAD_TOP);
TINYDIGIT_PARAM_AT(pad_top, Pad, pad_bottom, VT_PAD_BOTTOM);
TINYDIGIT_PARAM_AT(pad_top, Pad, pad_left, VT_PAD_LEFT);
TINYDIGIT_PARAM_AT(pad_top, Pad, pad_right, VT_PAD_RIGHT);
TINYDIGIT_PARAM_AT(pad_top, Pad, act_min, VT_VALUE);  // moved to pad_value
#undef TINYDIGIT_PARAM_AT
// read_fields writes one int32 per field of the table's layout: exactly the members above (a
// field added to the schema, hence to the layout, fails here).
static_assert(detail::kTableLayouts[detail::kConv2D].count == 14 && detail::kTableLayouts[detail::kMaxPool2D].count == 4 &&
              detail::kTableLayouts[detail::kFullyConnected].count == 2 && detail::kTableLayouts[detail::kPad].count == 5);

const char* text(const flatbuffers::String* s) { return s != nullptr ? s->c_str() : ""; }

void fill_requant(const model::Operator& op, OperatorInfo& info) {
    // Verified: a weighted op has requantization, one shift per output channel.
    const auto* shifts = detail::present(detail::present(op.requant())->shift());
    info.requant_channels = static_cast<std::int32_t>(shifts->size());
    std::int32_t lo = 127, hi = -128;
    for (const std::int8_t n : *shifts) {
        lo = n < lo ? n : lo;
        hi = n > hi ? n : hi;
    }
    info.shift_min = lo;
    info.shift_max = hi;
}

}  // namespace

Status Engine::operator_info(int index, OperatorInfo& out) const noexcept {
    if (model_ == nullptr) return Status::kNotLoaded;
    if (static_cast<unsigned>(index) >= static_cast<unsigned>(operator_count())) return Status::kBadParameter;  // < 0 too
    const model::Model& m = *model_;
    const model::Operator& op = operator_at(index);
    // Filled in place: a local copy would be split into registers and spill slots (GCC's scalar
    // replacement), at several hundred bytes more code on Cortex-M.
    out = OperatorInfo{};
    OperatorInfo& info = out;
    info.input_tensor = detail::op_input(op, 0);
    info.output_tensor = detail::op_output(op);
    const auto* o = detail::tensor(m, info.output_tensor);
    const detail::Shape out_shape = detail::shape_of(o);
    const detail::Shape in_shape = detail::shape_of(detail::tensor(m, info.input_tensor));
    copy_shape(in_shape, info.input_rank, info.input_shape);
    copy_shape(out_shape, info.output_rank, info.output_shape);
    info.output_name = text(o->name());
    info.output_bytes = static_cast<std::uint32_t>(out_shape.count);
    info.output_offset = o->arena_offset();
    info.scratch_offset = op.scratch_offset();
    info.scratch_bytes = static_cast<std::uint32_t>(op.scratch_bytes());
    info.weights_tensor = info.bias_tensor = -1;
    const auto type = static_cast<int>(op.params_type()) - 1;  // verified: 0..3
    detail::read_fields(detail::present(op.params()), static_cast<std::uint8_t>(detail::kConv2D + type),
                        reinterpret_cast<std::uint8_t*>(&info) + kFirstParam[type]);
    if (op.params_type() == model::OpParams::Pad) info.pad_value = info.act_min, info.act_min = 0;
    info.kind = detail::kind_name(static_cast<std::uint32_t>(type + 1), info.pool_h > 0);
    // Multiply-accumulates per output element: the kernel's taps (a conv's kernel_h x kernel_w x
    // in_c, an FC's in_count: the weights' shape past the output channel), times the conv
    // positions a floor-mode pool reads (all of them without a pool).
    std::uint64_t taps = 0;
    const auto kind = static_cast<model::OpParams>(type + 1);
    if (kind == model::OpParams::Conv2D || kind == model::OpParams::FullyConnected) {  // weights, bias, requantization
        info.weights_tensor = detail::op_input(op, 1);
        info.bias_tensor = detail::op_input(op, 2);
        fill_requant(op, info);
        const detail::Shape w = detail::shape_of(detail::tensor(m, info.weights_tensor));
        taps = static_cast<std::uint64_t>(w.dim[1] * w.dim[2] * w.dim[3]);  // <= 65,536: verified
        if (info.pool_h > 0)
            taps *= std::uint64_t{static_cast<std::uint32_t>(info.pool_h)} * static_cast<std::uint32_t>(info.pool_w);
    }
    info.macs = taps * static_cast<std::uint32_t>(out_shape.count);
    return Status::kOk;
}

std::uint32_t Engine::scratch_peak_bytes() const noexcept {
    std::uint32_t peak = 0;
    const int n = operator_count();
    for (int i = 0; i < n; ++i) {
        const auto bytes = static_cast<std::uint32_t>(operator_at(i).scratch_bytes());
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
