// The engine's freestanding equivalence check (tests/engine/equivalence_core.hpp, the code the
// host tests and the Cortex-M firmware run) as a WebAssembly module, driven by
// run_equivalence.mjs under node: every kernel set the module holds against the reference.
#include <cstdint>

#include "equivalence_core.hpp"
#include "tinydigit/engine/kernels.hpp"

namespace {

namespace engine = tinydigit::engine;

alignas(16) std::uint8_t work[engine::test::kEquivalenceWorkBytes];
engine::test::EquivalenceResult result;
const engine::KernelSet* sets[8];

}  // namespace

#define WASM_EXPORT(name) extern "C" __attribute__((export_name(#name)))

WASM_EXPORT(kernel_set_count) int kernel_set_count() { return engine::available_kernel_sets(sets, 8); }
WASM_EXPORT(kernel_set_name) const char* kernel_set_name(int i) { return sets[i]->name; }
WASM_EXPORT(default_kernel_set_name) const char* default_kernel_set_name() { return engine::default_kernels().name; }
// Runs `cases` random cases from `seed` on set i; 1 = every output byte equal. message() then
// names the first mismatch, cases_run() how many ran.
WASM_EXPORT(check_set) int check_set(int i, std::uint32_t seed, int cases) {
    result = engine::test::check_equivalence(seed, *sets[i], cases, work, sizeof work);
    return result.pass ? 1 : 0;
}
WASM_EXPORT(message) const char* message() { return result.message; }
WASM_EXPORT(cases_run) int cases_run() { return result.cases_run; }
