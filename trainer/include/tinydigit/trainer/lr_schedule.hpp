// The one-cycle learning-rate schedule of the fast recipe (trainer/README.md: Recipes).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinydigit::trainer {

// How the learning rate moves during a run. Stored in checkpoints (Recipe.schedule): the
// numbers are part of the file format.
enum class Schedule : std::uint8_t {
    kPlateau = 0,   // --lr held, halved by ReduceLROnPlateau; optional final anneal
    kOneCycle = 1,  // one_cycle_rate over the whole run; no plateau, no separate anneal
};

// Smith's one cycle, per step: the first kOneCycleWarmup of the run's steps climb linearly
// from peak / kOneCycleStartDivisor to `peak`, the rest fall along half a cosine to zero.
// A high rate early explores while BN keeps the network stable; ending at zero settles the
// weights. `step` counts from 0 over the whole run (all epochs); `steps` > 0.
inline constexpr double kOneCycleWarmup = 0.25;
inline constexpr double kOneCycleStartDivisor = 25.0;
float one_cycle_rate(float peak, std::size_t step, std::size_t steps);

}  // namespace tinydigit::trainer
