// What the convolutions, BN, pooling and dropout compute in. Parameters, their gradients,
// Adam's moments, BN statistics, the dense layers and the logits are f32 in both precisions:
// bf16 halves the cost of the convolutions on CPUs with AVX-512 BF16 and keeps f32 master
// weights, so checkpoints are the same either way.
#pragma once

#include <optional>
#include <string_view>

namespace tinydigit::trainer {

enum class Precision { kF32, kBF16 };

constexpr std::string_view precision_name(Precision p) { return p == Precision::kBF16 ? "bf16" : "f32"; }

inline std::optional<Precision> precision_by_name(std::string_view name) {
    if (name == "f32") return Precision::kF32;
    if (name == "bf16") return Precision::kBF16;
    return std::nullopt;
}

}  // namespace tinydigit::trainer
