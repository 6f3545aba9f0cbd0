// The float helpers (kept in their own file so firmware that never calls them links no
// float code): dequantized logits s * (q - z) and their softmax.
#include <cmath>

#include "decode.hpp"
#include "tinydigit/engine/engine.hpp"

namespace tinydigit::engine {

Status Engine::dequantized_logits(float* out, std::size_t count) const noexcept {
    const std::int8_t* logits = output();
    if (logits == nullptr) return model_ ? Status::kArenaNotBound : Status::kNotLoaded;
    if (out == nullptr) return Status::kNullArgument;
    if (count != output_count_) return Status::kSizeMismatch;
    const auto* t = detail::tensor(*model_, model_->output());
    const auto* scales = t->quantization()->scale();
    const float scale = (scales != nullptr && scales->size() > 0) ? scales->Get(0) : 1.0f;
    const std::int32_t zero = detail::zero_point(t);
    for (std::size_t i = 0; i < count; ++i) out[i] = scale * static_cast<float>(logits[i] - zero);
    return Status::kOk;
}

Status Engine::probabilities(float* out, std::size_t count) const noexcept {
    if (Status s = dequantized_logits(out, count); s != Status::kOk) return s;
    float top = out[0];
    for (std::size_t i = 1; i < count; ++i) top = out[i] > top ? out[i] : top;
    float sum = 0.0f;
    for (std::size_t i = 0; i < count; ++i) {
        out[i] = std::exp(out[i] - top);
        sum += out[i];
    }
    for (std::size_t i = 0; i < count; ++i) out[i] /= sum;
    return Status::kOk;
}

}  // namespace tinydigit::engine
