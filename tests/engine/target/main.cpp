// The engine's own check on emulated Cortex-M: kernel equivalence (equivalence_core.hpp)
// for the build's default kernel set, then the seed-shaped model: logits equal to the host
// reference, executed instructions per operator and per MAC, stack high-water mark.
#include <cstdint>
#include <cstring>

#include "equivalence_core.hpp"
#include "model_header.h"
#include "tinydigit/engine/engine.hpp"

void target_print(const char* text);
void timer_start();
std::uint32_t timer_ticks();

namespace {

alignas(16) std::uint8_t g_work[tinydigit::engine::test::kEquivalenceWorkBytes];
alignas(16) std::uint8_t g_arena[kArenaBytes];

void print_number(std::uint64_t v) {
    char buf[24];
    int n = 0;
    do {
        buf[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    char out[24];
    for (int i = 0; i < n; ++i) out[i] = buf[n - 1 - i];
    out[n] = 0;
    target_print(out);
}

}  // namespace

int main() {
    using namespace tinydigit::engine;
    int failures = 0;
    target_print("kernel set: ");
    target_print(default_kernels().name);
    target_print("\n");
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        const auto r = test::check_equivalence(seed, default_kernels(), 150, g_work, sizeof g_work);
        target_print(r.pass ? "equivalence seed " : "EQUIVALENCE FAILED seed ");
        print_number(seed);
        target_print(" cases ");
        print_number(static_cast<std::uint64_t>(r.cases_run));
        target_print(r.pass ? "\n" : ": ");
        if (!r.pass) {
            target_print(r.message);
            target_print("\n");
            ++failures;
        }
    }

    // Paint the 8 KB below the current stack pointer (nothing lives there yet); after load and
    // run, the lowest painted word that changed marks the engine's deepest stack use.
    std::uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    auto* const probe_top = reinterpret_cast<std::uint32_t*>((sp - 16) & ~std::uintptr_t{15});
    std::uint32_t* const probe_low = probe_top - 2048;
    for (std::uint32_t* p = probe_low; p < probe_top; ++p) *p = 0xdeadbeef;
    Engine engine;
    const Status s = engine.load(kModel, sizeof kModel);
    if (s != Status::kOk) {
        target_print("load failed: ");
        target_print(status_message(s));
        target_print("\n");
        return 1;
    }
    engine.bind_arena(g_arena, sizeof g_arena);
    engine.set_input_pixels(kPixels, 784);
    std::uint64_t total_ticks = 0, total_macs = 0;
    for (int op = 0; op < engine.operator_count(); ++op) {
        timer_start();
        engine.run_operator(op);
        const std::uint32_t ticks = timer_ticks();
        total_ticks += ticks;
        OperatorInfo info{};
        engine.operator_info(op, info);
        total_macs += info.macs;
        target_print("op ");
        print_number(static_cast<std::uint64_t>(op));
        target_print(": ~");
        print_number(std::uint64_t(ticks) * 40);
        target_print(" instructions, ");
        print_number(info.macs);
        target_print(" MACs\n");
    }
    target_print("total ~");
    print_number(total_ticks * 40);
    target_print(" instructions for ");
    print_number(total_macs);
    target_print(" MACs = ");
    print_number(total_ticks * 40 * 1000 / (total_macs ? total_macs : 1));
    target_print(" milli-instructions per MAC\n");
    const bool same = std::memcmp(engine.output(), kExpected, 10) == 0;
    target_print(same ? "logits equal the host reference\n" : "LOGITS DIFFER from the host reference\n");
    if (!same) ++failures;
    std::uint32_t untouched = 0;
    for (std::uint32_t* p = probe_low; p < probe_top && *p == 0xdeadbeef; ++p) ++untouched;
    target_print("stack used by load + run (all operators), below main: ");
    print_number(4 * (2048 - std::uint64_t(untouched)));
    target_print(" bytes\n");
    return failures;
}
