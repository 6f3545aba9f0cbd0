#include "decode.hpp"

#include <cstddef>
#include <cstring>

#include "model_layout.hpp"

namespace tinydigit::engine::detail {

const model::Tensor* tensor(const model::Model& m, std::int32_t index) {
    return present(m.tensors())->Get(static_cast<flatbuffers::uoffset_t>(index));
}
std::int32_t zero_point(const model::Tensor* t) {
    return present(present(t->quantization())->zero_point())->Get(0);
}
const std::uint8_t* constant_data(const model::Model& m, const model::Tensor* t) {
    const model::Buffer* buffer = present(m.buffers())->Get(static_cast<flatbuffers::uoffset_t>(t->buffer()));
    return present(buffer->data())->data();
}
std::int32_t op_input(const model::Operator& op, std::uint32_t i) { return op.inputs()->Get(i); }
std::int32_t op_output(const model::Operator& op) { return op.outputs()->Get(0); }
const model::Tensor* input_tensor(const model::Model& m, const model::Operator& op, std::uint32_t i) {
    return tensor(m, op_input(op, i));
}
const model::Tensor* output_tensor(const model::Model& m, const model::Operator& op) {
    return tensor(m, op_output(op));
}

std::uint32_t sweep(std::uint32_t extent, std::int32_t window, std::int32_t stride) {
    return (extent - static_cast<std::uint32_t>(window)) / static_cast<std::uint32_t>(stride) + 1;
}

Shape shape_of(const model::Tensor* t) {
    Shape s;
    const auto* shape = t->shape();
    s.rank = shape->size() > 4 ? 0 : static_cast<std::int32_t>(shape->size());
    s.count = 1;
    for (std::int32_t i = 0; i < 4; ++i) {
        s.dim[i] = i < s.rank ? shape->Get(static_cast<flatbuffers::uoffset_t>(i)) : 1;
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

// Every call of fields_of gives its struct its own table's layout (asserted above). The
// FullyConnected's and Pad's have one caller each (their decoders), where it is inlined.
ConvFields conv_fields(const model::Operator& op) { return fields_of<ConvFields>(op, kConv2D); }

namespace {
// The first n dimensions of a verified tensor's shape, copied to `to` (consecutive int32
// members of a parameter struct): one call instead of a Shape on the stack and a copy per field.
void copy_dims(const model::Tensor* t, std::int32_t* to, std::size_t n) {
    std::memcpy(to, present(t->shape())->data(), 4 * n);
}

// Conv2DParams and FullyConnectedParams end in the same members, filled by one function:
// the input's zero point, the constant weights and bias, the requantization.
struct WeightedTail {
    std::int32_t in_zero_point;
    const std::int8_t* weights;
    const std::int32_t* bias;
    Requant requant;
};
#define TINYDIGIT_TAIL_AT(Params, name)                                                                   \
    static_assert(offsetof(Params, name) - offsetof(Params, in_zero_point) == offsetof(WeightedTail, name), \
                  #Params "." #name)
TINYDIGIT_TAIL_AT(Conv2DParams, weights);
TINYDIGIT_TAIL_AT(Conv2DParams, bias);
TINYDIGIT_TAIL_AT(Conv2DParams, requant);
TINYDIGIT_TAIL_AT(FullyConnectedParams, weights);
TINYDIGIT_TAIL_AT(FullyConnectedParams, bias);
TINYDIGIT_TAIL_AT(FullyConnectedParams, requant);
// The copy ends with requant (Conv2DParams::packed after it stays untouched).
static_assert(sizeof(WeightedTail) == offsetof(WeightedTail, requant) + sizeof(Requant));
static_assert(sizeof(FullyConnectedParams) - offsetof(FullyConnectedParams, in_zero_point) == sizeof(WeightedTail));
#undef TINYDIGIT_TAIL_AT

// Writes the WeightedTail of a conv or FC operator at `in_zero_point` (that member of its params).
void decode_tail(const model::Model& m, const model::Operator& op, std::int32_t act_min, std::int32_t act_max,
                 std::int32_t* in_zero_point) {
    const model::Requantization* rq = present(op.requant());
    const WeightedTail tail{zero_point(input_tensor(m, op, 0)),
                            reinterpret_cast<const std::int8_t*>(constant_data(m, input_tensor(m, op, 1))),
                            reinterpret_cast<const std::int32_t*>(constant_data(m, input_tensor(m, op, 2))),
                            {present(rq->multiplier())->data(), present(rq->shift())->data(),
                             zero_point(output_tensor(m, op)), static_cast<std::int8_t>(act_min),
                             static_cast<std::int8_t>(act_max)}};
    std::memcpy(in_zero_point, &tail, sizeof tail);
}
}  // namespace

const char* kind_name(std::uint32_t type, bool pooled) {
    // By union type (schema/model.fbs order), then a pooled conv; a table, not a switch of returns.
    static constexpr const char* kKinds[] = {"unknown", "Conv2D", "MaxPool2D",
                                             "FullyConnected", "Pad", "Conv2D+MaxPool"};
    using T = model::OpParams;
    static_assert(int(T::Conv2D) == 1 && int(T::MaxPool2D) == 2 && int(T::FullyConnected) == 3 && int(T::Pad) == 4 &&
                  T::MAX == T::Pad);
    if (type > static_cast<std::uint32_t>(T::MAX)) type = 0;
    if (type == 1 && pooled) type = 5;
    return kKinds[type];
}

const char* operator_kind(const model::Operator& op) {
    const auto type = op.params() != nullptr ? static_cast<std::uint32_t>(op.params_type()) : 0;
    return kind_name(type, type == static_cast<std::uint32_t>(model::OpParams::Conv2D) && conv_fields(op).pool_h > 0);
}

// The parameter structs are filled by member runs (dimensions, fields in schema order) where
// their members are consecutive int32s in the same order: asserted beside each copy.
#define TINYDIGIT_RUN(Params, first, last, n) \
    static_assert(offsetof(Params, last) - offsetof(Params, first) == 4 * ((n) - 1), #Params "." #first)

Conv2DParams decode_conv2d(const model::Model& m, const model::Operator& op) {
    const ConvFields f = conv_fields(op);
    const auto* out = output_tensor(m, op);
    Conv2DParams p{};
    TINYDIGIT_RUN(Conv2DParams, in_h, in_c, 3);
    copy_dims(input_tensor(m, op, 0), &p.in_h, 3);
    TINYDIGIT_RUN(Conv2DParams, kernel_h, stride_w, 4);
    TINYDIGIT_RUN(ConvFields, kernel_h, stride_w, 4);
    std::memcpy(&p.kernel_h, &f.kernel_h, 16);
    p.pad_top = f.pad_top;
    p.pad_left = f.pad_left;
    // The conv map: the input and both pads, swept by the kernel.
    using U = std::uint32_t;
    p.conv_h = static_cast<std::int32_t>(sweep(U(p.in_h) + U(f.pad_top) + U(f.pad_bottom), f.kernel_h, f.stride_h));
    p.conv_w = static_cast<std::int32_t>(sweep(U(p.in_w) + U(f.pad_left) + U(f.pad_right), f.kernel_w, f.stride_w));
    TINYDIGIT_RUN(Conv2DParams, pool_h, pool_stride_w, 4);
    TINYDIGIT_RUN(ConvFields, pool_h, pool_stride_w, 4);
    if (f.pool_h > 0) std::memcpy(&p.pool_h, &f.pool_h, 16);  // verified: pool_h > 0 exactly when pooled
    TINYDIGIT_RUN(Conv2DParams, out_h, out_w, 2);
    copy_dims(out, &p.out_h, 2);
    p.out_c = out->shape()->Get(2);
    decode_tail(m, op, f.act_min, f.act_max, &p.in_zero_point);
    return p;
}

FullyConnectedParams decode_fully_connected(const model::Model& m, const model::Operator& op) {
    const auto f = fields_of<FullyConnectedFields>(op, kFullyConnected);
    const auto* dims = input_tensor(m, op, 1)->shape();  // weights [out_count, in_count]
    FullyConnectedParams p;
    p.out_count = dims->Get(0);
    p.in_count = dims->Get(1);
    decode_tail(m, op, f.act_min, f.act_max, &p.in_zero_point);
    return p;
}

MaxPool2DParams decode_max_pool2d(const model::Model& m, const model::Operator& op) {
    MaxPool2DParams p;
    TINYDIGIT_RUN(MaxPool2DParams, in_h, channels, 3);
    copy_dims(input_tensor(m, op, 0), &p.in_h, 3);
    TINYDIGIT_RUN(MaxPool2DParams, pool_h, stride_w, 4);
    TINYDIGIT_RUN(MaxPoolFields, pool_h, stride_w, 4);
    static_assert(sizeof(MaxPoolFields) == 16);
    read_fields(op.params(), kMaxPool2D, &p.pool_h);  // MaxPoolFields, in place
    TINYDIGIT_RUN(MaxPool2DParams, out_h, out_w, 2);
    copy_dims(output_tensor(m, op), &p.out_h, 2);
    return p;
}

PadParams decode_pad(const model::Model& m, const model::Operator& op) {
    const auto f = fields_of<PadFields>(op, kPad);
    PadParams p;
    TINYDIGIT_RUN(PadParams, in_h, channels, 3);
    copy_dims(input_tensor(m, op, 0), &p.in_h, 3);
    TINYDIGIT_RUN(PadParams, pad_top, pad_right, 4);
    TINYDIGIT_RUN(PadFields, pad_top, pad_right, 4);
    std::memcpy(&p.pad_top, &f.pad_top, 16);
    p.value = static_cast<std::int8_t>(f.value);
    return p;
}
#undef TINYDIGIT_RUN

void row_band(Conv2DParams& p, std::int32_t in_h, std::int32_t pad_top, std::int32_t o0, std::int32_t o1,
              std::int32_t& first, std::int32_t& end) {
    // Conv rows [c0, c1) feed output rows [o0, o1): without a pool, window 1 and stride 1.
    const bool pooled = p.pool_h > 0;
    const std::int32_t window = pooled ? p.pool_h : 1, stride = pooled ? p.pool_stride_h : 1;
    const std::int32_t c0 = o0 * stride, c1 = (o1 - 1) * stride + window;
    const std::int32_t top = c0 * p.stride_h - pad_top;
    const std::int32_t bottom = (c1 - 1) * p.stride_h - pad_top + p.kernel_h;
    // Locals first: first and end may alias p's fields as far as the compiler knows.
    const std::int32_t from = top > 0 ? top : 0, to = bottom < in_h ? bottom : in_h;
    p.in_h = to - from;
    p.pad_top = from - top;
    p.conv_h = c1 - c0;
    first = from;
    end = to;
    p.out_h = o1 - o0;
}

}  // namespace tinydigit::engine::detail
