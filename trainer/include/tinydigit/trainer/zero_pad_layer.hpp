// Explicit zero padding of H and W. The architecture folds ZeroPad into the next conv's padding,
// but oneDNN 2.6 has no JIT backward-weights kernel for padding wider than kernel / 2 (it falls
// back to the reference kernel, ~100x slower), so that excess is applied here instead: a
// reorder into the interior of a zeroed, larger buffer in the same layout. Same arithmetic.
#pragma once

#include "tinydigit/trainer/layer.hpp"

namespace tinydigit::trainer {

class ZeroPadLayer : public Layer {
public:
    ZeroPadLayer(Device& device, const dnnl::memory::desc& src_desc, int padding);
    const dnnl::memory::desc& dst_desc() const override { return dst_desc_; }
    const dnnl::memory& forward(const dnnl::memory& src, Mode mode) override;
    const dnnl::memory& backward(const dnnl::memory& diff_dst) override;

private:
    Device& device_;
    dnnl::memory::desc dst_desc_, interior_desc_;
    dnnl::memory dst_, dst_interior_, diff_src_;
    dnnl::reorder pad_, unpad_;
};

}  // namespace tinydigit::trainer
