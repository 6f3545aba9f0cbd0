// Reads an operator's kernel parameters out of a model. Used by the verifier (after it has
// checked indices, kinds and ranks, so every access here is valid) and by run(), which then
// needs no checks of its own.
#pragma once

#include <cstdint>

#include "tinydigit/engine/kernel_params.hpp"
#include "tinydigit/schema/model_generated.h"

namespace tinydigit::engine::detail {

inline const model::Tensor* tensor(const model::Model& m, std::int32_t index) { return m.tensors()->Get(index); }

inline std::int32_t dim(const model::Tensor* t, unsigned i) { return t->shape()->Get(i); }

inline std::int32_t zero_point(const model::Tensor* t) { return t->quantization()->zero_point()->Get(0); }

inline const std::uint8_t* constant_data(const model::Model& m, const model::Tensor* t) {
    return m.buffers()->Get(static_cast<flatbuffers::uoffset_t>(t->buffer()))->data()->data();
}

inline Requant decode_requant(const model::Operator& op, const model::Tensor* out, std::int8_t act_min,
                              std::int8_t act_max) {
    return Requant{op.requant()->multiplier()->data(), op.requant()->shift()->data(), zero_point(out), act_min,
                   act_max};
}

// Output size of a window sweep; callers guarantee extent >= window and stride >= 1.
inline std::int64_t sweep(std::int64_t extent, std::int64_t window, std::int64_t stride) {
    return (extent - window) / stride + 1;
}

inline Conv2DParams decode_conv2d(const model::Model& m, const model::Operator& op) {
    const auto* c = op.params_as_Conv2D();
    const auto* in = tensor(m, op.inputs()->Get(0));
    const auto* w = tensor(m, op.inputs()->Get(1));
    const auto* b = tensor(m, op.inputs()->Get(2));
    const auto* out = tensor(m, op.outputs()->Get(0));
    Conv2DParams p{};
    p.in_h = dim(in, 0);
    p.in_w = dim(in, 1);
    p.in_c = dim(in, 2);
    p.out_c = dim(w, 0);
    p.kernel_h = c->kernel_h();
    p.kernel_w = c->kernel_w();
    p.stride_h = c->stride_h();
    p.stride_w = c->stride_w();
    p.pad_top = c->pad_top();
    p.pad_left = c->pad_left();
    p.conv_h = static_cast<std::int32_t>(
        sweep(std::int64_t{p.in_h} + c->pad_top() + c->pad_bottom(), p.kernel_h, p.stride_h));
    p.conv_w = static_cast<std::int32_t>(
        sweep(std::int64_t{p.in_w} + c->pad_left() + c->pad_right(), p.kernel_w, p.stride_w));
    if (c->pool_h() > 0 || c->pool_w() > 0) {
        p.pool_h = c->pool_h();
        p.pool_w = c->pool_w();
        p.pool_stride_h = c->pool_stride_h();
        p.pool_stride_w = c->pool_stride_w();
    }
    p.out_h = dim(out, 0);
    p.out_w = dim(out, 1);
    p.in_zero_point = zero_point(in);
    p.weights = reinterpret_cast<const std::int8_t*>(constant_data(m, w));
    p.bias = reinterpret_cast<const std::int32_t*>(constant_data(m, b));
    p.requant = decode_requant(op, out, c->act_min(), c->act_max());
    return p;
}

inline FullyConnectedParams decode_fully_connected(const model::Model& m, const model::Operator& op) {
    const auto* f = op.params_as_FullyConnected();
    const auto* in = tensor(m, op.inputs()->Get(0));
    const auto* w = tensor(m, op.inputs()->Get(1));
    const auto* b = tensor(m, op.inputs()->Get(2));
    const auto* out = tensor(m, op.outputs()->Get(0));
    FullyConnectedParams p{};
    p.out_count = dim(w, 0);
    p.in_count = dim(w, 1);
    p.in_zero_point = zero_point(in);
    p.weights = reinterpret_cast<const std::int8_t*>(constant_data(m, w));
    p.bias = reinterpret_cast<const std::int32_t*>(constant_data(m, b));
    p.requant = decode_requant(op, out, f->act_min(), f->act_max());
    return p;
}

inline MaxPool2DParams decode_max_pool2d(const model::Model& m, const model::Operator& op) {
    const auto* mp = op.params_as_MaxPool2D();
    const auto* in = tensor(m, op.inputs()->Get(0));
    const auto* out = tensor(m, op.outputs()->Get(0));
    return MaxPool2DParams{dim(in, 0),      dim(in, 1),      dim(in, 2),   mp->pool_h(), mp->pool_w(),
                           mp->stride_h(), mp->stride_w(), dim(out, 0), dim(out, 1)};
}

inline PadParams decode_pad(const model::Model& m, const model::Operator& op) {
    const auto* pd = op.params_as_Pad();
    const auto* in = tensor(m, op.inputs()->Get(0));
    return PadParams{dim(in, 0),      dim(in, 1),        dim(in, 2),     pd->pad_top(),
                     pd->pad_bottom(), pd->pad_left(), pd->pad_right(), pd->value()};
}

}  // namespace tinydigit::engine::detail
