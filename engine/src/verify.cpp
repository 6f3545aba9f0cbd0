// Model verification: the structure (verify_structure.cpp: bounds of every table, vector and
// string, as FlatBuffers' Verifier checks them), then every semantic rule the kernels rely on.
// After kOk, run() may read any field and index any tensor without a check. Arithmetic on
// values from the file is done in 64 bits from 32-bit inputs where a sum or product could pass
// 32 bits, in 32 bits where an earlier check bounds it (a 64-bit operation is two or more
// instructions, a division a libgcc call, on Cortex-M), so nothing here can overflow; no
// recursion, bounded loops, a few hundred bytes of stack.
#include <cstdint>

#include "decode.hpp"
#include "model_layout.hpp"
#include "tinydigit/engine/crc32.hpp"
#include "tinydigit/engine/engine.hpp"
#include "tinydigit/engine/scratch.hpp"

namespace tinydigit::engine {
namespace {

using detail::tensor;
using model::OpParams;

// What verification was looking at when it stopped (VerifyFailure without the strings, which
// are looked up only when asked for). -1: none.
struct Site {
    std::int32_t op = -1, tensor = -1;
};

// [begin, end) in the arena; 32-bit because check_tensor has put every region inside the
// (uint32) arena before lifetimes are compared.
struct Region {
    std::uint32_t begin = 0, end = 0;
    bool overlaps(const Region& o) const { return begin < o.end && o.begin < end; }
};

// 0 <= index < n as one unsigned compare (a negative index wraps past n): GCC keeps the two
// signed compares otherwise.
bool is_index(std::int32_t index, std::int32_t n) {
    return static_cast<std::uint32_t>(index) < static_cast<std::uint32_t>(n);
}

__attribute__((noinline)) bool is_activation(const model::Tensor* t) { return t->arena_offset() >= 0; }

// An activation's bytes in the arena (int8): the whole tensor, or its window of rows.
// After check_tensor: count fits int32, a window is 1..H rows of a rank-3 tensor.
std::int32_t arena_bytes_of(const model::Tensor* t) {
    const detail::Shape s = detail::shape_of(t);
    return t->window_rows() > 0 ? s.count / s.dim[0] * t->window_rows() : s.count;
}

Region region_of(const model::Tensor* t) {
    const auto begin = static_cast<std::uint32_t>(t->arena_offset());
    return Region{begin, begin + static_cast<std::uint32_t>(arena_bytes_of(t))};
}

bool zero_points_all_zero(const model::Tensor* t) {
    const auto* q = t->quantization();
    if (q == nullptr || q->zero_point() == nullptr) return true;
    for (auto z : *q->zero_point())
        if (z != 0) return false;
    return true;
}

// [offset, offset + bytes) inside the arena and 16-byte aligned: activations and scratch.
// bytes < 2^31, so with offset >= 0 the end fits 32 bits.
Status check_arena_region(std::int32_t offset, std::uint32_t bytes, std::uint32_t arena_bytes) {
    if (offset < 0 || static_cast<std::uint32_t>(offset) + bytes > arena_bytes) return Status::kArenaOutOfBounds;
    if (offset % static_cast<std::int32_t>(kArenaAlignment) != 0) return Status::kMisalignedOffset;
    return Status::kOk;
}

// Out of line: inlined into verify()'s loop it costs 56 bytes more code on Cortex-M4 (register
// pressure in one large function), for 32 bytes less worst-case stack.
__attribute__((noinline)) Status check_tensor(const model::Model& m, const model::Tensor* t,
                                              std::uint32_t arena_bytes) {
    const auto* shape = t->shape();
    if (shape->size() < 1 || shape->size() > 4) return Status::kBadShape;
    std::int32_t count = 1;
    for (auto d : *shape) {
        if (d < 1) return Status::kBadShape;
        // 32-bit multiply with overflow flag: no 64-bit division (a libgcc call) on Cortex-M.
        if (__builtin_mul_overflow(count, d, &count)) return Status::kShapeOverflow;
    }
    const model::ElementType type = t->type();
    if (type != model::ElementType::INT8 && type != model::ElementType::INT32) return Status::kBadType;
    const std::int32_t buffer = t->buffer(), offset = t->arena_offset();
    const bool constant = buffer != -1;
    const bool activation = offset != -1;
    if (constant && activation) return Status::kBadTensorKind;
    if (constant) {
        if (static_cast<std::uint32_t>(buffer) >= m.buffers()->size()) return Status::kBadBuffer;  // < 0 wraps past it
        const auto* data = m.buffers()->Get(static_cast<flatbuffers::uoffset_t>(buffer))->data();
        if (data == nullptr) return Status::kBadBuffer;
        // count elements of 1 or 4 bytes, compared without the 64-bit product count * 4.
        const std::uint32_t shift = type == model::ElementType::INT32 ? 2 : 0;
        if (data->size() >> shift != static_cast<std::uint32_t>(count) || (data->size() & ((1u << shift) - 1)) != 0)
            return Status::kBufferSizeMismatch;
        if (reinterpret_cast<std::uintptr_t>(data->data()) % 4 != 0 && type == model::ElementType::INT32)
            return Status::kMisalignedBuffer;
    }
    const std::int32_t window = t->window_rows();
    if (window != 0 && (!activation || shape->size() != 3 || window < 0 || window > shape->Get(0)))
        return Status::kBadBand;
    if (activation) {
        if (type != model::ElementType::INT8) return Status::kBadType;
        const auto bytes = static_cast<std::uint32_t>(arena_bytes_of(t));
        if (Status s = check_arena_region(offset, bytes, arena_bytes); s != Status::kOk) return s;
        const auto* q = t->quantization();
        if (q == nullptr || q->zero_point() == nullptr || q->zero_point()->size() != 1) return Status::kBadZeroPoint;
        const std::int32_t z = q->zero_point()->Get(0);
        if (z < -128 || z > 127) return Status::kBadZeroPoint;
    }
    return Status::kOk;
}

using detail::Shape;
using detail::shape_of;

// An op's constant operand: weights (INT8, zero point 0) or bias (INT32, zero point 0). After
// check_tensor a tensor with a buffer is no activation.
Status check_constant(const model::Tensor* t, model::ElementType type, std::int32_t rank, Shape& shape) {
    if (t->buffer() < 0) return Status::kBadTensorKind;
    if (t->type() != type) return Status::kBadType;
    shape = shape_of(t);
    if (shape.rank != rank) return Status::kShapeMismatch;
    if (!zero_points_all_zero(t)) return Status::kBadZeroPoint;
    return Status::kOk;
}

Status check_requant(const model::Operator& op, std::int32_t channels, std::int32_t act_min, std::int32_t act_max) {
    if (act_min > act_max) return Status::kBadParameter;
    const auto* rq = op.requant();
    if (rq == nullptr) return Status::kBadRequantization;
    const auto* mult = rq->multiplier();
    const auto* shift = rq->shift();
    if (mult->size() != static_cast<std::uint32_t>(channels) || shift->size() != static_cast<std::uint32_t>(channels))
        return Status::kBadRequantization;
    if (reinterpret_cast<std::uintptr_t>(mult->data()) % 4 != 0) return Status::kMisalignedBuffer;
    for (std::int32_t o = 0; o < channels; ++o) {
        const auto i = static_cast<flatbuffers::uoffset_t>(o);
        // The multiplier's upper bound 2^31 - 1 is int32's own.
        if (mult->Get(i) < (std::int32_t{1} << 30) || shift->Get(i) < 1 || shift->Get(i) > 62)
            return Status::kBadRequantization;
    }
    return Status::kOk;
}

__attribute__((noinline)) bool is_map(const Shape& s, std::int64_t h, std::int64_t w, std::int32_t c) {
    return s.rank == 3 && s.dim[0] == h && s.dim[1] == w && s.dim[2] == c;
}

// The operands every op type shares: activation in/out shapes, and for Conv2D/FC the
// weights and bias (constant, typed, ranked).
struct Operands {
    Shape in, out, weights, bias;
};

Status check_weighted(const model::Model& m, const model::Operator& op, std::int32_t weight_rank, Operands& o,
                      Site& site) {
    site.tensor = detail::op_input(op, 1);
    if (Status s = check_constant(tensor(m, site.tensor), model::ElementType::INT8, weight_rank, o.weights);
        s != Status::kOk)
        return s;
    site.tensor = detail::op_input(op, 2);
    return check_constant(tensor(m, site.tensor), model::ElementType::INT32, 1, o.bias);
}

Status check_conv2d(const model::Operator& op, const Operands& o, std::uint64_t& scratch) {
    const detail::ConvFields f = detail::conv_fields(op);
    if (o.in.rank != 3 || o.out.rank != 3) return Status::kShapeMismatch;
    if (f.kernel_h < 1 || f.kernel_w < 1 || f.stride_h < 1 || f.stride_w < 1 || f.pad_top < 0 || f.pad_bottom < 0 ||
        f.pad_left < 0 || f.pad_right < 0)
        return Status::kBadParameter;
    const std::int32_t channels = o.weights.dim[0], in_c = o.in.dim[2];
    if (o.weights.dim[1] != f.kernel_h || o.weights.dim[2] != f.kernel_w || o.weights.dim[3] != in_c ||
        o.bias.dim[0] != channels)
        return Status::kShapeMismatch;
    if (conv2d_reduction_length(f.kernel_h, f.kernel_w, in_c) > static_cast<std::uint64_t>(kMaxReductionLength))
        return Status::kReductionTooLong;
    const std::int64_t padded_h = std::int64_t{o.in.dim[0]} + f.pad_top + f.pad_bottom;
    const std::int64_t padded_w = std::int64_t{o.in.dim[1]} + f.pad_left + f.pad_right;
    if (f.kernel_h > padded_h || f.kernel_w > padded_w) return Status::kKernelTooLarge;
    std::int64_t out_h = detail::sweep(padded_h, f.kernel_h, f.stride_h);
    std::int64_t out_w = detail::sweep(padded_w, f.kernel_w, f.stride_w);
    if (f.pool_h != 0 || f.pool_w != 0) {
        if (f.pool_h < 1 || f.pool_w < 1 || f.pool_stride_h < 1 || f.pool_stride_w < 1) return Status::kBadParameter;
        if (f.pool_h > out_h || f.pool_w > out_w) return Status::kKernelTooLarge;
        out_h = detail::sweep(out_h, f.pool_h, f.pool_stride_h);
        out_w = detail::sweep(out_w, f.pool_w, f.pool_stride_w);
    }
    if (!is_map(o.out, out_h, out_w, channels)) return Status::kShapeMismatch;
    if (Status s = check_requant(op, channels, f.act_min, f.act_max); s != Status::kOk) return s;
    scratch = conv2d_scratch_bytes(f.kernel_h, f.kernel_w, in_c, channels);
    return Status::kOk;
}

Status check_fully_connected(const model::Operator& op, const Operands& o, std::uint64_t& scratch) {
    const detail::FullyConnectedFields f = detail::fully_connected_fields(op);
    const std::int32_t channels = o.weights.dim[0], in_count = o.weights.dim[1];
    if (in_count != o.in.count || o.bias.dim[0] != channels || o.out.count != channels) return Status::kShapeMismatch;
    if (in_count > kMaxReductionLength) return Status::kReductionTooLong;
    if (Status s = check_requant(op, channels, f.act_min, f.act_max); s != Status::kOk) return s;
    scratch = fully_connected_scratch_bytes(in_count, channels);
    return Status::kOk;
}

Status check_max_pool2d(const model::Model& m, const model::Operator& op, const Operands& o) {
    const detail::MaxPoolFields f = detail::max_pool_fields(op);
    if (o.in.rank != 3) return Status::kShapeMismatch;
    if (f.pool_h < 1 || f.pool_w < 1 || f.stride_h < 1 || f.stride_w < 1) return Status::kBadParameter;
    if (f.pool_h > o.in.dim[0] || f.pool_w > o.in.dim[1]) return Status::kKernelTooLarge;
    if (!is_map(o.out, detail::sweep(o.in.dim[0], f.pool_h, f.stride_h),
                detail::sweep(o.in.dim[1], f.pool_w, f.stride_w), o.in.dim[2]))
        return Status::kShapeMismatch;
    if (detail::zero_point(detail::input_tensor(m, op, 0)) != detail::zero_point(detail::output_tensor(m, op)))
        return Status::kBadZeroPoint;
    return Status::kOk;
}

Status check_pad(const model::Operator& op, const Operands& o) {
    const detail::PadFields f = detail::pad_fields(op);
    if (o.in.rank != 3) return Status::kShapeMismatch;
    if (f.pad_top < 0 || f.pad_bottom < 0 || f.pad_left < 0 || f.pad_right < 0) return Status::kBadParameter;
    if (!is_map(o.out, std::int64_t{o.in.dim[0]} + f.pad_top + f.pad_bottom,
                std::int64_t{o.in.dim[1]} + f.pad_left + f.pad_right, o.in.dim[2]))
        return Status::kShapeMismatch;
    return Status::kOk;
}

// Op i with band_rows, or reading a windowed tensor: the consumer of a banded chain (rules in
// schema/model.fbs). Called after the op's own checks passed and before its input's last
// reader is recorded, so last[in] == -1 means no earlier op read the window. Out of line: the
// rare path, 18 bytes less code than inlined into verify().
__attribute__((noinline)) Status check_band(const model::Model& m, std::uint32_t i, const Operands& o,
                                            const std::int8_t* first, const std::int8_t* last) {
    const model::Operator& op = *m.operators()->Get(i);
    const std::int32_t in = detail::op_input(op, 0);
    const std::int64_t band = op.band_rows(), window = tensor(m, in)->window_rows();
    if (i == 0 || band < 1 || window < 1 || op.params_type() != OpParams::Conv2D || first[in] != static_cast<std::int32_t>(i) - 1 ||
        last[in] != -1 || detail::output_tensor(m, op)->window_rows() != 0 || band > o.out.dim[0])
        return Status::kBadBand;
    const model::Operator& producer = *m.operators()->Get(i - 1);
    if (producer.params_type() != OpParams::Conv2D || producer.band_rows() != 0) return Status::kBadBand;
    // Pads below the kernel keep every band's input view at least one row, pad_top >= 0. One
    // 56-byte field block on the stack, the producer's then the consumer's, not two at once.
    auto pads_below_kernel = [](const detail::ConvFields& f) {
        return f.pad_top < f.kernel_h && f.pad_bottom < f.kernel_h;
    };
    detail::ConvFields c = detail::conv_fields(producer);
    if (c.pool_h != 0 || !pads_below_kernel(c)) return Status::kBadBand;
    c = detail::conv_fields(op);
    if (!pads_below_kernel(c)) return Status::kBadBand;
    const std::int64_t conv_rows = c.pool_h > 0 ? (band - 1) * c.pool_stride_h + c.pool_h : band;
    const std::int64_t need = (conv_rows - 1) * c.stride_h + c.kernel_h;
    if (window < (need < o.in.dim[0] ? need : o.in.dim[0])) return Status::kBadBand;
    return Status::kOk;
}

unsigned expected_inputs(OpParams type) {
    return (type == OpParams::Conv2D || type == OpParams::FullyConnected) ? 3 : 1;
}

// Structure, indices, data flow and per-op rules, in execution order. Fills the lifetime of
// every activation: written by op first[t] (-1: the model input, alive from the start),
// last read by op last[t] (n: the model output, alive to the end).
Status check_operators(const model::Model& m, std::int8_t* first, std::int8_t* last, Site& site) {
    const auto& ops = *m.operators();
    const auto n_tensors = static_cast<std::int32_t>(m.tensors()->size());
    const std::uint32_t arena = m.plan()->arena_bytes();
    for (std::uint32_t i = 0; i < ops.size(); ++i) {
        const model::Operator& op = *ops.Get(i);
        site = Site{static_cast<std::int32_t>(i), -1};
        const OpParams type = op.params_type();
        if (type == OpParams::NONE || type > OpParams::MAX || op.params() == nullptr)
            return Status::kUnknownOperator;
        if (op.inputs()->size() != expected_inputs(type) || op.outputs()->size() != 1) return Status::kBadOperator;
        for (auto index : *op.inputs())
            if (!is_index(index, n_tensors)) return Status::kBadTensorIndex;
        const std::int32_t out_index = detail::op_output(op);
        if (!is_index(out_index, n_tensors)) return Status::kBadTensorIndex;
        const std::int32_t in_index = detail::op_input(op, 0);
        const model::Tensor* in_tensor = tensor(m, in_index);
        const model::Tensor* out_tensor = tensor(m, out_index);
        site.tensor = in_index;
        if (!is_activation(in_tensor)) return Status::kBadTensorKind;
        site.tensor = out_index;
        if (!is_activation(out_tensor)) return Status::kBadTensorKind;
        site.tensor = in_index;
        if (first[in_index] == kMaxOperators) return Status::kReadBeforeWrite;  // never written so far
        site.tensor = out_index;
        if (first[out_index] != kMaxOperators) return Status::kWrittenTwice;
        first[out_index] = static_cast<std::int8_t>(i);

        std::uint64_t scratch = 0;
        Operands o;  // weights and bias: filled for Conv2D and FC only, read only there
        o.in = shape_of(in_tensor);
        o.out = shape_of(out_tensor);
        Status s = Status::kOk;
        if (type == OpParams::Conv2D || type == OpParams::FullyConnected)
            s = check_weighted(m, op, type == OpParams::Conv2D ? 4 : 2, o, site);
        if (s == Status::kOk) {
            site.tensor = -1;  // the parameters concern the operator as a whole
            switch (type) {
                case OpParams::Conv2D: s = check_conv2d(op, o, scratch); break;
                case OpParams::FullyConnected: s = check_fully_connected(op, o, scratch); break;
                case OpParams::MaxPool2D: s = check_max_pool2d(m, op, o); break;
                default: s = check_pad(op, o); break;
            }
        }
        if (s == Status::kOk && (op.band_rows() != 0 || in_tensor->window_rows() != 0))
            s = check_band(m, i, o, first, last);
        if (s != Status::kOk) return s;
        last[in_index] = static_cast<std::int8_t>(i);
        const std::int32_t scratch_bytes = op.scratch_bytes();
        if (scratch_bytes < 0) return Status::kBadParameter;
        if (static_cast<std::uint64_t>(scratch_bytes) < scratch) return Status::kScratchTooSmall;
        if (scratch_bytes > 0)
            s = check_arena_region(op.scratch_offset(), static_cast<std::uint32_t>(scratch_bytes), arena);
        if (s != Status::kOk) return s;
    }
    return Status::kOk;
}

// Tensors alive during the same operator must not share bytes; nor may its scratch.
Status check_lifetimes(const model::Model& m, const std::int8_t* first, const std::int8_t* last, Site& site) {
    const auto& ops = *m.operators();
    const auto n_tensors = static_cast<std::int32_t>(m.tensors()->size());
    // Never written: first[t] == kMaxOperators, past every op index.
    auto alive = [&](std::int32_t t, std::int32_t i) { return first[t] <= i && i <= last[t]; };
    for (std::int32_t i = 0; i < static_cast<std::int32_t>(ops.size()); ++i) {
        const model::Operator& op = *ops.Get(static_cast<flatbuffers::uoffset_t>(i));
        const std::int32_t in = detail::op_input(op, 0), out = detail::op_output(op);
        site = Site{i, out};
        if (region_of(tensor(m, in)).overlaps(region_of(tensor(m, out)))) return Status::kAliasedOutput;
        const auto scratch_begin = static_cast<std::uint32_t>(op.scratch_offset());
        const auto scratch_bytes = static_cast<std::uint32_t>(op.scratch_bytes());  // >= 0, checked
        const Region scratch{scratch_begin, scratch_begin + scratch_bytes};
        for (std::int32_t a = 0; a < n_tensors; ++a) {
            if (!alive(a, i)) continue;
            const Region ra = region_of(tensor(m, a));
            site.tensor = a;
            if (scratch_bytes > 0 && ra.overlaps(scratch)) return Status::kScratchOverlap;
            for (std::int32_t b = a + 1; b < n_tensors; ++b)
                if (alive(b, i) && ra.overlaps(region_of(tensor(m, b)))) return Status::kOverlap;
        }
    }
    return Status::kOk;
}

Status check_footer(const std::uint8_t* data, std::size_t size) {
    if (size % 16 != 0 || size < kFooterBytes + 16) return Status::kBadFileLength;
    const std::uint8_t* footer = data + size - kFooterBytes;
    auto le32 = [](const std::uint8_t* p) {
        return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
               static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
    };
    for (std::size_t i = 0; i < 4; ++i)
        if (footer[i] != static_cast<std::uint8_t>(kFooterTag[i])) return Status::kBadFileLength;
    if (le32(footer + 4) != size || le32(footer + 12) != 0) return Status::kBadFileLength;
    if (le32(footer + 8) != crc32(data, size - kFooterBytes)) return Status::kBadChecksum;
    return Status::kOk;
}

}  // namespace

namespace {

Status verify(const std::uint8_t* data, std::size_t size, Site& site) {
    const model::Model& m = *model::GetModel(data);
    if (m.format_version() != 2 && m.format_version() != 3) return Status::kUnsupportedVersion;
    // The footer is checked after the version, so an older model is named as such; and before
    // the semantic checks, so a changed byte is reported as corruption, not as a bad graph.
    if (Status s = check_footer(data, size); s != Status::kOk) return s;

    const auto n_tensors = static_cast<std::int32_t>(m.tensors()->size());
    const std::uint32_t n_ops = m.operators()->size();
    if (n_tensors > kMaxTensors || n_ops > static_cast<std::uint32_t>(kMaxOperators)) return Status::kTooLarge;
    if (n_ops == 0) return Status::kEmptyGraph;
    const std::uint32_t arena = m.plan()->arena_bytes();
    for (std::int32_t t = 0; t < n_tensors; ++t) {
        site.tensor = t;
        if (Status s = check_tensor(m, tensor(m, t), arena); s != Status::kOk) return s;
    }
    site.tensor = -1;

    const std::int32_t in = m.input(), out = m.output();
    if (!is_index(in, n_tensors) || !is_index(out, n_tensors)) return Status::kBadTensorIndex;
    const auto* input = tensor(m, in);
    const auto* output = tensor(m, out);
    site.tensor = in;
    if (!is_activation(input) || detail::zero_point(input) != -128) return Status::kBadInputOutput;
    site.tensor = out;
    if (!is_activation(output)) return Status::kBadInputOutput;
    site.tensor = -1;

    // Op indices fit int8 (kMaxOperators = 64): 256 bytes of stack for the lifetimes.
    static_assert(kMaxOperators < 127);
    std::int8_t first[kMaxTensors];  // kMaxOperators = not written (yet)
    std::int8_t last[kMaxTensors];   // -1 = not read (yet)
    for (std::int32_t t = 0; t < n_tensors; ++t) {
        first[t] = kMaxOperators;
        last[t] = -1;
    }
    first[in] = -1;
    last[in] = -1;
    if (Status s = check_operators(m, first, last, site); s != Status::kOk) return s;
    site = Site{-1, out};
    if (out == in || first[out] == kMaxOperators) return Status::kBadInputOutput;
    site.tensor = -1;
    for (std::int32_t t = 0; t < n_tensors; ++t) {
        if (tensor(m, t)->window_rows() > 0 && (t == out || last[t] != first[t] + 1)) {
            site.tensor = t;
            return Status::kBadBand;
        }
        if (first[t] != kMaxOperators && last[t] < first[t]) last[t] = first[t];  // written, never read
    }
    last[out] = static_cast<std::int8_t>(n_ops);
    // A chain's two ops run interleaved: its input and output are alive during both.
    for (std::uint32_t i = 1; i < n_ops; ++i) {
        const model::Operator& op = *m.operators()->Get(i);
        if (op.band_rows() == 0) continue;
        const std::int32_t chain_in = detail::op_input(*m.operators()->Get(i - 1), 0);
        if (last[chain_in] < static_cast<std::int8_t>(i)) last[chain_in] = static_cast<std::int8_t>(i);
        first[detail::op_output(op)] = static_cast<std::int8_t>(i - 1);
    }
    return check_lifetimes(m, first, last, site);
}

}  // namespace

Status verify_model(const void* bytes, std::size_t size) noexcept { return verify_model(bytes, size, nullptr); }

Status verify_model(const void* bytes, std::size_t size, VerifyFailure* failure) noexcept {
    if (failure != nullptr) *failure = VerifyFailure{};
    if (bytes == nullptr) return Status::kNullArgument;
    if (reinterpret_cast<std::uintptr_t>(bytes) % 16 != 0) return Status::kMisalignedModel;
    const auto* data = static_cast<const std::uint8_t*>(bytes);
    // The structure walk takes sizes below 2^31 - 1, as FlatBuffers does; no model is that large.
    if (size < 8 || size >= 0x7fffffffu || !model::ModelBufferHasIdentifier(data)) return Status::kNotAModel;
    // Called here, not from verify(): its frames then never stack on verify()'s.
    if (!detail::verify_structure(data, static_cast<std::uint32_t>(size))) return Status::kMalformedModel;
    Site site;
    const Status status = verify(data, size, site);
    // A site is only ever set after the structure was verified, to an index in range.
    if (status != Status::kOk && failure != nullptr) {
        const model::Model& m = *model::GetModel(data);
        if (site.op >= 0) {
            failure->operator_index = site.op;
            failure->operator_kind = detail::operator_kind(*m.operators()->Get(static_cast<flatbuffers::uoffset_t>(site.op)));
        }
        if (site.tensor >= 0) {
            failure->tensor_index = site.tensor;
            const auto* name = tensor(m, site.tensor)->name();
            failure->tensor_name = name != nullptr ? name->c_str() : "";
        }
    }
    return status;
}

// The integrity footer's checksum (check_footer), public for the tools and tests that write
// footers (crc32.hpp).
std::uint32_t crc32(const void* data, std::size_t size) noexcept {
    // The CRC of each 4-bit value: two lookups per byte instead of eight shift-and-xor steps,
    // for 64 bytes of table rather than zlib's 1 KB.
    static constexpr std::uint32_t kNibble[16] = {
        0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
        0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};
    const auto* p = static_cast<const std::uint8_t*>(data);
    std::uint32_t crc = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < size; ++i) {
        crc ^= p[i];
        crc = (crc >> 4) ^ kNibble[crc & 15u];
        crc = (crc >> 4) ^ kNibble[crc & 15u];
    }
    return crc ^ 0xFFFFFFFFu;
}

}  // namespace tinydigit::engine
