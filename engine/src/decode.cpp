#include "decode.hpp"

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

std::int64_t sweep(std::int64_t extent, std::int64_t window, std::int64_t stride) {
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

ConvFields conv_fields(const model::Conv2D& c) {
    return ConvFields{c.kernel_h(),  c.kernel_w(),      c.stride_h(),      c.stride_w(),      c.pad_top(),
                      c.pad_bottom(), c.pad_left(),      c.pad_right(),     c.pool_h(),        c.pool_w(),
                      c.pool_stride_h(), c.pool_stride_w(), c.act_min(),   c.act_max()};
}

namespace {
Requant decode_requant(const model::Operator& op, const model::Tensor* out, std::int8_t act_min, std::int8_t act_max) {
    return Requant{op.requant()->multiplier()->data(), op.requant()->shift()->data(), zero_point(out), act_min,
                   act_max};
}
}  // namespace

const char* operator_kind(const model::Operator& op) {
    if (op.params() == nullptr) return "unknown";
    switch (op.params_type()) {
        case model::OpParams::Conv2D: return op.params_as_Conv2D()->pool_h() > 0 ? "Conv2D+MaxPool" : "Conv2D";
        case model::OpParams::FullyConnected: return "FullyConnected";
        case model::OpParams::MaxPool2D: return "MaxPool2D";
        case model::OpParams::Pad: return "Pad";
        default: return "unknown";
    }
}

Conv2DParams decode_conv2d(const model::Model& m, const model::Operator& op) {
    const ConvFields f = conv_fields(*op.params_as_Conv2D());
    const Shape in = shape_of(tensor(m, op_input(op, 0)));
    const auto* w = tensor(m, op_input(op, 1));
    const auto* b = tensor(m, op_input(op, 2));
    const auto* out = tensor(m, op_output(op));
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
    p.in_zero_point = zero_point(tensor(m, op_input(op, 0)));
    p.weights = reinterpret_cast<const std::int8_t*>(constant_data(m, w));
    p.bias = reinterpret_cast<const std::int32_t*>(constant_data(m, b));
    p.requant = decode_requant(op, out, f.act_min, f.act_max);
    return p;
}

FullyConnectedParams decode_fully_connected(const model::Model& m, const model::Operator& op) {
    const auto* f = op.params_as_FullyConnected();
    const auto* w = tensor(m, op_input(op, 1));
    const Shape ws = shape_of(w);
    FullyConnectedParams p{};
    p.out_count = ws.dim[0];
    p.in_count = ws.dim[1];
    p.in_zero_point = zero_point(tensor(m, op_input(op, 0)));
    p.weights = reinterpret_cast<const std::int8_t*>(constant_data(m, w));
    p.bias = reinterpret_cast<const std::int32_t*>(constant_data(m, tensor(m, op_input(op, 2))));
    p.requant = decode_requant(op, tensor(m, op_output(op)), f->act_min(), f->act_max());
    return p;
}

MaxPool2DParams decode_max_pool2d(const model::Model& m, const model::Operator& op) {
    const auto* mp = op.params_as_MaxPool2D();
    const Shape in = shape_of(tensor(m, op_input(op, 0)));
    const Shape out = shape_of(tensor(m, op_output(op)));
    return MaxPool2DParams{in.dim[0],     in.dim[1],     in.dim[2],  mp->pool_h(), mp->pool_w(),
                           mp->stride_h(), mp->stride_w(), out.dim[0], out.dim[1]};
}

PadParams decode_pad(const model::Model& m, const model::Operator& op) {
    const auto* pd = op.params_as_Pad();
    const Shape in = shape_of(tensor(m, op_input(op, 0)));
    return PadParams{in.dim[0],       in.dim[1],      in.dim[2],       pd->pad_top(),
                     pd->pad_bottom(), pd->pad_left(), pd->pad_right(), pd->value()};
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
