// Inverted dropout (oneDNN 2.6 has no dropout primitive): in training each element is kept
// with probability 1 - rate and scaled by 1 / (1 - rate); in evaluation it is the identity.
// Masks are elementwise, so they are applied in whatever layout and precision the activations
// have (a oneDNN binary multiply); the randomness comes from a key set per batch
// (see counter_rng.hpp).
#pragma once

#include <cstdint>

#include "tinydigit/trainer/layer.hpp"

namespace tinydigit::trainer {

class DropoutLayer : public Layer {
public:
    DropoutLayer(Device& device, const dnnl::memory::desc& src_desc, float rate);
    const dnnl::memory::desc& dst_desc() const override { return desc_; }
    // The key of the next training forward's mask.
    void set_key(std::uint64_t key) { key_ = key; }
    const dnnl::memory& forward(const dnnl::memory& src, Mode mode) override;
    const dnnl::memory& backward(const dnnl::memory& diff_dst) override;

private:
    void multiply(const dnnl::memory& in, const dnnl::memory& out);  // out = in * mask

    Device& device_;
    dnnl::memory::desc desc_;
    float rate_;
    std::uint64_t key_ = 0;
    dnnl::memory mask_;  // f32, 0 or 1 / (1 - rate) per physical element
    dnnl::memory drawn_mask_;  // the mask in row-major NCHW order (mask_ where that is its layout)
    dnnl::binary apply_;
    dnnl::memory dst_, diff_src_;
};

}  // namespace tinydigit::trainer
