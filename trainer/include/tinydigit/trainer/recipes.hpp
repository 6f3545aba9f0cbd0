// Named recipes (`train --recipe fast|full`): sets of recipe flags chosen and measured as a
// whole (trainer/README.md: Recipes). Flags given beside --recipe override its values.
#pragma once

#include <optional>
#include <string_view>

#include "tinydigit/trainer/lr_schedule.hpp"
#include "tinydigit/trainer/precision.hpp"

namespace tinydigit::trainer {

struct NamedRecipe {
    std::string_view name;
    int epochs;
    int batch;
    float learning_rate;  // the plateau's start, or the one cycle's peak
    Schedule schedule;
    float label_smoothing;
    float ema_decay;
    // bf16 where the CPU computes it natively (AVX-512 BF16), f32 elsewhere.
    bool bf16_if_native;
};

// "fast": the 15-minute recipe (bf16 batches of 128, one cycle, label smoothing, weight
// average). "full": the same ingredients over 40 epochs, the committed seed model's recipe
// (the longer cycle is worth about 0.1 pp). Precise BN (8192 images) and augmentation are
// on in both.
std::optional<NamedRecipe> recipe_by_name(std::string_view name);

}  // namespace tinydigit::trainer
