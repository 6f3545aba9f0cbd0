// Engine: load (verify once), bind the arena, run the operators in order with no checks.
#include "tinydigit/engine/engine.hpp"

#include <cstring>

#include "decode.hpp"
#include "tinydigit/engine/scratch.hpp"

namespace tinydigit::engine {

Status Engine::load(const void* model, std::size_t size) noexcept { return load(model, size, default_kernels()); }

Status Engine::load(const void* model, std::size_t size, const KernelSet& kernels) noexcept {
    *this = Engine{};
    if (Status s = verify_model(model, size); s != Status::kOk) return s;
    const model::Model* m = model::GetModel(model);
    model_ = m;
    kernels_ = &kernels;
    const auto* in = detail::tensor(*m, m->input());
    const auto* out = detail::tensor(*m, m->output());
    output_offset_ = out->arena_offset();
    input_count_ = static_cast<std::uint32_t>(detail::shape_of(in).count);
    output_count_ = static_cast<std::uint32_t>(detail::shape_of(out).count);
    arena_bytes_ = static_cast<std::uint32_t>(detail::present(m->plan())->arena_bytes());
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
    // Host sets may need more scratch than the plan gives an op: the largest such need goes
    // after the planned arena, 64-byte aligned (microcontroller builds have no such set).
    // A set that keeps packed conv weights gets them after that, in operator order, each
    // 64-byte aligned (packed at bind: see packed_offset).
    if (!kernels.fits_planned_scratch) {
        std::uint64_t extension = 0, packed = 0;
        for (int i = 0; i < operator_count(); ++i) {
            const model::Operator& op = *m->operators()->Get(static_cast<flatbuffers::uoffset_t>(i));
            std::uint64_t need = 0;
            if (op.params_type() == model::OpParams::Conv2D) {
                const Conv2DParams p = detail::decode_conv2d(*m, op);
                need = kernels.conv2d_scratch_bytes(p);
                if (kernels.conv2d_packed_bytes) packed += round_up(kernels.conv2d_packed_bytes(p), 64);
            } else if (op.params_type() == model::OpParams::FullyConnected) {
                need = kernels.fully_connected_scratch_bytes(detail::decode_fully_connected(*m, op));
            }
            if (need <= static_cast<std::uint64_t>(op.scratch_bytes())) continue;
            extended_ops_ |= std::uint64_t{1} << i;
            if (need > extension) extension = need;
        }
        std::uint64_t total = round_up(arena_bytes_, 64);
        extension_offset_ = static_cast<std::uint32_t>(total);  // total < 2^32: the plan is a uint32
        total += round_up(extension, 64);
        packed_offset_ = static_cast<std::uint32_t>(total);  // checked below with the end
        total += packed;
        if (total > 0xffffffffu) {
            *this = Engine{};
            return Status::kTooLarge;
        }
        if (extension > 0 || packed > 0) arena_bytes_ = static_cast<std::uint32_t>(total);
    }
#endif
    return Status::kOk;
}

std::uint32_t Engine::arena_bytes() const noexcept { return model_ ? arena_bytes_ : 0; }

const KernelSet& Engine::kernels() const noexcept {
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
    if (plan_only_) return portable_kernels();
#endif
    return *kernels_;
}

Status Engine::bind_arena(void* arena, std::size_t size) noexcept {
    if (model_ == nullptr) return Status::kNotLoaded;
    if (arena == nullptr) return Status::kNullArgument;
    if (reinterpret_cast<std::uintptr_t>(arena) % kArenaAlignment != 0) return Status::kMisalignedArena;
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
    // An arena of the model's plan but without the host extension (e.g. sized by a
    // model_to_c header) still runs: with the portable kernels, bit-identical, slower.
    const std::size_t plan = model_->plan()->arena_bytes();
    if (size < plan) return Status::kArenaTooSmall;
    plan_only_ = size < arena_bytes_;
#else
    if (size < arena_bytes_) return Status::kArenaTooSmall;
#endif
    arena_ = static_cast<std::uint8_t*>(arena);
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
    if (!plan_only_ && kernels_->conv2d_pack)
        for (int i = 0; i < operator_count(); ++i) {
            const model::Operator& op = operator_at(i);
            if (op.params_type() == model::OpParams::Conv2D)
                kernels_->conv2d_pack(detail::decode_conv2d(*model_, op), arena_ + packed_offset(i));
        }
#endif
    const std::uint32_t view = layer_view_arena_bytes();
    view_offset_ = view > arena_bytes_ && size >= view ? static_cast<std::uint32_t>(round_up(arena_bytes_, 16)) : 0;
    return Status::kOk;
}

#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
// Where op `index`'s packed weights start: after those of the convs before it (recomputed
// rather than kept in a table: the Engine is a fixed small object, see c_api.h; run() keeps a
// running offset instead).
std::uint64_t Engine::packed_offset(int index) const noexcept {
    std::uint64_t at = packed_offset_;
    for (int i = 0; i < index; ++i) {
        const model::Operator& op = operator_at(i);
        if (op.params_type() == model::OpParams::Conv2D)
            at += round_up(kernels_->conv2d_packed_bytes(detail::decode_conv2d(*model_, op)), 64);
    }
    return at;
}
#endif

std::uint32_t Engine::layer_view_arena_bytes() const noexcept {
    if (model_ == nullptr) return 0;
    std::uint32_t largest = 0;
    for (const model::Tensor* t : *detail::present(model_->tensors())) {
        if (t->window_rows() <= 0) continue;
        const auto bytes = static_cast<std::uint32_t>(detail::shape_of(t).count);
        largest = bytes > largest ? bytes : largest;
    }
    // Past 4 GiB no arena can be bound: report the plan, and no layer view is ever used.
    const std::uint64_t total = round_up(arena_bytes_, 16) + largest;
    return largest == 0 || total > 0xffffffffu ? arena_bytes_ : static_cast<std::uint32_t>(total);
}

std::int8_t* Engine::activation(std::int32_t tensor_index) const noexcept {
    const model::Tensor* t = detail::tensor(*model_, tensor_index);
    return reinterpret_cast<std::int8_t*>(
        arena_ + (view_offset_ != 0 && t->window_rows() > 0 ? view_offset_ : static_cast<std::uint32_t>(t->arena_offset())));
}

std::size_t Engine::input_size() const noexcept { return input_count_; }
std::size_t Engine::output_size() const noexcept { return output_count_; }

Status Engine::set_input_pixels(const std::uint8_t* pixels, std::size_t count) noexcept {
    if (arena_ == nullptr) return model_ ? Status::kArenaNotBound : Status::kNotLoaded;
    if (pixels == nullptr) return Status::kNullArgument;
    if (count != input_count_) return Status::kSizeMismatch;
    std::int8_t* dst = activation(model_->input());  // never a window
    for (std::size_t i = 0; i < count; ++i) dst[i] = static_cast<std::int8_t>(pixels[i] - 128);
    return Status::kOk;
}

Status Engine::set_input(const std::int8_t* values, std::size_t count) noexcept {
    if (arena_ == nullptr) return model_ ? Status::kArenaNotBound : Status::kNotLoaded;
    if (values == nullptr) return Status::kNullArgument;
    if (count != input_count_) return Status::kSizeMismatch;
    std::int8_t* dst = activation(model_->input());  // never a window
    for (std::size_t i = 0; i < count; ++i) dst[i] = values[i];
    return Status::kOk;
}

int Engine::operator_count() const noexcept { return model_ ? static_cast<int>(model_->operators()->size()) : 0; }

// Out of line: one call where each FlatBuffers lookup inlines to a dozen bytes.
__attribute__((noinline)) const model::Operator& Engine::operator_at(int index) const noexcept {
    return *model_->operators()->Get(static_cast<flatbuffers::uoffset_t>(index));
}

void* Engine::scratch([[maybe_unused]] int index, const model::Operator& op) const noexcept {
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
    if (!plan_only_ && (extended_ops_ >> index & 1) != 0) return arena_ + extension_offset_;
#endif
    return op.scratch_bytes() > 0 ? arena_ + op.scratch_offset() : nullptr;
}

// A conv's parameters; with a set that keeps packed weights, they are at packed_at, which
// moves past them (ops run in order, so run() keeps one running offset).
Conv2DParams Engine::conv_params(const model::Operator& op, [[maybe_unused]] std::uint64_t& packed_at) const noexcept {
    Conv2DParams p = detail::decode_conv2d(*model_, op);
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
    if (!plan_only_ && kernels_->conv2d_pack) {
        p.packed = arena_ + packed_at;
        packed_at += round_up(kernels_->conv2d_packed_bytes(p), 64);
    }
#endif
    return p;
}

// Op `index` as the plan says, or, when the arena has the layer view, whole with windowed
// tensors in the view. The plan runs a banded chain at its second op (packed_at then still at
// the first op's weights), in bands of its output rows: per band, the producer (op index - 1)
// first computes the window rows the band needs and does not have yet, after the rows still
// needed moved to the window's start (the verifier sized the window for one band's rows).
void Engine::step(int index, std::uint64_t& packed_at) noexcept {
    const model::Model& m = *model_;
    const auto& ops = *m.operators();
    const model::Operator& op = *ops.Get(static_cast<flatbuffers::uoffset_t>(index));
    std::int32_t band = 0;  // > 0: the chain ending here, in bands of that many output rows
    if (view_offset_ == 0) {
        const auto next = static_cast<flatbuffers::uoffset_t>(index + 1);
        if (next < ops.size() && ops.Get(next)->band_rows() > 0) return;  // runs in op index + 1
        band = op.band_rows();
    }
    std::int8_t* in = activation(detail::op_input(op, 0));
    std::int8_t* out = activation(detail::op_output(op));
    void* scratch = this->scratch(index, op);
    const KernelSet& k = kernels();
    switch (op.params_type()) {
        case model::OpParams::Conv2D: break;
        case model::OpParams::FullyConnected: return k.fully_connected(detail::decode_fully_connected(m, op), in, out, scratch);
        case model::OpParams::MaxPool2D: return k.max_pool2d(detail::decode_max_pool2d(m, op), in, out);
        case model::OpParams::Pad: return k.pad(detail::decode_pad(m, op), in, out);
        default: __builtin_unreachable();  // load() rejected every other type
    }
    if (band == 0) return k.conv2d(conv_params(op, packed_at), in, out, scratch);
    const model::Operator& producer = operator_at(index - 1);
    Conv2DParams pp = conv_params(producer, packed_at), cp = conv_params(op, packed_at);
    const std::int8_t* producer_in = activation(detail::op_input(producer, 0));
    // row_band narrows in_h and pad_top: the whole maps' are kept here.
    const std::int32_t out_h = cp.out_h;
    const std::int32_t producer_in_h = pp.in_h, producer_pad = pp.pad_top, window_h = cp.in_h, consumer_pad = cp.pad_top;
    void* producer_scratch = this->scratch(index - 1, producer);
    std::int8_t* const window = in;  // op index - 1 writes it, op index reads it
    std::int32_t base = 0, have = 0;  // the window holds producer output rows [base, have)
    const std::int32_t row = cp.in_w * cp.in_c;  // < 2^31: a tensor's bytes (verified)
    for (std::int32_t o0 = 0; o0 < out_h; o0 += band) {
        const std::int32_t o1 = out_h - o0 > band ? o0 + band : out_h;
        std::int32_t first, end;  // row_band sets both
        detail::row_band(cp, window_h, consumer_pad, o0, o1, first, end);
        if (first > base) {
            if (have > first)
                std::memmove(window, window + (first - base) * row, static_cast<std::size_t>((have - first) * row));
            else
                have = first;
            base = first;
        }
        if (end > have) {
            std::int32_t from, to;
            detail::row_band(pp, producer_in_h, producer_pad, have, end, from, to);
            k.conv2d(pp, producer_in + from * pp.in_w * pp.in_c, window + (have - base) * row, producer_scratch);
            have = end;
        }
        k.conv2d(cp, window + (first - base) * row, out + o0 * cp.out_w * cp.out_c, scratch);
    }
}

Status Engine::run_operator(int index) noexcept {
    if (arena_ == nullptr) return model_ ? Status::kArenaNotBound : Status::kNotLoaded;
    if (static_cast<unsigned>(index) >= static_cast<unsigned>(operator_count())) return Status::kBadParameter;  // < 0 too
    std::uint64_t packed_at = 0;
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
    // A banded chain runs at its second op, from the first op's packed weights.
    const bool chain = view_offset_ == 0 && operator_at(index).band_rows() > 0;
    if (!plan_only_ && kernels_->conv2d_pack) packed_at = packed_offset(chain ? index - 1 : index);
#endif
    step(index, packed_at);
    return Status::kOk;
}

Status Engine::run() noexcept {
    if (arena_ == nullptr) return model_ ? Status::kArenaNotBound : Status::kNotLoaded;
    std::uint64_t packed_at = 0;
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
    packed_at = packed_offset_;
#endif
    const int n = operator_count();
    for (int i = 0; i < n; ++i) step(i, packed_at);
    return Status::kOk;
}

const std::int8_t* Engine::output() const noexcept {
    return arena_ ? reinterpret_cast<const std::int8_t*>(arena_ + output_offset_) : nullptr;
}

int Engine::argmax() const noexcept {
    const std::int8_t* logits = output();
    if (logits == nullptr) return -1;
    int best = 0;
    for (std::uint32_t i = 1; i < output_count_; ++i)
        if (logits[i] > logits[best]) best = static_cast<int>(i);
    return best;
}

const std::int8_t* Engine::tensor_data(int tensor_index) const noexcept {
    if (arena_ == nullptr) return nullptr;
    if (static_cast<std::uint32_t>(tensor_index) >= detail::present(model_->tensors())->size())  // < 0 too
        return nullptr;
    const auto* t = detail::tensor(*model_, tensor_index);
    if (t->arena_offset() < 0 || (t->window_rows() > 0 && view_offset_ == 0)) return nullptr;
    return activation(tensor_index);
}

}  // namespace tinydigit::engine
