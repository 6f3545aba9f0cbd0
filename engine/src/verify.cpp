// Model verification: the FlatBuffers verifier (structure, bounds of every table and vector),
// then every semantic rule the kernels rely on. After kOk, run() may read any field and
// index any tensor without a check. All arithmetic on values from the file is done in
// 64 bits from 32-bit inputs, so nothing here can overflow; no recursion, bounded loops,
// a few hundred bytes of stack.
#include <cstdint>

#include "decode.hpp"
#include "tinydigit/engine/engine.hpp"
#include "tinydigit/engine/scratch.hpp"

namespace tinydigit::engine {
namespace {

using detail::dim;
using detail::tensor;
using model::OpParams;

constexpr std::int64_t kInt32Max = 2147483647;

struct Region {
    std::int64_t begin = 0, end = 0;  // [begin, end) in the arena
    bool overlaps(const Region& o) const { return begin < o.end && o.begin < end; }
};

bool is_activation(const model::Tensor* t) { return t->arena_offset() >= 0; }

std::int64_t element_count(const model::Tensor* t) {  // valid after check_tensor
    std::int64_t n = 1;
    for (auto d : *t->shape()) n *= d;
    return n;
}

std::int64_t element_bytes(const model::Tensor* t) { return t->type() == model::ElementType::INT32 ? 4 : 1; }

Region region_of(const model::Tensor* t) {
    return Region{t->arena_offset(), std::int64_t{t->arena_offset()} + element_count(t) * element_bytes(t)};
}

bool zero_points_all_zero(const model::Tensor* t) {
    const auto* q = t->quantization();
    if (q == nullptr || q->zero_point() == nullptr) return true;
    for (auto z : *q->zero_point())
        if (z != 0) return false;
    return true;
}

Status check_tensor(const model::Model& m, const model::Tensor* t, std::int64_t arena_bytes) {
    const auto* shape = t->shape();
    if (shape->size() < 1 || shape->size() > 4) return Status::kBadShape;
    std::int64_t count = 1;
    for (auto d : *shape) {
        if (d < 1) return Status::kBadShape;
        if (count > kInt32Max / d) return Status::kShapeOverflow;
        count *= d;
    }
    if (t->type() != model::ElementType::INT8 && t->type() != model::ElementType::INT32) return Status::kBadType;
    const std::int64_t bytes = count * element_bytes(t);
    const bool constant = t->buffer() != -1;
    const bool activation = t->arena_offset() != -1;
    if (constant && activation) return Status::kBadTensorKind;
    if (constant) {
        if (t->buffer() < 0 || static_cast<std::uint32_t>(t->buffer()) >= m.buffers()->size())
            return Status::kBadBuffer;
        const auto* data = m.buffers()->Get(static_cast<flatbuffers::uoffset_t>(t->buffer()))->data();
        if (data == nullptr) return Status::kBadBuffer;
        if (static_cast<std::int64_t>(data->size()) != bytes) return Status::kBufferSizeMismatch;
        if (reinterpret_cast<std::uintptr_t>(data->data()) % 4 != 0 && t->type() == model::ElementType::INT32)
            return Status::kMisalignedBuffer;
    }
    if (activation) {
        if (t->type() != model::ElementType::INT8) return Status::kBadType;
        if (t->arena_offset() < 0 || std::int64_t{t->arena_offset()} + bytes > arena_bytes)
            return Status::kArenaOutOfBounds;
        if (t->arena_offset() % static_cast<std::int32_t>(kArenaAlignment) != 0) return Status::kMisalignedOffset;
        const auto* q = t->quantization();
        if (q == nullptr || q->zero_point() == nullptr || q->zero_point()->size() != 1) return Status::kBadZeroPoint;
        const std::int32_t z = q->zero_point()->Get(0);
        if (z < -128 || z > 127) return Status::kBadZeroPoint;
    }
    return Status::kOk;
}

// An op's constant operand: weights (INT8, zero point 0) or bias (INT32, zero point 0).
Status check_constant(const model::Tensor* t, model::ElementType type, unsigned rank) {
    if (is_activation(t) || t->buffer() < 0) return Status::kBadTensorKind;
    if (t->type() != type) return Status::kBadType;
    if (t->shape()->size() != rank) return Status::kShapeMismatch;
    if (!zero_points_all_zero(t)) return Status::kBadZeroPoint;
    return Status::kOk;
}

Status check_requant(const model::Operator& op, std::int32_t channels, std::int8_t act_min, std::int8_t act_max) {
    if (act_min > act_max) return Status::kBadParameter;
    const auto* rq = op.requant();
    if (rq == nullptr || rq->multiplier()->size() != static_cast<std::uint32_t>(channels) ||
        rq->shift()->size() != static_cast<std::uint32_t>(channels))
        return Status::kBadRequantization;
    if (reinterpret_cast<std::uintptr_t>(rq->multiplier()->data()) % 4 != 0) return Status::kMisalignedBuffer;
    for (auto mult : *rq->multiplier())
        if (mult < (std::int32_t{1} << 30)) return Status::kBadRequantization;  // upper bound is int32's
    for (auto s : *rq->shift())
        if (s < 1 || s > 62) return Status::kBadRequantization;
    return Status::kOk;
}

bool has_shape(const model::Tensor* t, std::int64_t d0, std::int64_t d1, std::int64_t d2) {
    return t->shape()->size() == 3 && dim(t, 0) == d0 && dim(t, 1) == d1 && dim(t, 2) == d2;
}

Status check_conv2d(const model::Model& m, const model::Operator& op, std::uint64_t& scratch) {
    const auto* c = op.params_as_Conv2D();
    const auto* in = tensor(m, op.inputs()->Get(0));
    const auto* w = tensor(m, op.inputs()->Get(1));
    const auto* b = tensor(m, op.inputs()->Get(2));
    const auto* out = tensor(m, op.outputs()->Get(0));
    if (Status s = check_constant(w, model::ElementType::INT8, 4); s != Status::kOk) return s;
    if (Status s = check_constant(b, model::ElementType::INT32, 1); s != Status::kOk) return s;
    if (in->shape()->size() != 3 || out->shape()->size() != 3) return Status::kShapeMismatch;
    if (c->kernel_h() < 1 || c->kernel_w() < 1 || c->stride_h() < 1 || c->stride_w() < 1 || c->pad_top() < 0 ||
        c->pad_bottom() < 0 || c->pad_left() < 0 || c->pad_right() < 0)
        return Status::kBadParameter;
    const std::int32_t channels = dim(w, 0);
    if (dim(w, 1) != c->kernel_h() || dim(w, 2) != c->kernel_w() || dim(w, 3) != dim(in, 2) ||
        dim(b, 0) != channels)
        return Status::kShapeMismatch;
    if (conv2d_reduction_length(c->kernel_h(), c->kernel_w(), dim(in, 2)) >
        static_cast<std::uint64_t>(kMaxReductionLength))
        return Status::kReductionTooLong;
    const std::int64_t padded_h = std::int64_t{dim(in, 0)} + c->pad_top() + c->pad_bottom();
    const std::int64_t padded_w = std::int64_t{dim(in, 1)} + c->pad_left() + c->pad_right();
    if (c->kernel_h() > padded_h || c->kernel_w() > padded_w) return Status::kKernelTooLarge;
    std::int64_t out_h = detail::sweep(padded_h, c->kernel_h(), c->stride_h());
    std::int64_t out_w = detail::sweep(padded_w, c->kernel_w(), c->stride_w());
    if (c->pool_h() != 0 || c->pool_w() != 0) {
        if (c->pool_h() < 1 || c->pool_w() < 1 || c->pool_stride_h() < 1 || c->pool_stride_w() < 1)
            return Status::kBadParameter;
        if (c->pool_h() > out_h || c->pool_w() > out_w) return Status::kKernelTooLarge;
        out_h = detail::sweep(out_h, c->pool_h(), c->pool_stride_h());
        out_w = detail::sweep(out_w, c->pool_w(), c->pool_stride_w());
    }
    if (!has_shape(out, out_h, out_w, channels)) return Status::kShapeMismatch;
    if (Status s = check_requant(op, channels, c->act_min(), c->act_max()); s != Status::kOk) return s;
    scratch = conv2d_scratch_bytes(c->kernel_h(), c->kernel_w(), dim(in, 2), channels);
    return Status::kOk;
}

Status check_fully_connected(const model::Model& m, const model::Operator& op, std::uint64_t& scratch) {
    const auto* f = op.params_as_FullyConnected();
    const auto* in = tensor(m, op.inputs()->Get(0));
    const auto* w = tensor(m, op.inputs()->Get(1));
    const auto* b = tensor(m, op.inputs()->Get(2));
    const auto* out = tensor(m, op.outputs()->Get(0));
    if (Status s = check_constant(w, model::ElementType::INT8, 2); s != Status::kOk) return s;
    if (Status s = check_constant(b, model::ElementType::INT32, 1); s != Status::kOk) return s;
    const std::int32_t channels = dim(w, 0);
    if (dim(w, 1) != element_count(in) || dim(b, 0) != channels || element_count(out) != channels)
        return Status::kShapeMismatch;
    if (dim(w, 1) > kMaxReductionLength) return Status::kReductionTooLong;
    if (Status s = check_requant(op, channels, f->act_min(), f->act_max()); s != Status::kOk) return s;
    scratch = fully_connected_scratch_bytes(dim(w, 1), channels);
    return Status::kOk;
}

Status check_max_pool2d(const model::Model& m, const model::Operator& op) {
    const auto* mp = op.params_as_MaxPool2D();
    const auto* in = tensor(m, op.inputs()->Get(0));
    const auto* out = tensor(m, op.outputs()->Get(0));
    if (in->shape()->size() != 3) return Status::kShapeMismatch;
    if (mp->pool_h() < 1 || mp->pool_w() < 1 || mp->stride_h() < 1 || mp->stride_w() < 1)
        return Status::kBadParameter;
    if (mp->pool_h() > dim(in, 0) || mp->pool_w() > dim(in, 1)) return Status::kKernelTooLarge;
    if (!has_shape(out, detail::sweep(dim(in, 0), mp->pool_h(), mp->stride_h()),
                   detail::sweep(dim(in, 1), mp->pool_w(), mp->stride_w()), dim(in, 2)))
        return Status::kShapeMismatch;
    if (detail::zero_point(in) != detail::zero_point(out)) return Status::kBadZeroPoint;
    return Status::kOk;
}

Status check_pad(const model::Model& m, const model::Operator& op) {
    const auto* pd = op.params_as_Pad();
    const auto* in = tensor(m, op.inputs()->Get(0));
    const auto* out = tensor(m, op.outputs()->Get(0));
    if (in->shape()->size() != 3) return Status::kShapeMismatch;
    if (pd->pad_top() < 0 || pd->pad_bottom() < 0 || pd->pad_left() < 0 || pd->pad_right() < 0)
        return Status::kBadParameter;
    if (!has_shape(out, std::int64_t{dim(in, 0)} + pd->pad_top() + pd->pad_bottom(),
                   std::int64_t{dim(in, 1)} + pd->pad_left() + pd->pad_right(), dim(in, 2)))
        return Status::kShapeMismatch;
    return Status::kOk;
}

unsigned expected_inputs(OpParams type) {
    return (type == OpParams::Conv2D || type == OpParams::FullyConnected) ? 3 : 1;
}

// Structure, indices, data flow and per-op rules, in execution order. Fills the lifetime of
// every activation: written by op first[t] (-1: the model input, alive from the start),
// last read by op last[t] (n: the model output, alive to the end).
Status check_operators(const model::Model& m, std::int16_t* first, std::int16_t* last) {
    const auto& ops = *m.operators();
    const auto n_tensors = static_cast<std::int32_t>(m.tensors()->size());
    const auto arena = static_cast<std::int64_t>(m.plan()->arena_bytes());
    for (std::uint32_t i = 0; i < ops.size(); ++i) {
        const model::Operator& op = *ops.Get(i);
        const OpParams type = op.params_type();
        if (type == OpParams::NONE || type > OpParams::MAX || op.params() == nullptr)
            return Status::kUnknownOperator;
        if (op.inputs()->size() != expected_inputs(type) || op.outputs()->size() != 1) return Status::kBadOperator;
        for (auto index : *op.inputs())
            if (index < 0 || index >= n_tensors) return Status::kBadTensorIndex;
        const std::int32_t out_index = op.outputs()->Get(0);
        if (out_index < 0 || out_index >= n_tensors) return Status::kBadTensorIndex;
        const std::int32_t in_index = op.inputs()->Get(0);
        if (!is_activation(tensor(m, in_index)) || !is_activation(tensor(m, out_index)))
            return Status::kBadTensorKind;
        if (first[in_index] == kMaxOperators) return Status::kReadBeforeWrite;  // never written so far
        if (first[out_index] != kMaxOperators) return Status::kWrittenTwice;
        first[out_index] = static_cast<std::int16_t>(i);
        last[in_index] = static_cast<std::int16_t>(i);

        std::uint64_t scratch = 0;
        Status s = Status::kOk;
        switch (type) {
            case OpParams::Conv2D: s = check_conv2d(m, op, scratch); break;
            case OpParams::FullyConnected: s = check_fully_connected(m, op, scratch); break;
            case OpParams::MaxPool2D: s = check_max_pool2d(m, op); break;
            case OpParams::Pad: s = check_pad(m, op); break;
            default: s = Status::kUnknownOperator; break;
        }
        if (s != Status::kOk) return s;
        if (op.scratch_bytes() < 0) return Status::kBadParameter;
        if (static_cast<std::uint64_t>(op.scratch_bytes()) < scratch) return Status::kScratchTooSmall;
        if (op.scratch_bytes() > 0) {
            if (op.scratch_offset() < 0 || std::int64_t{op.scratch_offset()} + op.scratch_bytes() > arena)
                return Status::kArenaOutOfBounds;
            if (op.scratch_offset() % static_cast<std::int32_t>(kArenaAlignment) != 0)
                return Status::kMisalignedOffset;
        }
    }
    return Status::kOk;
}

// Tensors alive during the same operator must not share bytes; nor may its scratch.
Status check_lifetimes(const model::Model& m, const std::int16_t* first, const std::int16_t* last) {
    const auto& ops = *m.operators();
    const auto n_tensors = static_cast<std::int32_t>(m.tensors()->size());
    auto alive = [&](std::int32_t t, std::int32_t i) {
        return first[t] != kMaxOperators && first[t] <= i && i <= last[t];
    };
    for (std::int32_t i = 0; i < static_cast<std::int32_t>(ops.size()); ++i) {
        const model::Operator& op = *ops.Get(static_cast<flatbuffers::uoffset_t>(i));
        const std::int32_t in = op.inputs()->Get(0), out = op.outputs()->Get(0);
        if (region_of(tensor(m, in)).overlaps(region_of(tensor(m, out)))) return Status::kAliasedOutput;
        const Region scratch{op.scratch_offset(), std::int64_t{op.scratch_offset()} + op.scratch_bytes()};
        for (std::int32_t a = 0; a < n_tensors; ++a) {
            if (!alive(a, i)) continue;
            const Region ra = region_of(tensor(m, a));
            if (op.scratch_bytes() > 0 && ra.overlaps(scratch)) return Status::kScratchOverlap;
            for (std::int32_t b = a + 1; b < n_tensors; ++b)
                if (alive(b, i) && ra.overlaps(region_of(tensor(m, b)))) return Status::kOverlap;
        }
    }
    return Status::kOk;
}

}  // namespace

Status verify_model(const void* bytes, std::size_t size) noexcept {
    if (bytes == nullptr) return Status::kNullArgument;
    if (reinterpret_cast<std::uintptr_t>(bytes) % 16 != 0) return Status::kMisalignedModel;
    const auto* data = static_cast<const std::uint8_t*>(bytes);
    // The verifier asserts on sizes of 2 GiB and more; no model is that large.
    if (size < 8 || size >= 0x7fffffffu || !model::ModelBufferHasIdentifier(data)) return Status::kNotAModel;
    flatbuffers::Verifier verifier(data, size);
    if (!model::VerifyModelBuffer(verifier)) return Status::kMalformedModel;
    const model::Model& m = *model::GetModel(data);
    if (m.format_version() != 1) return Status::kUnsupportedVersion;

    const auto n_tensors = static_cast<std::int32_t>(m.tensors()->size());
    if (n_tensors > kMaxTensors || m.operators()->size() > static_cast<std::uint32_t>(kMaxOperators))
        return Status::kTooLarge;
    if (m.operators()->size() == 0) return Status::kEmptyGraph;
    const auto arena = static_cast<std::int64_t>(m.plan()->arena_bytes());
    for (std::int32_t t = 0; t < n_tensors; ++t)
        if (Status s = check_tensor(m, tensor(m, t), arena); s != Status::kOk) return s;

    if (m.input() < 0 || m.input() >= n_tensors || m.output() < 0 || m.output() >= n_tensors)
        return Status::kBadTensorIndex;
    const auto* input = tensor(m, m.input());
    const auto* output = tensor(m, m.output());
    if (!is_activation(input) || !is_activation(output) || detail::zero_point(input) != -128)
        return Status::kBadInputOutput;

    std::int16_t first[kMaxTensors];  // kMaxOperators = not written (yet)
    std::int16_t last[kMaxTensors];   // -1 = not read (yet)
    for (std::int32_t t = 0; t < n_tensors; ++t) {
        first[t] = kMaxOperators;
        last[t] = -1;
    }
    first[m.input()] = -1;
    last[m.input()] = -1;
    if (Status s = check_operators(m, first, last); s != Status::kOk) return s;
    if (m.output() == m.input() || first[m.output()] == kMaxOperators) return Status::kBadInputOutput;
    for (std::int32_t t = 0; t < n_tensors; ++t)
        if (first[t] != kMaxOperators && last[t] < first[t]) last[t] = first[t];  // written, never read
    last[m.output()] = static_cast<std::int16_t>(m.operators()->size());
    return check_lifetimes(m, first, last);
}

}  // namespace tinydigit::engine
