#include "decode.hpp"

#include <cstddef>
#include <cstring>

#include "model_layout.hpp"

namespace tinydigit::engine::detail {

const model::Tensor* tensor(const model::Model& m, std::int32_t index) {
    return m.tensors()->Get(static_cast<flatbuffers::uoffset_t>(index));
}
std::int32_t zero_point(const model::Tensor* t) { return t->quantization()->zero_point()->Get(0); }
const std::uint8_t* constant_data(const model::Model& m, const model::Tensor* t) {
    return m.buffers()->Get(static_cast<flatbuffers::uoffset_t>(t->buffer()))->data()->data();
}
std::int32_t op_input(const model::Operator& op, std::uint32_t i) { return op.inputs()->Get(i); }
std::int32_t op_output(const model::Operator& op) { return op.outputs()->Get(0); }
const model::Tensor* input_tensor(const model::Model& m, const model::Operator& op, std::uint32_t i) {
    return tensor(m, op_input(op, i));
}
const model::Tensor* output_tensor(const model::Model& m, const model::Operator& op) {
    return tensor(m, op_output(op));
}

std::int64_t sweep(std::int64_t extent, std::int32_t window, std::int32_t stride) {
    return (extent - window) / stride + 1;
}

Shape shape_of(const model::Tensor* t) {
    Shape s{0, {1, 1, 1, 1}, 1};
    const auto* shape = t->shape();
    if (shape->size() > 4) return s;
    s.rank = static_cast<std::int32_t>(shape->size());
    for (std::int32_t i = 0; i < s.rank; ++i) {
        s.dim[i] = shape->Get(static_cast<flatbuffers::uoffset_t>(i));
        s.count *= s.dim[i];
    }
    return s;
}

void read_fields(const void* table, std::uint8_t layout, void* out) {
    const TableLayout& t = kTableLayouts[layout];
    const auto* at = static_cast<const std::uint8_t*>(table);
    // FlatBuffers' vtable: its size, then each field's offset in the table (0: absent). The
    // structural verifier has checked both, and each present scalar's alignment.
    const auto* vtable = at - *reinterpret_cast<const std::int32_t*>(at);
    const std::uint32_t vtable_bytes = *reinterpret_cast<const std::uint16_t*>(vtable);
    for (std::uint32_t id = 0; id < t.count; ++id) {
        const FieldLayout& f = kFieldLayouts[t.first + id];
        const std::uint32_t entry = 4 + 2 * id;
        const std::uint32_t offset = entry < vtable_bytes ? *reinterpret_cast<const std::uint16_t*>(vtable + entry) : 0;
        std::int32_t value = f.absent;
        if (offset != 0)
            value = f.arg == 1 ? *reinterpret_cast<const std::int8_t*>(at + offset)
                               : *reinterpret_cast<const std::int32_t*>(at + offset);
        std::memcpy(static_cast<std::uint8_t*>(out) + 4 * id, &value, 4);
    }
}

namespace {
// Field `name` of `Fields` sits where read_fields puts field VT_name of `Table`.
#define TINYDIGIT_FIELD_AT(Fields, Table, name, VT)                                                                 \
    static_assert(offsetof(Fields, name) == 2 * (model::Table::VT - 4), #Table "." #name)
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, kernel_h, VT_KERNEL_H);
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, kernel_w, VT_KERNEL_W);
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, stride_h, VT_STRIDE_H);
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, stride_w, VT_STRIDE_W);
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, pad_top, VT_PAD_TOP);
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, pad_bottom, VT_PAD_BOTTOM);
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, pad_left, VT_PAD_LEFT);
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, pad_right, VT_PAD_RIGHT);
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, act_min, VT_ACT_MIN);
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, act_max, VT_ACT_MAX);
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, pool_h, VT_POOL_H);
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, pool_w, VT_POOL_W);
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, pool_stride_h, VT_POOL_STRIDE_H);
TINYDIGIT_FIELD_AT(ConvFields, Conv2D, pool_stride_w, VT_POOL_STRIDE_W);
TINYDIGIT_FIELD_AT(MaxPoolFields, MaxPool2D, pool_h, VT_POOL_H);
TINYDIGIT_FIELD_AT(MaxPoolFields, MaxPool2D, pool_w, VT_POOL_W);
TINYDIGIT_FIELD_AT(MaxPoolFields, MaxPool2D, stride_h, VT_STRIDE_H);
TINYDIGIT_FIELD_AT(MaxPoolFields, MaxPool2D, stride_w, VT_STRIDE_W);
TINYDIGIT_FIELD_AT(FullyConnectedFields, FullyConnected, act_min, VT_ACT_MIN);
TINYDIGIT_FIELD_AT(FullyConnectedFields, FullyConnected, act_max, VT_ACT_MAX);
TINYDIGIT_FIELD_AT(PadFields, Pad, pad_top, VT_PAD_TOP);
TINYDIGIT_FIELD_AT(PadFields, Pad, pad_bottom, VT_PAD_BOTTOM);
TINYDIGIT_FIELD_AT(PadFields, Pad, pad_left, VT_PAD_LEFT);
TINYDIGIT_FIELD_AT(PadFields, Pad, pad_right, VT_PAD_RIGHT);
TINYDIGIT_FIELD_AT(PadFields, Pad, value, VT_VALUE);
#undef TINYDIGIT_FIELD_AT
// read_fields reads 1 or 4 bytes per field: a schema change that puts another field type in a
// parameter table must fail here, not read past the field.
constexpr bool only_1_or_4_byte_scalars(std::uint8_t layout) {
    const TableLayout& t = kTableLayouts[layout];
    for (int i = t.first; i < t.first + t.count; ++i)
        if (kFieldLayouts[i].kind != FieldKind::kScalar || (kFieldLayouts[i].arg != 1 && kFieldLayouts[i].arg != 4))
            return false;
    return true;
}

// read_fields writes 4 bytes per field of the layout: each struct must be its table's size.
template <typename Fields>
Fields fields_of(const model::Operator& op, std::uint8_t layout) {
    Fields f;
    read_fields(op.params(), layout, &f);
    return f;
}
static_assert(sizeof(ConvFields) == 4 * kTableLayouts[kConv2D].count && only_1_or_4_byte_scalars(kConv2D));
static_assert(sizeof(MaxPoolFields) == 4 * kTableLayouts[kMaxPool2D].count && only_1_or_4_byte_scalars(kMaxPool2D));
static_assert(sizeof(FullyConnectedFields) == 4 * kTableLayouts[kFullyConnected].count &&
              only_1_or_4_byte_scalars(kFullyConnected));
static_assert(sizeof(PadFields) == 4 * kTableLayouts[kPad].count && only_1_or_4_byte_scalars(kPad));
}  // namespace

// The only calls of fields_of: each struct with its own table's layout (asserted above).
ConvFields conv_fields(const model::Operator& op) { return fields_of<ConvFields>(op, kConv2D); }
MaxPoolFields max_pool_fields(const model::Operator& op) { return fields_of<MaxPoolFields>(op, kMaxPool2D); }
FullyConnectedFields fully_connected_fields(const model::Operator& op) {
    return fields_of<FullyConnectedFields>(op, kFullyConnected);
}
PadFields pad_fields(const model::Operator& op) { return fields_of<PadFields>(op, kPad); }

namespace {
Requant decode_requant(const model::Operator& op, const model::Tensor* out, std::int32_t act_min,
                       std::int32_t act_max) {
    const model::Requantization* rq = op.requant();
    return Requant{rq->multiplier()->data(), rq->shift()->data(), zero_point(out), static_cast<std::int8_t>(act_min),
                   static_cast<std::int8_t>(act_max)};
}
}  // namespace

const char* operator_kind(const model::Operator& op) {
    // By union type (schema/model.fbs order); a table rather than a switch of returns.
    static constexpr const char* kKinds[] = {"unknown", "Conv2D", "MaxPool2D", "FullyConnected", "Pad"};
    using T = model::OpParams;
    static_assert(int(T::Conv2D) == 1 && int(T::MaxPool2D) == 2 && int(T::FullyConnected) == 3 && int(T::Pad) == 4 &&
                  T::MAX == T::Pad);
    const T type = op.params_type();
    if (op.params() == nullptr || type > T::MAX) return kKinds[0];
    if (type == T::Conv2D && conv_fields(op).pool_h > 0) return "Conv2D+MaxPool";
    return kKinds[static_cast<int>(type)];
}

Conv2DParams decode_conv2d(const model::Model& m, const model::Operator& op) {
    const ConvFields f = conv_fields(op);
    const auto* in_tensor = input_tensor(m, op, 0);
    const auto* out = output_tensor(m, op);
    const Shape in = shape_of(in_tensor);
    const Shape out_shape = shape_of(out);
    Conv2DParams p{};
    p.in_h = in.dim[0];
    p.in_w = in.dim[1];
    p.in_c = in.dim[2];
    p.out_c = out_shape.dim[2];
    p.kernel_h = f.kernel_h;
    p.kernel_w = f.kernel_w;
    p.stride_h = f.stride_h;
    p.stride_w = f.stride_w;
    p.pad_top = f.pad_top;
    p.pad_left = f.pad_left;
    p.conv_h = static_cast<std::int32_t>(sweep(std::int64_t{p.in_h} + f.pad_top + f.pad_bottom, f.kernel_h, f.stride_h));
    p.conv_w = static_cast<std::int32_t>(sweep(std::int64_t{p.in_w} + f.pad_left + f.pad_right, f.kernel_w, f.stride_w));
    if (f.pool_h > 0 || f.pool_w > 0) {
        p.pool_h = f.pool_h;
        p.pool_w = f.pool_w;
        p.pool_stride_h = f.pool_stride_h;
        p.pool_stride_w = f.pool_stride_w;
    }
    p.out_h = out_shape.dim[0];
    p.out_w = out_shape.dim[1];
    p.in_zero_point = zero_point(in_tensor);
    p.weights = reinterpret_cast<const std::int8_t*>(constant_data(m, input_tensor(m, op, 1)));
    p.bias = reinterpret_cast<const std::int32_t*>(constant_data(m, input_tensor(m, op, 2)));
    p.requant = decode_requant(op, out, f.act_min, f.act_max);
    return p;
}

FullyConnectedParams decode_fully_connected(const model::Model& m, const model::Operator& op) {
    const FullyConnectedFields f = fully_connected_fields(op);
    const auto* w = input_tensor(m, op, 1);
    const Shape ws = shape_of(w);
    FullyConnectedParams p{};
    p.out_count = ws.dim[0];
    p.in_count = ws.dim[1];
    p.in_zero_point = zero_point(input_tensor(m, op, 0));
    p.weights = reinterpret_cast<const std::int8_t*>(constant_data(m, w));
    p.bias = reinterpret_cast<const std::int32_t*>(constant_data(m, input_tensor(m, op, 2)));
    p.requant = decode_requant(op, output_tensor(m, op), f.act_min, f.act_max);
    return p;
}

MaxPool2DParams decode_max_pool2d(const model::Model& m, const model::Operator& op) {
    const MaxPoolFields f = max_pool_fields(op);
    const Shape in = shape_of(input_tensor(m, op, 0));
    const Shape out = shape_of(output_tensor(m, op));
    return MaxPool2DParams{in.dim[0], in.dim[1], in.dim[2], f.pool_h, f.pool_w,
                           f.stride_h, f.stride_w, out.dim[0], out.dim[1]};
}

PadParams decode_pad(const model::Model& m, const model::Operator& op) {
    const PadFields f = pad_fields(op);
    const Shape in = shape_of(input_tensor(m, op, 0));
    return PadParams{in.dim[0], in.dim[1], in.dim[2], f.pad_top, f.pad_bottom, f.pad_left, f.pad_right,
                     static_cast<std::int8_t>(f.value)};
}

void row_band(Conv2DParams& p, std::int32_t in_h, std::int32_t pad_top, std::int32_t o0, std::int32_t o1,
              std::int32_t& first, std::int32_t& end) {
    const std::int32_t c0 = p.pool_h > 0 ? o0 * p.pool_stride_h : o0;
    const std::int32_t c1 = p.pool_h > 0 ? (o1 - 1) * p.pool_stride_h + p.pool_h : o1;
    const std::int32_t top = c0 * p.stride_h - pad_top;
    const std::int32_t bottom = (c1 - 1) * p.stride_h - pad_top + p.kernel_h;
    first = top > 0 ? top : 0;
    end = bottom < in_h ? bottom : in_h;
    p.in_h = end - first;
    p.pad_top = first - top;
    p.conv_h = c1 - c0;
    p.out_h = o1 - o0;
}

}  // namespace tinydigit::engine::detail
