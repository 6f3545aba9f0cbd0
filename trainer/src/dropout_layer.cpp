#include "tinydigit/trainer/dropout_layer.hpp"

#include "tinydigit/trainer/counter_rng.hpp"

namespace tinydigit::trainer {

using dnnl::memory;

DropoutLayer::DropoutLayer(Device& device, const memory::desc& src_desc, float rate)
    : desc_(src_desc), rate_(rate), dst_(src_desc, device.engine), diff_src_(src_desc, device.engine) {
    mask_.resize(src_desc.get_size() / sizeof(float));
}

const memory& DropoutLayer::forward(const memory& src, Mode mode) {
    if (mode != Mode::kTrain || rate_ <= 0.0f) return src;
    // Four 16-bit uniforms per 64-bit draw; a rate's resolution of 2^-16 is plenty.
    const auto threshold = static_cast<std::uint32_t>(rate_ * 65536.0f);
    const float keep_scale = 1.0f / (1.0f - rate_);
    CounterRng rng(key_);
    const std::size_t n = mask_.size();
    for (std::size_t i = 0; i < n; i += 4) {
        std::uint64_t bits = rng.next();
        for (std::size_t j = i; j < i + 4 && j < n; ++j, bits >>= 16) {
            mask_[j] = (bits & 0xFFFFu) >= threshold ? keep_scale : 0.0f;
        }
    }
    const float* in = data_of(src);
    float* out = data_of(dst_);
    for (std::size_t i = 0; i < n; ++i) out[i] = in[i] * mask_[i];
    return dst_;
}

const memory& DropoutLayer::backward(const memory& diff_dst) {
    if (rate_ <= 0.0f) return diff_dst;
    const float* in = data_of(diff_dst);
    float* out = data_of(diff_src_);
    for (std::size_t i = 0; i < mask_.size(); ++i) out[i] = in[i] * mask_[i];
    return diff_src_;
}

}  // namespace tinydigit::trainer
