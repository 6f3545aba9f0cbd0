#include "tinydigit/trainer/cpu_isa.hpp"

#include <oneapi/dnnl/dnnl.hpp>

namespace tinydigit::trainer {

namespace {

// ISA values are feature bit sets: a CPU has an ISA when it has all of its bits.
bool has(dnnl::cpu_isa isa) {
    const auto effective = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
    return (effective & static_cast<unsigned>(isa)) == static_cast<unsigned>(isa);
}

}  // namespace

std::string_view onednn_isa_name() {
    using dnnl::cpu_isa;
    static constexpr struct {
        cpu_isa isa;
        std::string_view name;
    } kWidestFirst[] = {
        {cpu_isa::avx512_core_amx, "avx512_core_amx"}, {cpu_isa::avx512_core_bf16, "avx512_core_bf16"},
        {cpu_isa::avx512_core_vnni, "avx512_core_vnni"}, {cpu_isa::avx512_core, "avx512_core"},
        {cpu_isa::avx2_vnni, "avx2_vnni"}, {cpu_isa::avx2, "avx2"}, {cpu_isa::avx, "avx"},
        {cpu_isa::sse41, "sse41"},
    };
    for (const auto& [isa, name] : kWidestFirst) {
        if (has(isa)) return name;
    }
    return "no SIMD";
}

bool avx512_supported() { return has(dnnl::cpu_isa::avx512_core); }

bool avx2_supported() { return has(dnnl::cpu_isa::avx2); }

bool bf16_supported() { return avx512_supported(); }

bool bf16_native() { return has(dnnl::cpu_isa::avx512_core_bf16); }

}  // namespace tinydigit::trainer
