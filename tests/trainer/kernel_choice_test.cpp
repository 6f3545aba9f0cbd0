// oneDNN falls back to its reference implementations where it has no JIT kernel for a
// primitive's shapes and layouts; they compute the same but about 100x slower (conv1's
// backward-weights on AVX2 took 6 s per batch-32 step). Every training primitive, in each
// architecture, precision and batch size, must get a JIT kernel on this CPU. CTest also runs
// this case with ONEDNN_MAX_CPU_ISA=AVX2 (oneDNN reads it once per process), which is what an
// AVX2-only CPU gets.
#include <cstdlib>
#include <string>

#include <doctest/doctest.h>

#include "tinydigit/trainer/network.hpp"

using namespace tinydigit::trainer;

TEST_CASE("every training primitive gets one of oneDNN's optimized kernels on this CPU") {
    const auto isa = dnnl::get_effective_cpu_isa();
    if (const char* cap = std::getenv("ONEDNN_MAX_CPU_ISA"); cap && std::string(cap) == "AVX2") {
        // Otherwise the AVX2 entry would silently repeat the native one.
        CHECK(isa == dnnl::cpu_isa::avx2);
    }
    MESSAGE("oneDNN ISA " << onednn_isa_name() << (bf16_supported() ? ", bf16 too" : ", f32 only"));
    for (const Architecture& arch : {kSeed, kCompact}) {
        for (const Precision precision : {Precision::kF32, Precision::kBF16}) {
            if (precision == Precision::kBF16 && !bf16_supported()) continue;
            for (const int batch : {1, 32, 100, 128}) {
                const Network net(arch, batch, precision);
                std::string fallbacks;
                for (const std::string& f : net.reference_fallbacks()) fallbacks += "\n  " + f;
                INFO(arch.name, " ", precision_name(precision), " batch ", batch, ":", fallbacks);
                CHECK(net.reference_fallbacks().empty());
            }
        }
    }
}
