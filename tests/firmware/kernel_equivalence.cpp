// Every optimized kernel set equals the reference bit for bit, on the target: the engine's
// freestanding equivalence core (tests/engine/equivalence_core.hpp, the same code the host
// tests run) over random shapes, paddings, zero points, multipliers, shifts and clamps,
// under QEMU. On Cortex-M4 that covers the Arm DSP kernels, on Cortex-M3 the portable ones.
#include <cstddef>
#include <cstdint>

#include "board.h"
#include "equivalence_core.hpp"
#include "tinydigit/engine/kernels.hpp"

namespace {

namespace engine = tinydigit::engine;

constexpr std::uint64_t kSeeds[] = {1, 2, 3, 0x7D1617ull};
constexpr int kCasesPerSeed = 250;
// Cases whose random shape does not fit the work buffer are skipped; as on the host (> 400 of
// 500), more than four in five must run, or the comparison would pass having compared little.
constexpr int kMinCasesRun = kCasesPerSeed * 4 / 5 + 1;

// A board with little RAM passes a smaller buffer: cases that need more are skipped (the
// count of cases run is printed).
#ifndef EQUIVALENCE_WORK_BYTES
#define EQUIVALENCE_WORK_BYTES engine::test::kEquivalenceWorkBytes
#endif
alignas(16) std::uint8_t work[EQUIVALENCE_WORK_BYTES];

}  // namespace

int main() {
    const engine::KernelSet* sets[8];
    const int count = engine::available_kernel_sets(sets, 8);
    int failures = 0;
    int compared = 0;
    for (int s = 0; s < count; ++s) {
        if (sets[s] == &engine::reference_kernels()) continue;
        ++compared;
        for (const std::uint64_t seed : kSeeds) {
            const auto result = engine::test::check_equivalence(seed, *sets[s], kCasesPerSeed, work, sizeof work);
            const bool ok = result.pass && result.cases_run >= kMinCasesRun;
            console_write(ok ? "ok   " : "FAIL ");
            console_write(sets[s]->name);
            console_write(" seed ");
            console_uint(seed);
            console_write(": ");
            console_uint(static_cast<std::uint64_t>(result.cases_run));
            console_write(" cases");
            if (!result.pass) {
                console_write(": ");
                console_write(result.message);
            }
            if (result.cases_run < kMinCasesRun) {
                console_write(": fewer than ");
                console_uint(static_cast<std::uint64_t>(kMinCasesRun));
                console_write(" cases ran");
            }
            console_write("\n");
            failures += !ok;
        }
    }
    console_write("default kernel set: ");
    console_write(engine::default_kernels().name);
    console_write("\n");
    if (compared == 0) {
        console_write("no optimized kernel set to compare\n");
        return 1;
    }
    return failures == 0 ? 0 : 1;
}
