#include "tinydigit/trainer/dropout_layer.hpp"

#include <array>

#include "tinydigit/trainer/counter_rng.hpp"
#include "tinydigit/trainer/thread_ranges.hpp"

namespace tinydigit::trainer {

using dnnl::memory;

namespace {

// Mask elements 4 q .. 4 q + 3 from draw q + 1 of the stream, 16 bits each (the i-th draw is
// a pure function of i, so threads fill disjoint parts and get the mask a serial loop would).
// Cloned per instruction set: AVX-512 has the 64-bit multiplies of the hash as vector
// instructions. Serial and scalar this took about 1.1 ms of a 25 ms bf16 step at batch 32 (Zen4).
[[gnu::target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")]]
void fill_mask(float* __restrict mask, std::uint64_t key, std::size_t first_draw, std::size_t draws,
               std::uint32_t threshold, float keep_scale) {
    for (std::size_t q = 0; q < draws; ++q) {
        const std::uint64_t bits = CounterRng::draw(key, first_draw + q + 1);
        for (std::size_t j = 0; j < 4; ++j) {
            mask[4 * q + j] = ((bits >> (16 * j)) & 0xFFFFu) >= threshold ? keep_scale : 0.0f;
        }
    }
}

}  // namespace

DropoutLayer::DropoutLayer(Device& device, const memory::desc& src_desc, float rate)
    : device_(device), desc_(src_desc), rate_(rate), dst_(src_desc, device.engine),
      diff_src_(src_desc, device.engine) {
    // The mask has the activations' layout in f32, so mask element i scales physical element i.
    // It is drawn in their logical (row-major NCHW) order and reordered into that layout where
    // it differs: which activations drop depends on the key, not on the layout the layers
    // before chose (f32 and bf16 networks, channels-last around the own Winograd convs).
    const memory::desc mask_desc = with_type(src_desc, memory::data_type::f32);
    mask_ = memory(mask_desc, device.engine);
    const memory::desc logical = plain_desc(src_desc.dims());
    drawn_mask_ = logical == mask_desc ? mask_ : memory(logical, device.engine);
    const dnnl::binary::primitive_desc apply_pd({dnnl::algorithm::binary_mul, src_desc, mask_desc, src_desc},
                                                device.engine);
    check_implementation(device, apply_pd, "dropout " + dims_text(src_desc));
    apply_ = dnnl::binary(apply_pd);
}

const memory& DropoutLayer::forward(const memory& src, Mode mode) {
    if (mode != Mode::kTrain || rate_ <= 0.0f) return src;
    // Four 16-bit uniforms per 64-bit draw; a rate's resolution of 2^-16 is plenty.
    const auto threshold = static_cast<std::uint32_t>(rate_ * 65536.0f);
    const float keep_scale = 1.0f / (1.0f - rate_);
    float* mask = data_of(drawn_mask_);
    const std::size_t n = element_count(drawn_mask_), whole_draws = n / 4;
    for_each_thread_range(std::array{whole_draws}, [&](std::size_t, std::size_t begin, std::size_t end) {
        fill_mask(mask + 4 * begin, key_, begin, end - begin, threshold, keep_scale);
    });
    std::uint64_t bits = CounterRng::draw(key_, whole_draws + 1);
    for (std::size_t j = 4 * whole_draws; j < n; ++j, bits >>= 16) {
        mask[j] = (bits & 0xFFFFu) >= threshold ? keep_scale : 0.0f;
    }
    if (drawn_mask_ != mask_) reorder_into(device_, drawn_mask_, mask_);
    multiply(src, dst_);
    return dst_;
}

const memory& DropoutLayer::backward(const memory& diff_dst) {
    if (rate_ <= 0.0f) return diff_dst;
    multiply(diff_dst, diff_src_);
    return diff_src_;
}

void DropoutLayer::multiply(const memory& in, const memory& out) {
    apply_.execute(device_.stream, {{DNNL_ARG_SRC_0, in}, {DNNL_ARG_SRC_1, mask_}, {DNNL_ARG_DST, out}});
}

}  // namespace tinydigit::trainer
