#include "tinydigit/trainer/dropout_layer.hpp"

#include "tinydigit/trainer/counter_rng.hpp"

namespace tinydigit::trainer {

using dnnl::memory;

DropoutLayer::DropoutLayer(Device& device, const memory::desc& src_desc, float rate)
    : device_(device), desc_(src_desc), rate_(rate), dst_(src_desc, device.engine),
      diff_src_(src_desc, device.engine) {
    // The mask has the activations' layout in f32, so mask element i scales physical element i.
    const memory::desc mask_desc = with_type(src_desc, memory::data_type::f32);
    mask_ = memory(mask_desc, device.engine);
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
    CounterRng rng(key_);
    float* mask = data_of(mask_);
    const std::size_t n = element_count(mask_);
    for (std::size_t i = 0; i < n; i += 4) {
        std::uint64_t bits = rng.next();
        for (std::size_t j = i; j < i + 4 && j < n; ++j, bits >>= 16) {
            mask[j] = (bits & 0xFFFFu) >= threshold ? keep_scale : 0.0f;
        }
    }
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
