// Batch-1, 1-thread inference latency of the seed network: the int8 engine (every kernel set
// this CPU runs) vs oneDNN fp32 and oneDNN int8 (u8/s8) on the same shapes, measured in
// alternating rounds in one process so machine noise hits all of them alike.
// Weights are random (timing only; the engine's run time does not depend on their values).
//
//   engine_latency [--rounds N] [--iterations N]
#include <omp.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "model_builder.hpp"
#include "onednn_seed_net.hpp"
#include "tinydigit/engine/engine.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using tinydigit::bench::OnednnSeedNet;
namespace eng = tinydigit::engine;

struct Contender {
    std::string name;
    std::function<void()> run;
    std::vector<double> ms;      // per-round mean, wall clock
    std::vector<double> cpu_ms;  // per-round mean, this thread's CPU time
};

// CPU time of the calling thread: on a shared machine it ignores time spent descheduled,
// which wall-clock figures include (oneDNN runs on this thread too with 1 OpenMP thread).
double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

int parse_count(const char* flag, const char* text) {
    char* end = nullptr;
    const long v = std::strtol(text, &end, 10);
    if (!end || *end || v < 1 || v > 100000) {
        std::fprintf(stderr, "engine_latency: %s needs a count from 1 to 100000, got '%s'\n", flag, text);
        std::exit(2);
    }
    return static_cast<int>(v);
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = 15, iterations = 40;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--rounds" && i + 1 < argc) rounds = parse_count("--rounds", argv[++i]);
        else if (a == "--iterations" && i + 1 < argc) iterations = parse_count("--iterations", argv[++i]);
        else {
            std::fprintf(stderr, "usage: engine_latency [--rounds N] [--iterations N]\n");
            return 2;
        }
    }
    omp_set_num_threads(1);

    const auto model = tinydigit::engine::test::serialize(
        *tinydigit::engine::test::make_model(tinydigit::engine::test::seed_spec(), 2024));
    std::mt19937 rng(1);
    std::vector<std::uint8_t> pixels(784);
    for (auto& p : pixels) p = static_cast<std::uint8_t>(rng());

    std::vector<Contender> contenders;
    const eng::KernelSet* sets[8];
    const int n_sets = eng::available_kernel_sets(sets, 8);
    std::vector<eng::Engine> engines(static_cast<std::size_t>(n_sets));
    std::vector<tinydigit::engine::test::Arena> arenas;
    arenas.reserve(static_cast<std::size_t>(n_sets));
    int sink = 0;
    for (int i = 0; i < n_sets; ++i) {
        if (std::strcmp(sets[i]->name, "reference") == 0) continue;  // the definition, not a contender
        eng::Engine& e = engines[static_cast<std::size_t>(i)];
        if (e.load(model.data(), model.size(), *sets[i]) != eng::Status::kOk) return 1;
        // What a host binds (as the tools do): the layer view, so every layer runs whole;
        // row bands are for microcontrollers' RAM (engine/README.md, "Banded chains").
        arenas.emplace_back(e.layer_view_arena_bytes());
        if (e.bind_arena(arenas.back().data, arenas.back().size) != eng::Status::kOk) return 1;
        contenders.push_back({std::string("engine int8 (") + sets[i]->name + ")", [&e, &pixels, &sink] {
                                  e.set_input_pixels(pixels.data(), pixels.size());
                                  e.run();
                                  sink += e.argmax();
                              }, {}, {}});
    }
    OnednnSeedNet f32(OnednnSeedNet::Precision::kF32), i8(OnednnSeedNet::Precision::kInt8);
    contenders.push_back({"oneDNN fp32", [&f32] { f32.run(); }, {}, {}});
    contenders.push_back({"oneDNN int8 (u8/s8)", [&i8] { i8.run(); }, {}, {}});

    for (auto& c : contenders)
        for (int i = 0; i < 5; ++i) c.run();  // warm caches and JIT
    for (int r = 0; r < rounds; ++r)
        for (auto& c : contenders) {
            const auto t0 = Clock::now();
            const double c0 = thread_cpu_ms();
            for (int i = 0; i < iterations; ++i) c.run();
            const double c1 = thread_cpu_ms();
            const std::chrono::duration<double, std::milli> dt = Clock::now() - t0;
            c.ms.push_back(dt.count() / iterations);
            c.cpu_ms.push_back((c1 - c0) / iterations);
        }

    std::printf("engine_latency: seed network (87.45 M MACs incl. padding taps), batch 1, 1 thread,\n"
                "random weights (timing only), %d alternating rounds x %d inferences, median of round means\n\n",
                rounds, iterations);
    const double onednn_f32 = median(contenders[contenders.size() - 2].cpu_ms);
    const double onednn_i8 = median(contenders.back().cpu_ms);
    std::printf("  %-28s %10s %10s  %-22s %-22s %s\n", "", "CPU ms", "wall ms", "vs oneDNN fp32 (CPU)",
                "vs oneDNN int8 (CPU)", "GMAC/s (CPU)");
    for (const auto& c : contenders) {
        const double m = median(c.cpu_ms);
        std::printf("  %-28s %10.3f %10.3f  x%-21.2f x%-21.2f %.1f\n", c.name.c_str(), m, median(c.ms), m / onednn_f32,
                    m / onednn_i8, 87.452032 / m);
    }
    // Per-operator split of the default kernel set (where the time goes).
    for (int i = 0; i < n_sets; ++i) {
        eng::Engine& e = engines[static_cast<std::size_t>(i)];
        if (&e.kernels() != &eng::default_kernels()) continue;
        std::printf("\n  per operator (CPU ms, each repeated alone), engine int8 (%s):", e.kernels().name);
        for (int op = 0; op < e.operator_count(); ++op) {
            std::vector<double> t;
            for (int r = 0; r < rounds; ++r) {
                const double c0 = thread_cpu_ms();
                for (int it = 0; it < iterations; ++it) e.run_operator(op);
                t.push_back((thread_cpu_ms() - c0) / iterations);
            }
            std::printf(" %s%.3f", op ? "/ " : "", median(t));
        }
        std::printf(" ms\n");
    }
    std::printf("\n  arena bytes per set:");
    for (int i = 0; i < n_sets; ++i) {
        const eng::Engine& e = engines[static_cast<std::size_t>(i)];
        if (e.operator_count() > 0) std::printf(" %s %u", e.kernels().name, e.layer_view_arena_bytes());
    }
    std::printf(" (the model's plan, plus the x86 sets' host extension and packed weights, plus the layer view\n"
                "  that keeps every layer whole; firmware binds the plan alone and runs conv chains in row bands)\n");
    std::printf("\n  oneDNN fp32 kernels: %s\n  oneDNN int8 kernels: %s\n", f32.implementations(), i8.implementations());
    std::printf("  default engine kernel set on this CPU: %s (TINYDIGIT_MAX_ISA caps it)\n", eng::default_kernels().name);
    std::printf("  oneDNN ISA: %s (ONEDNN_MAX_CPU_ISA caps it)\n", tinydigit::bench::onednn_isa_name());
    std::printf("  targets: engine <= oneDNN fp32 (x1.00); stretch <= 1.5 x oneDNN int8\n");
    std::printf("  (engine code size: `size` on libtinydigit_engine.a; Cortex-M4 sizes come from the firmware build)\n");
    return sink == -1 ? 1 : 0;
}
