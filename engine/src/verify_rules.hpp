// Model verification: the structure (verify_structure.cpp: bounds of every table, vector and
// string, as FlatBuffers' Verifier checks them), then every semantic rule the kernels rely on.
// After kOk, run() may read any field and index any tensor without a check. Arithmetic on
// values from the file is done in 64 bits from 32-bit inputs where a sum or product could pass
// 32 bits, in 32 bits where an earlier check bounds it (a 64-bit operation is two or more
// instructions, a division a libgcc call, on Cortex-M), so nothing here can overflow; no
// recursion, bounded loops, a few hundred bytes of stack.
//
// The rules are templates over where they record the operator and tensor being checked, and
// each of their two users instantiates them once in its own file: verify.cpp (load(), nothing
// recorded) and verify_report.cpp (verify_model(..., failure)). Firmware that never asks where a
// model failed then links no code that records it (M4: 56 bytes), and each file's compiler
// sees one caller of every rule, so it inlines them as it did before the split.
#pragma once

#include <cstddef>
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
// The model's operators, read once and passed on: every m.operators() after a call is another
// inlined vtable lookup.
using Operators = flatbuffers::Vector<flatbuffers::Offset<model::Operator>>;

// What verification was looking at when it stopped (VerifyFailure without the strings, which
// are looked up only when asked for). -1: none. Unreported records nothing.
struct Site {
    std::int32_t op = -1, tensor = -1;
    void at(std::int32_t op_index, std::int32_t tensor_index) { op = op_index, tensor = tensor_index; }
    void at_tensor(std::int32_t tensor_index) { tensor = tensor_index; }
};
struct Unreported {
    void at(std::int32_t, std::int32_t) {}
    void at_tensor(std::int32_t) {}
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

bool is_activation(const model::Tensor* t) { return t->arena_offset() >= 0; }

// An activation's bytes in the arena (int8): the whole tensor, or its window of rows.
// After check_tensor: count fits int32, a window is 1..H rows of a rank-3 tensor.
std::int32_t arena_bytes_of(const model::Tensor* t) {
    const detail::Shape s = detail::shape_of(t);
    return t->window_rows() > 0 ? s.count / s.dim[0] * t->window_rows() : s.count;
}

Region region_of(const model::Model& m, std::int32_t index) {
    const model::Tensor* t = tensor(m, index);
    const auto begin = static_cast<std::uint32_t>(t->arena_offset());
    return Region{begin, begin + static_cast<std::uint32_t>(arena_bytes_of(t))};
}

// A tensor's zero points; nullptr without quantization or zero points.
const flatbuffers::Vector<std::int32_t>* zero_points(const model::Tensor* t) {
    const auto* q = t->quantization();
    return q != nullptr ? q->zero_point() : nullptr;
}

bool zero_points_all_zero(const model::Tensor* t) {
    const auto* z = zero_points(t);
    if (z == nullptr) return true;
    for (auto v : *z)
        if (v != 0) return false;
    return true;
}

// [offset, offset + bytes) inside the arena and 16-byte aligned: activations and scratch.
// bytes < 2^31, so with offset >= 0 the end fits 32 bits.
Status check_arena_region(std::int32_t offset, std::uint32_t bytes, std::uint32_t arena_bytes) {
    if (offset < 0 || static_cast<std::uint32_t>(offset) + bytes > arena_bytes) return Status::kArenaOutOfBounds;
    if (offset % static_cast<std::int32_t>(kArenaAlignment) != 0) return Status::kMisalignedOffset;
    return Status::kOk;
}

// A tensor's fields as read_fields reads them (one call, not an inlined vtable lookup per
// field): the scalars (type, a ubyte, sign-extended: its cast back to ElementType restores the
// byte), and raw bytes for the offset fields, which are read through the accessors instead.
struct TensorScalars {
    std::int32_t name, type, shape, quantization, buffer, arena_offset, window_rows;
};
static_assert(sizeof(TensorScalars) == 4 * detail::kTableLayouts[detail::kTensor].count &&
              offsetof(TensorScalars, type) == 2 * (model::Tensor::VT_TYPE - 4) &&
              offsetof(TensorScalars, buffer) == 2 * (model::Tensor::VT_BUFFER - 4) &&
              offsetof(TensorScalars, arena_offset) == 2 * (model::Tensor::VT_ARENA_OFFSET - 4) &&
              offsetof(TensorScalars, window_rows) == 2 * (model::Tensor::VT_WINDOW_ROWS - 4));

Status check_tensor(const model::Model& m, const model::Tensor* t, std::uint32_t arena_bytes) {
    const auto* shape = t->shape();
    if (shape->size() < 1 || shape->size() > 4) return Status::kBadShape;
    std::int32_t count = 1;
    for (auto d : *shape) {
        if (d < 1) return Status::kBadShape;
        // 32-bit multiply with overflow flag: no 64-bit division (a libgcc call) on Cortex-M.
        if (__builtin_mul_overflow(count, d, &count)) return Status::kShapeOverflow;
    }
    TensorScalars f;
    detail::read_fields(t, detail::kTensor, &f);
    const auto type = static_cast<model::ElementType>(f.type);
    if (type != model::ElementType::INT8 && type != model::ElementType::INT32) return Status::kBadType;
    const std::int32_t buffer = f.buffer, offset = f.arena_offset;
    const bool constant = buffer != -1;
    const bool activation = offset != -1;
    if (constant && activation) return Status::kBadTensorKind;
    if (constant) {
        const auto& buffers = *detail::present(m.buffers());  // required
        if (static_cast<std::uint32_t>(buffer) >= buffers.size()) return Status::kBadBuffer;  // < 0 wraps past it
        const auto* data = buffers.Get(static_cast<flatbuffers::uoffset_t>(buffer))->data();
        if (data == nullptr) return Status::kBadBuffer;
        // count elements of 1 or 4 bytes, compared without the 64-bit product count * 4.
        const std::uint32_t shift = type == model::ElementType::INT32 ? 2 : 0;
        if (data->size() >> shift != static_cast<std::uint32_t>(count) || (data->size() & ((1u << shift) - 1)) != 0)
            return Status::kBufferSizeMismatch;
        // int32 data needs no alignment check (kMisalignedBuffer): verify_structure put every
        // vector's length, so its data, at a multiple of 4 in the 16-byte aligned model.
    }
    const std::int32_t window = f.window_rows;
    if (window != 0 && (!activation || shape->size() != 3 || window < 0 || window > shape->Get(0)))
        return Status::kBadBand;
    if (activation) {
        if (type != model::ElementType::INT8) return Status::kBadType;
        const auto bytes = static_cast<std::uint32_t>(arena_bytes_of(t));
        if (Status s = check_arena_region(offset, bytes, arena_bytes); s != Status::kOk) return s;
        const auto* zs = zero_points(t);
        if (zs == nullptr || zs->size() != 1) return Status::kBadZeroPoint;
        const std::int32_t z = zs->Get(0);
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

Status check_requant(const model::Operator& op, std::int32_t channels) {
    const auto* rq = op.requant();
    if (rq == nullptr) return Status::kBadRequantization;
    const auto* mult = rq->multiplier();
    const auto* shift = rq->shift();
    if (mult->size() != static_cast<std::uint32_t>(channels) || shift->size() != static_cast<std::uint32_t>(channels))
        return Status::kBadRequantization;
    for (std::int32_t o = 0; o < channels; ++o) {
        const auto i = static_cast<flatbuffers::uoffset_t>(o);
        // The multiplier's upper bound 2^31 - 1 is int32's own.
        if (mult->Get(i) < (std::int32_t{1} << 30) || shift->Get(i) < 1 || shift->Get(i) > 62)
            return Status::kBadRequantization;
    }
    return Status::kOk;
}

// The operands every op type shares: activation in/out shapes, and for Conv2D/FC the
// weights and bias (constant, typed, ranked).
struct Operands {
    Shape in, out, weights, bias;
};

// Every op's parameters in one block laid out as Conv2D's table (ConvFields' order): a
// MaxPool2D's pool and stride fields are a conv's kernel and stride, a Pad's four pads a
// conv's (its value lands on act_min, where any int8 passes act_min <= act_max), a
// FullyConnected's activation range a conv's. What an op type lacks keeps the value that
// makes it a no-op: kernel and stride 1, no padding, the whole int8 range, no pool. One set of
// rules and one window sweep then check all four types.
enum Param : std::uint8_t {
    kKernelH, kKernelW, kStrideH, kStrideW, kPadTop, kPadBottom, kPadLeft, kPadRight,
    kActMin, kActMax, kPoolH, kPoolW, kPoolStrideH, kPoolStrideW, kParamCount
};
// Where field id 0 of each op type's table lands, by OpParams (schema/model.fbs union order).
constexpr std::uint8_t kParamsAt[] = {0, kKernelH, kKernelH, kActMin, kPadTop};
static_assert(int(OpParams::Conv2D) == 1 && int(OpParams::MaxPool2D) == 2 && int(OpParams::FullyConnected) == 3 &&
              int(OpParams::Pad) == 4 && OpParams::MAX == OpParams::Pad);
// Field id k of a table lands at kParamsAt[type] + k: the Conv2D field of the same meaning.
#define TINYDIGIT_LANDS_ON(Table, field, conv_field)                                                                \
    static_assert(model::Table::field + 2 * kParamsAt[int(OpParams::Table)] == model::Conv2D::conv_field,      \
                  #Table "." #field)
TINYDIGIT_LANDS_ON(MaxPool2D, VT_POOL_H, VT_KERNEL_H);
TINYDIGIT_LANDS_ON(MaxPool2D, VT_POOL_W, VT_KERNEL_W);
TINYDIGIT_LANDS_ON(MaxPool2D, VT_STRIDE_H, VT_STRIDE_H);
TINYDIGIT_LANDS_ON(MaxPool2D, VT_STRIDE_W, VT_STRIDE_W);
TINYDIGIT_LANDS_ON(Pad, VT_PAD_TOP, VT_PAD_TOP);
TINYDIGIT_LANDS_ON(Pad, VT_PAD_BOTTOM, VT_PAD_BOTTOM);
TINYDIGIT_LANDS_ON(Pad, VT_PAD_LEFT, VT_PAD_LEFT);
TINYDIGIT_LANDS_ON(Pad, VT_PAD_RIGHT, VT_PAD_RIGHT);
TINYDIGIT_LANDS_ON(Pad, VT_VALUE, VT_ACT_MIN);
TINYDIGIT_LANDS_ON(FullyConnected, VT_ACT_MIN, VT_ACT_MIN);
TINYDIGIT_LANDS_ON(FullyConnected, VT_ACT_MAX, VT_ACT_MAX);
#undef TINYDIGIT_LANDS_ON
// Param k is Conv2D's field id k (read_fields stores field id k at index k).
#define TINYDIGIT_PARAM_IS(param, conv_field) static_assert(4 + 2 * param == model::Conv2D::conv_field, #param)
TINYDIGIT_PARAM_IS(kKernelH, VT_KERNEL_H);
TINYDIGIT_PARAM_IS(kKernelW, VT_KERNEL_W);
TINYDIGIT_PARAM_IS(kStrideH, VT_STRIDE_H);
TINYDIGIT_PARAM_IS(kStrideW, VT_STRIDE_W);
TINYDIGIT_PARAM_IS(kPadTop, VT_PAD_TOP);
TINYDIGIT_PARAM_IS(kPadBottom, VT_PAD_BOTTOM);
TINYDIGIT_PARAM_IS(kPadLeft, VT_PAD_LEFT);
TINYDIGIT_PARAM_IS(kPadRight, VT_PAD_RIGHT);
TINYDIGIT_PARAM_IS(kActMin, VT_ACT_MIN);
TINYDIGIT_PARAM_IS(kActMax, VT_ACT_MAX);
TINYDIGIT_PARAM_IS(kPoolH, VT_POOL_H);
TINYDIGIT_PARAM_IS(kPoolW, VT_POOL_W);
TINYDIGIT_PARAM_IS(kPoolStrideH, VT_POOL_STRIDE_H);
TINYDIGIT_PARAM_IS(kPoolStrideW, VT_POOL_STRIDE_W);
#undef TINYDIGIT_PARAM_IS
static_assert(kParamCount == detail::kTableLayouts[detail::kConv2D].count);

// conv2d_scratch_bytes or fully_connected_scratch_bytes (scratch.hpp) of an op whose reduction
// (1..kMaxReductionLength) and channels are checked: the same sizes, in 32 bits (their guards
// and 64-bit arithmetic cost 60 bytes of Cortex-M code here). Channels are >= 1 and below 2^29:
// check_requant has matched them to a vector of int32 multipliers, which the structural
// verifier put inside a buffer of less than 2^31 bytes. So the sum is below 2^31 + 2^18.
constexpr std::uint32_t kMaxVerifiedChannels = (1u << 29) - 1;
constexpr std::uint32_t verified_scratch_bytes(bool conv, std::uint32_t reduction, std::int32_t channels) {
    return (conv ? 4u : 2u) * ((reduction + 63) & ~63u) + 4 * std::uint32_t(channels);
}
static_assert(verified_scratch_bytes(true, 25 * 32, 32) == conv2d_scratch_bytes(5, 5, 32, 32) &&
              verified_scratch_bytes(true, 65536, kMaxVerifiedChannels) ==
                  conv2d_scratch_bytes(1, 256, 256, kMaxVerifiedChannels) &&
              verified_scratch_bytes(true, 1, 1) == conv2d_scratch_bytes(1, 1, 1, 1) &&
              verified_scratch_bytes(false, 65536, kMaxVerifiedChannels) ==
                  fully_connected_scratch_bytes(65536, kMaxVerifiedChannels) &&
              verified_scratch_bytes(false, 65, 10) == fully_connected_scratch_bytes(65, 10));

// The rules of one operator (schema/model.fbs; engine/README.md's status table), in this order:
// - Conv2D and FullyConnected ("weighted"): constant weights, INT8, rank 4 (Conv2D) or 2, and a
//   constant bias, INT32, rank 1, both with zero point 0 (check_constant, at that tensor);
// - Conv2D, MaxPool2D and Pad ("window" ops): input and output of rank 3, [H, W, C];
// - kernel and stride >= 1, pads >= 0, act_min <= act_max, and with a fused pool (pool_h or
//   pool_w not 0) its window and stride >= 1, a Conv2D's pads below its kernel: kBadParameter;
// - weighted: bias [O]; Conv2D weights [O, kernel_h, kernel_w, input C], FC weights [O, input
//   element count] and an output of O elements; reduction length <= kMaxReductionLength;
// - window ops: each padded map (H + pads, W + pads) fits int32, or kBadParameter;
// - window ops: each window (the conv's, then a fused pool's) at most the extent it sweeps
//   (kKernelTooLarge); the output [swept H, swept W, O or input C];
// - MaxPool2D: input and output share the zero point;
// - weighted: the requantization (check_requant); `scratch` gets the op's scratch need.
template <typename Site>
Status check_op(const model::Model& m, const model::Operator& op, OpParams type, Operands& o, Site& site,
                std::uint32_t& scratch) {
    const bool weighted = type == OpParams::Conv2D || type == OpParams::FullyConnected;
    if (weighted) {
        for (std::uint32_t slot = 1; slot < 3; ++slot) {  // weights, then bias
            const bool bias = slot == 2;
            const std::int32_t index = detail::op_input(op, slot);
            site.at_tensor(index);
            if (Status s = check_constant(tensor(m, index),
                                          bias ? model::ElementType::INT32 : model::ElementType::INT8,
                                          bias ? 1 : type == OpParams::Conv2D ? 4 : 2, bias ? o.bias : o.weights);
                s != Status::kOk)
                return s;
        }
    }
    site.at_tensor(-1);  // the parameters concern the operator as a whole
    const bool window = type != OpParams::FullyConnected;  // Conv2D, MaxPool2D, Pad: [H, W, C] in and out
    if (window && (o.in.rank != 3 || o.out.rank != 3)) return Status::kShapeMismatch;

    std::int32_t p[kParamCount] = {};
    p[kKernelH] = p[kKernelW] = p[kStrideH] = p[kStrideW] = 1;
    p[kActMin] = -128;
    p[kActMax] = 127;
    detail::read_fields(detail::present(op.params()),
                        static_cast<std::uint8_t>(detail::kConv2D - 1 + static_cast<int>(type)),
                        p + kParamsAt[static_cast<int>(type)]);
    for (int k = kKernelH; k <= kPadRight; ++k)  // kernel and stride >= 1, pads >= 0
        if (p[k] < (k < kPadTop ? 1 : 0)) return Status::kBadParameter;
    if (p[kActMin] > p[kActMax]) return Status::kBadParameter;
    if (p[kPoolH] != 0 || p[kPoolW] != 0)  // a fused pool: its window and stride >= 1
        for (int k = kPoolH; k <= kPoolStrideW; ++k)
            if (p[k] < 1) return Status::kBadParameter;
    // A conv's pads stay below its kernel (the quantizer moves wider padding into a Pad op): a
    // pad of a kernel or more only adds output of zeros, and unbounded it would let a model of a
    // few hundred bytes make a conv and its fused pool sweep 2^30 rows per output row (hours of
    // run()). So bounded, a conv's work is bounded by its input and weights.
    if (type == OpParams::Conv2D)
        for (int k = kPadTop; k <= kPadRight; ++k)  // top, bottom against kernel_h; left, right kernel_w
            if (p[k] >= p[kKernelH + (k - kPadTop) / 2]) return Status::kBadParameter;

    const std::int32_t channels = weighted ? o.weights.dim[0] : o.in.dim[2];
    // Conv2D's weights are [O, KH, KW, I], FC's [O, I] (dimensions past the rank read 1).
    const std::int32_t reduction = weighted ? o.weights.dim[1] * o.weights.dim[2] * o.weights.dim[3] : 0;
    if (weighted) {
        if (o.bias.dim[0] != channels) return Status::kShapeMismatch;
        if (type == OpParams::Conv2D ? o.weights.dim[1] != p[kKernelH] || o.weights.dim[2] != p[kKernelW] ||
                                           o.weights.dim[3] != o.in.dim[2]
                                     : reduction != o.in.count || o.out.count != channels)
            return Status::kShapeMismatch;
        if (reduction > kMaxReductionLength) return Status::kReductionTooLong;
    }
    if (window) {
        bool swept_out = o.out.dim[2] == channels;  // the output is [swept H, swept W, channels]
        for (int axis = 0; axis < 2; ++axis) {  // rows, then columns
            // The padded map must fit int32: the kernels index its rows and columns (stride
            // times output row, minus the pad) and the conv map in int32, and in_h + pads
            // (< 3 * 2^31) would wrap even 32 unsigned bits. Each sweep only shrinks it.
            std::int32_t padded;
            if (__builtin_add_overflow(o.in.dim[axis], p[kPadTop + 2 * axis], &padded) ||
                __builtin_add_overflow(padded, p[kPadBottom + 2 * axis], &padded))
                return Status::kBadParameter;
            auto extent = std::uint32_t(padded);
            for (const int size_at : {kKernelH, kPoolH}) {  // the conv's window, then its fused pool's
                const std::int32_t size = p[size_at + axis], stride = p[size_at + 2 + axis];
                if (size == 0) continue;  // no pool
                if (std::uint32_t(size) > extent) return Status::kKernelTooLarge;
                extent = detail::sweep(extent, size, stride);
            }
            swept_out = swept_out && extent == std::uint32_t(o.out.dim[axis]);
        }
        if (!swept_out) return Status::kShapeMismatch;
    }
    if (type == OpParams::MaxPool2D &&
        detail::zero_point(detail::input_tensor(m, op, 0)) != detail::zero_point(detail::output_tensor(m, op)))
        return Status::kBadZeroPoint;
    if (weighted) {
        if (Status s = check_requant(op, channels); s != Status::kOk) return s;
        // A conv's reduction is kernel_h * kernel_w * in_channels (its weights' shape, checked).
        scratch = verified_scratch_bytes(type == OpParams::Conv2D, static_cast<std::uint32_t>(reduction), channels);
    }
    return Status::kOk;
}

// Op i (`op`, which the caller has looked up) with band_rows, or reading a windowed tensor: the
// consumer of a banded chain (rules in schema/model.fbs). Called after the op's own checks
// passed. first[in] == i - 1: op i - 1 wrote the window, so no earlier op read it (that op
// would have been refused kReadBeforeWrite); that no later op reads it verify() checks after
// the loop. A good chain's lifetimes are widened here (below). Out of line: 20 bytes less code
// than inlined into verify() (which would take 60 bytes off the load stack).
__attribute__((noinline)) Status check_band(const model::Model& m, const Operators& ops, std::uint32_t i,
                                            const model::Operator& op, const Operands& o, std::int8_t* first,
                                            std::int8_t* last) {
    const std::int32_t in = detail::op_input(op, 0);
    const std::int32_t band = op.band_rows(), window = tensor(m, in)->window_rows();
    if (i == 0 || band < 1 || window < 1 || op.params_type() != OpParams::Conv2D ||
        first[in] != static_cast<std::int32_t>(i) - 1 || detail::output_tensor(m, op)->window_rows() != 0 ||
        band > o.out.dim[0])
        return Status::kBadBand;
    const model::Operator& producer = *ops.Get(i - 1);
    if (producer.params_type() != OpParams::Conv2D || producer.band_rows() != 0) return Status::kBadBand;
    // check_op has kept both convs' pads below their kernels, so every band's input view is at
    // least one row. One 56-byte field block on the stack, the producer's then the consumer's.
    detail::ConvFields c = detail::conv_fields(producer);
    if (c.pool_h != 0) return Status::kBadBand;
    c = detail::conv_fields(op);
    // The input rows one band reads. 32-bit unsigned: with band <= the output's height, which
    // check_op matched to the sweep, each step is at most the extent it swept (the conv map,
    // then the padded input), and check_op bounded in_h + pads by int32.
    using U = std::uint32_t;
    const U conv_rows = c.pool_h > 0 ? U(band - 1) * U(c.pool_stride_h) + U(c.pool_h) : U(band);
    const U need = (conv_rows - 1) * U(c.stride_h) + U(c.kernel_h);
    if (U(window) < (need < U(o.in.dim[0]) ? need : U(o.in.dim[0]))) return Status::kBadBand;
    // The chain's two ops run interleaved: its input and output are alive during both. Later
    // readers of either only move `last` further (the caller sets the window's).
    last[detail::op_input(producer, 0)] = static_cast<std::int8_t>(i);
    first[detail::op_output(op)] = static_cast<std::int8_t>(i - 1);
    return Status::kOk;
}

unsigned expected_inputs(OpParams type) {
    return (type == OpParams::Conv2D || type == OpParams::FullyConnected) ? 3 : 1;
}

// Structure, indices, data flow and per-op rules, in execution order. Fills the lifetime of
// every activation: written by op first[t] (-1: the model input, alive from the start), last
// read by op last[t], or last[t] == first[t] when no op reads it (verify() makes the model
// output's n, alive to the end); a banded chain's ops widen both (check_band).
template <typename Site>
Status check_operators(const model::Model& m, const Operators& ops, std::int32_t n_tensors, std::uint32_t arena,
                       std::int8_t* first, std::int8_t* last, Site& site) {
    for (std::int32_t i = 0; i < static_cast<std::int32_t>(ops.size()); ++i) {
        const model::Operator& op = *ops.Get(static_cast<flatbuffers::uoffset_t>(i));
        site.at(i, -1);
        const OpParams type = op.params_type();
        // params itself is required: verify_structure refused a model without it.
        if (type == OpParams::NONE || type > OpParams::MAX) return Status::kUnknownOperator;
        const auto& inputs = *op.inputs();
        const auto& outputs = *op.outputs();
        if (inputs.size() != expected_inputs(type) || outputs.size() != 1) return Status::kBadOperator;
        for (auto index : inputs)
            if (!is_index(index, n_tensors)) return Status::kBadTensorIndex;
        const std::int32_t out_index = outputs.Get(0);
        if (!is_index(out_index, n_tensors)) return Status::kBadTensorIndex;
        const std::int32_t in_index = inputs.Get(0);
        for (const std::int32_t index : {in_index, out_index}) {
            site.at_tensor(index);
            if (!is_activation(tensor(m, index))) return Status::kBadTensorKind;
        }
        const model::Tensor* in_tensor = tensor(m, in_index);
        const model::Tensor* out_tensor = tensor(m, out_index);
        site.at_tensor(in_index);
        if (first[in_index] == kMaxOperators) return Status::kReadBeforeWrite;  // never written so far
        site.at_tensor(out_index);
        if (first[out_index] != kMaxOperators) return Status::kWrittenTwice;
        first[out_index] = last[out_index] = static_cast<std::int8_t>(i);  // a reader moves last on

        std::uint32_t scratch = 0;
        Operands o;  // weights and bias: filled for Conv2D and FC only, read only there
        o.in = shape_of(in_tensor);
        o.out = shape_of(out_tensor);
        if (Status s = check_op(m, op, type, o, site, scratch); s != Status::kOk) return s;
        if (op.band_rows() != 0 || in_tensor->window_rows() != 0)
            if (Status s = check_band(m, ops, static_cast<std::uint32_t>(i), op, o, first, last); s != Status::kOk)
                return s;
        last[in_index] = static_cast<std::int8_t>(i);
        const std::int32_t scratch_bytes = op.scratch_bytes();
        if (scratch_bytes < 0) return Status::kBadParameter;
        if (static_cast<std::uint32_t>(scratch_bytes) < scratch) return Status::kScratchTooSmall;
        if (scratch_bytes > 0)
            if (Status s = check_arena_region(op.scratch_offset(), static_cast<std::uint32_t>(scratch_bytes), arena);
                s != Status::kOk)
                return s;
    }
    return Status::kOk;
}

// Tensors alive during the same operator must not share bytes; nor may its scratch.
template <typename Site>
Status check_lifetimes(const model::Model& m, const Operators& ops, std::int32_t n_tensors, const std::int8_t* first,
                       const std::int8_t* last, Site& site) {
    // Never written: first[t] == kMaxOperators, past every op index.
    auto alive = [&](std::int32_t t, std::int32_t i) { return first[t] <= i && i <= last[t]; };
    for (std::int32_t i = 0; i < static_cast<std::int32_t>(ops.size()); ++i) {
        const model::Operator& op = *ops.Get(static_cast<flatbuffers::uoffset_t>(i));
        const std::int32_t in = detail::op_input(op, 0), out = detail::op_output(op);
        site.at(i, out);
        if (region_of(m, in).overlaps(region_of(m, out))) return Status::kAliasedOutput;
        const auto scratch_begin = static_cast<std::uint32_t>(op.scratch_offset());
        const auto scratch_bytes = static_cast<std::uint32_t>(op.scratch_bytes());  // >= 0, checked
        const Region scratch{scratch_begin, scratch_begin + scratch_bytes};
        for (std::int32_t a = 0; a < n_tensors; ++a) {
            if (!alive(a, i)) continue;
            const Region ra = region_of(m, a);
            site.at_tensor(a);
            if (scratch_bytes > 0 && ra.overlaps(scratch)) return Status::kScratchOverlap;
            for (std::int32_t b = a + 1; b < n_tensors; ++b)
                if (alive(b, i) && ra.overlaps(region_of(m, b))) return Status::kOverlap;
        }
    }
    return Status::kOk;
}

// Four characters as the little-endian word they make in a file: a tag compared in one load.
constexpr std::uint32_t tag_word(const char (&tag)[4]) {
    return std::uint32_t{std::uint8_t(tag[0])} | std::uint32_t{std::uint8_t(tag[1])} << 8 |
           std::uint32_t{std::uint8_t(tag[2])} << 16 | std::uint32_t{std::uint8_t(tag[3])} << 24;
}

Status check_footer(const std::uint8_t* data, std::size_t size) {
    if (size % 16 != 0 || size < kFooterBytes + 16) return Status::kBadFileLength;
    // 16-byte aligned (as the model and its size are): each word one little-endian load.
    const std::uint8_t* footer = data + size - kFooterBytes;
    auto le32 = [footer](std::size_t at) { return flatbuffers::ReadScalar<std::uint32_t>(footer + at); };
    if (le32(0) != tag_word(kFooterTag) || le32(4) != size || le32(12) != 0) return Status::kBadFileLength;
    if (le32(8) != crc32(data, size - kFooterBytes)) return Status::kBadChecksum;
    return Status::kOk;
}

}  // namespace

namespace {

template <typename Site>
Status verify(const std::uint8_t* data, std::size_t size, Site& site) {
    const model::Model& m = *model::GetModel(data);
    if (m.format_version() != 2 && m.format_version() != 3) return Status::kUnsupportedVersion;
    // The footer is checked after the version, so an older model is named as such; and before
    // the semantic checks, so a changed byte is reported as corruption, not as a bad graph.
    if (Status s = check_footer(data, size); s != Status::kOk) return s;

    const auto n_tensors = static_cast<std::int32_t>(detail::present(m.tensors())->size());
    const Operators& ops = *detail::present(m.operators());
    const std::uint32_t n_ops = ops.size();
    if (n_tensors > kMaxTensors || n_ops > static_cast<std::uint32_t>(kMaxOperators)) return Status::kTooLarge;
    if (n_ops == 0) return Status::kEmptyGraph;
    const std::uint32_t arena = detail::present(m.plan())->arena_bytes();
    // Op indices fit int8 (kMaxOperators = 64): 256 bytes of stack for the lifetimes.
    static_assert(kMaxOperators < 127);
    std::int8_t first[kMaxTensors];  // kMaxOperators = not written (yet)
    std::int8_t last[kMaxTensors];   // -1 = neither written nor read (yet)
    for (std::int32_t t = 0; t < n_tensors; ++t) {
        site.at_tensor(t);
        if (Status s = check_tensor(m, tensor(m, t), arena); s != Status::kOk) return s;
        first[t] = kMaxOperators;
        last[t] = -1;
    }
    site.at_tensor(-1);

    const std::int32_t in = m.input(), out = m.output();
    if (!is_index(in, n_tensors) || !is_index(out, n_tensors)) return Status::kBadTensorIndex;
    const auto* input = tensor(m, in);
    const auto* output = tensor(m, out);
    site.at_tensor(in);
    if (!is_activation(input) || detail::zero_point(input) != -128) return Status::kBadInputOutput;
    site.at_tensor(out);
    if (!is_activation(output)) return Status::kBadInputOutput;

    first[in] = -1;
    // Sets the site anew for each op (there is at least one), as check_lifetimes does.
    if (Status s = check_operators(m, ops, n_tensors, arena, first, last, site); s != Status::kOk) return s;
    site.at(-1, out);
    if (out == in || first[out] == kMaxOperators) return Status::kBadInputOutput;
    for (std::int32_t t = 0; t < n_tensors; ++t) {  // a window: read by the op after its writer, not the output
        if (tensor(m, t)->window_rows() > 0 && (t == out || last[t] != first[t] + 1)) {
            site.at_tensor(t);
            return Status::kBadBand;
        }
    }
    last[out] = static_cast<std::int8_t>(n_ops);
    return check_lifetimes(m, ops, n_tensors, first, last, site);
}

// Everything verify_model checks, with the site where it stopped.
template <typename Site>
Status check_model(const void* bytes, std::size_t size, Site& site) {
    if (bytes == nullptr) return Status::kNullArgument;
    if (reinterpret_cast<std::uintptr_t>(bytes) % 16 != 0) return Status::kMisalignedModel;
    const auto* data = static_cast<const std::uint8_t*>(bytes);
    // The structure walk takes sizes below 2^31 - 1, as FlatBuffers does; no model is that large.
    // The file identifier as one word, as FlatBuffers' BufferHasIdentifier compares it but
    // without its strncmp call (the model is 16-byte aligned).
    if (size < 8 || size >= 0x7fffffffu ||
        flatbuffers::ReadScalar<std::uint32_t>(data + 4) != tag_word(detail::kFileIdentifier))
        return Status::kNotAModel;
    // Called here, not from verify(): its frames then never stack on verify()'s.
    if (!detail::verify_structure(data, static_cast<std::uint32_t>(size))) return Status::kMalformedModel;
    return verify(data, size, site);
}
}  // namespace

}  // namespace tinydigit::engine
