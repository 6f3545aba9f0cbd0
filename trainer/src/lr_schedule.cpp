#include "tinydigit/trainer/lr_schedule.hpp"

#include <cmath>
#include <numbers>

namespace tinydigit::trainer {

float one_cycle_rate(float peak, std::size_t step, std::size_t steps) {
    const double total = static_cast<double>(steps);
    const double warmup = kOneCycleWarmup * total;
    const double t = static_cast<double>(step);
    const double start = 1.0 / kOneCycleStartDivisor;
    const double factor = t < warmup ? start + (1.0 - start) * t / warmup
                                     : 0.5 * (1.0 + std::cos(std::numbers::pi * (t - warmup) / (total - warmup)));
    return static_cast<float>(static_cast<double>(peak) * factor);
}

}  // namespace tinydigit::trainer
