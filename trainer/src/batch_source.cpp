#include "tinydigit/trainer/batch_source.hpp"

#include "tinydigit/host/training/augment.hpp"
#include "tinydigit/trainer/counter_rng.hpp"

namespace tinydigit::trainer {

BatchSource::BatchSource(const dataset::Images& data, std::vector<std::size_t> order, std::size_t size,
                         std::uint64_t seed, int epoch, bool augment)
    : data_(data), order_(std::move(order)), size_(size), seed_(seed), epoch_(epoch), augment_(augment) {
    if (batches() > 0) next_ = std::async(std::launch::async, [this] { return prepare(0); });
}

BatchSource::~BatchSource() {
    if (next_.valid()) next_.wait();
}

Batch BatchSource::get(std::size_t b) {
    Batch current = next_.get();
    if (b + 1 < batches()) next_ = std::async(std::launch::async, [this, b] { return prepare(b + 1); });
    return current;
}

Batch BatchSource::prepare(std::size_t b) const {
    constexpr std::size_t kPixels = dataset::kPixels;
    Batch batch{std::vector<float>(size_ * kPixels), std::vector<std::uint8_t>(size_)};
    for (std::size_t i = 0; i < size_; ++i) {
        const std::size_t index = order_[b * size_ + i];
        const std::uint8_t* src = data_.image(index);
        float* dst = batch.pixels.data() + i * kPixels;
        for (std::size_t p = 0; p < kPixels; ++p) dst[p] = static_cast<float>(src[p]) / 255.0f;
        batch.labels[i] = data_.labels[index];
    }
    if (augment_) {
        augment_batch(batch.pixels.data(), batch.pixels.data(), size_,
                      stream_key(seed_, static_cast<std::uint64_t>(epoch_), b, Purpose::kAugment));
    }
    return batch;
}

}  // namespace tinydigit::trainer
