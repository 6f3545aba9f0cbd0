// The seed network's forward pass as a chain of oneDNN primitives (conv + bias + ReLU, max
// pool, inner product), in fp32 or int8 (u8 activations, s8 weights), batch 1. Weights are
// random: this exists to time oneDNN on the same shapes as the engine, not to classify.
#pragma once

#include <memory>

namespace tinydigit::bench {

class OnednnSeedNet {
public:
    enum class Precision { kF32, kInt8 };
    explicit OnednnSeedNet(Precision precision);
    ~OnednnSeedNet();
    void run();              // one inference on the stored input
    const char* implementations() const;  // the primitive kernels oneDNN picked

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The instruction set oneDNN's JIT kernels use on this CPU (after ONEDNN_MAX_CPU_ISA).
const char* onednn_isa_name();

}  // namespace tinydigit::bench
