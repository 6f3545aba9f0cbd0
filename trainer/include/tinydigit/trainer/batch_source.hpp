// Training batches prepared on a background thread (gather, scale to [0, 1], random affine)
// while the previous batch trains. Every batch depends only on (seed, epoch, batch index).
#pragma once

#include <cstdint>
#include <future>
#include <vector>

#include "tinydigit/host/dataset/images.hpp"

namespace tinydigit::trainer {

struct Batch {
    std::vector<float> pixels;  // size x 784, in [0, 1]
    std::vector<std::uint8_t> labels;
};

class BatchSource {
public:
    // `order` lists the image indices of the epoch; batch b is order[b * size .. (b+1) * size).
    BatchSource(const dataset::Images& data, std::vector<std::size_t> order, std::size_t size, std::uint64_t seed,
                int epoch, bool augment);
    ~BatchSource();
    std::size_t batches() const { return order_.size() / size_; }
    // Batch b (call with b = 0, 1, 2, ... in order); starts preparing b + 1.
    Batch get(std::size_t b);

private:
    Batch prepare(std::size_t b) const;

    const dataset::Images& data_;
    std::vector<std::size_t> order_;
    std::size_t size_;
    std::uint64_t seed_;
    int epoch_;
    bool augment_;
    std::future<Batch> next_;
};

}  // namespace tinydigit::trainer
