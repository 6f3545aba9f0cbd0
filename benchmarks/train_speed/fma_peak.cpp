// The machine's FP32 peak in GFLOP/s: independent FMA chains in registers, one per thread per
// core, with the widest vectors the CPU has. run.sh divides achieved GFLOP/s by this figure.
// Measured rather than quoted because the vector width matters: on the Zen4 machines here
// 512-bit FMA runs at twice the 256-bit rate (about 420 against 210 GFLOP/s on 2 cores).
// usage: fma_peak THREADS [--avx2]   (--avx2: the 256-bit peak, what an AVX2-only CPU has)
#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr long kIterations = 200'000'000;
constexpr int kChains = 12;  // enough independent FMAs to cover latency x pipes
volatile float g_sink;      // keeps the chains from being optimized away

// The same loop twice: vector types cannot cross the boundary of a function compiled
// without their target, so each width gets its own self-contained function.
__attribute__((target("avx512f"))) float run_512() {
    __m512 acc[kChains];
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(static_cast<float>(i));
    const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(1e-6f);
    for (long k = 0; k < kIterations; ++k) {
#pragma GCC unroll 12
        for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    float sum = 0.0f;
    for (int i = 0; i < kChains; ++i) sum += _mm512_cvtss_f32(acc[i]);
    return sum;
}

__attribute__((target("avx2,fma"))) float run_256() {
    __m256 acc[kChains];
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(static_cast<float>(i));
    const __m256 a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(1e-6f);
    for (long k = 0; k < kIterations; ++k) {
#pragma GCC unroll 12
        for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    }
    float sum = 0.0f;
    for (int i = 0; i < kChains; ++i) sum += _mm256_cvtss_f32(acc[i]);
    return sum;
}

}  // namespace

int main(int argc, char** argv) {
    const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
    const bool avx2_only = argc > 2 && std::string(argv[2]) == "--avx2";
    if (threads < 1 || (argc > 2 && !avx2_only) || argc > 3) {
        std::fprintf(stderr, "usage: fma_peak THREADS [--avx2]\n");
        return 2;
    }
    const bool wide = !avx2_only && __builtin_cpu_supports("avx512f");
    if (!wide && !__builtin_cpu_supports("fma")) {
        std::fprintf(stderr, "fma_peak: this CPU has neither AVX-512F nor FMA\n");
        return 1;
    }
    const int lanes = wide ? 16 : 8;
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([wide] { g_sink = wide ? run_512() : run_256(); });
    }
    for (auto& th : pool) th.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double flop = 2.0 * lanes * kChains * static_cast<double>(kIterations) * threads;
    std::printf("%.1f %s\n", flop / seconds / 1e9, wide ? "avx512" : "avx2");
    return 0;
}
