// The padded-conv network of architecture.hpp as a chain of oneDNN layers for one batch size.
// Parameters live in the layouts the primitives chose; to_user()/from_user() convert at the
// boundary (checkpoints, other batch sizes).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tinydigit/trainer/architecture.hpp"
#include "tinydigit/trainer/bn_relu_layer.hpp"
#include "tinydigit/trainer/cpu_isa.hpp"
#include "tinydigit/trainer/dropout_layer.hpp"
#include "tinydigit/trainer/layer.hpp"

namespace tinydigit::trainer {

class Network {
public:
    // bf16 needs a CPU with AVX-512 (oneDNN 2.6 has no bf16 training kernels below it);
    // throws std::runtime_error otherwise.
    Network(const Architecture& arch, int batch, Precision precision = Precision::kF32);
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    const Architecture& architecture() const { return arch_; }
    int batch() const { return batch_; }
    // Memories passed to to_user()/from_user() must belong to this engine.
    const dnnl::engine& engine() const { return device_.engine; }
    // batch x 1 x 28 x 28 floats, pixel / 255; fill before forward().
    float* input() { return data_of(input_); }
    // Returns batch x kClasses logits. dropout_key seeds this batch's masks (training only).
    const float* forward(Mode mode, std::uint64_t dropout_key = 0);
    // diff_logits: batch x kClasses, d(loss)/d(logits). Overwrites every parameter's grad.
    void backward(const float* diff_logits);

    // Precise BN: between these calls, forward(Mode::kStatistics) passes over full batches
    // accumulate each BN layer's population mean and variance; the end installs them as the
    // running statistics.
    void begin_bn_statistics();
    void end_bn_statistics();

    // The primitives oneDNN could only give a reference implementation on this CPU (empty
    // when every one has a JIT kernel), as "conv1 backward-weights (ref:any)".
    const std::vector<std::string>& reference_fallbacks() const { return device_.reference_fallbacks; }

    const std::vector<Parameter*>& parameters() const { return parameters_; }
    const std::vector<Buffer>& buffers() const { return buffers_; }
    // Glorot-uniform kernels, zero biases, BN gamma 1 / beta 0 (Keras defaults), from `seed`.
    void initialize(std::uint64_t seed);

    // Activations of the last forward() at the quantization points: conv1..conv6 (after BN +
    // ReLU), pool1..pool3, dense1 (after ReLU), dense2 (logits).
    struct Tap {
        std::string name;
        const dnnl::memory* memory;
    };
    const std::vector<Tap>& taps() const { return taps_; }

    // Conversions between a memory in a primitive's layout and the plain layout `user`.
    std::vector<float> to_user(const dnnl::memory& m, const dnnl::memory::desc& user);
    void from_user(std::span<const float> values, const dnnl::memory::desc& user, const dnnl::memory& m);

private:
    Architecture arch_;
    int batch_;
    Device device_;
    dnnl::memory input_;
    std::vector<std::unique_ptr<Layer>> layers_;
    std::size_t first_conv_ = 0;
    std::vector<DropoutLayer*> dropouts_;
    std::vector<BnReluLayer*> batch_norms_;
    std::vector<Parameter*> parameters_;
    std::vector<Buffer> buffers_;
    std::vector<Tap> taps_;
    std::vector<std::size_t> tap_layer_;  // index into layers_ of each tap's layer
    std::vector<const dnnl::memory*> outputs_;  // per layer, from the last forward()
    dnnl::memory diff_logits_;
};

}  // namespace tinydigit::trainer
