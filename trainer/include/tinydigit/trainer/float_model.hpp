// Evaluation-mode float inference from a checkpoint: BN with running statistics, no dropout.
// The quantizer's reference for calibration and for comparing int8 results.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tinydigit/host/training/checkpoint.hpp"
#include "tinydigit/trainer/network.hpp"

namespace tinydigit::trainer {

class FloatModel {
public:
    // Throws CheckpointError for an unknown architecture or tensors that do not fit it.
    // threads > 0 sets the number of OpenMP threads oneDNN uses (process-wide).
    explicit FloatModel(const CheckpointData& checkpoint, int threads = 0);
    ~FloatModel();

    const Architecture& architecture() const { return arch_; }
    // n x 10 logits for n 28x28 images (pixels 0..255, row-major), input scaled by 1/255.
    std::vector<float> logits(const std::uint8_t* pixels, std::size_t n);
    // Float activations at every quantization point, NHWC (n x H x W x C; n x units for the
    // dense layers): conv1..conv6 (after BN + ReLU, before pooling), pool1..pool3, dense1
    // (after ReLU), dense2 (logits).
    std::map<std::string, std::vector<float>> activations(const std::uint8_t* pixels, std::size_t n);

private:
    // Runs chunks of at most kChunk images; `visit(net, first, count)` reads each chunk's results.
    template <typename Visit>
    void run(const std::uint8_t* pixels, std::size_t n, Visit visit);
    Network& network_for(int batch);

    static constexpr int kChunk = 128;
    Architecture arch_;
    std::vector<NamedTensor> params_, buffers_;
    std::map<int, std::unique_ptr<Network>> networks_;
};

// Fills a network's input with images 0..count-1 (pixel / 255) and zeros the remaining slots.
void set_input(Network& net, const std::uint8_t* pixels, std::size_t count);

}  // namespace tinydigit::trainer
