// Every kernel variant equals the reference bit for bit (random cases); one case per compiled
// set, skipped where the CPU cannot run it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "equivalence_core.hpp"
#include "support/kernel_set_cases.hpp"

using namespace tinydigit::engine;

namespace {

// The named set against the reference, four seeds of 500 random cases each; a set this CPU
// cannot run is reported as skipped.
void check_against_reference(const char* name) {
    const KernelSet* set = tinydigit::test::kernel_set_or_skip(name);
    if (set == nullptr) return;
    alignas(16) static std::uint8_t work[test::kEquivalenceWorkBytes];
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        CAPTURE(seed);
        const auto r = test::check_equivalence(seed, *set, 500, work, sizeof work);
        INFO(r.message);
        CHECK(r.pass);
        CHECK(r.cases_run > 400);
    }
}

}  // namespace

TEST_CASE("portable kernels equal the reference on random cases") { check_against_reference("portable"); }
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
TEST_CASE("avx2 kernels equal the reference on random cases") { check_against_reference("avx2"); }
TEST_CASE("avx512vnni kernels equal the reference on random cases") { check_against_reference("avx512vnni"); }
#endif

TEST_CASE("every kernel set this CPU runs is one this build compiles, so one of the cases above covers it") {
    const KernelSet* sets[8];
    const int n = available_kernel_sets(sets, 8);
    REQUIRE(n >= 2);
    CHECK(sets[0] == &reference_kernels());
    const auto compiled = tinydigit::test::compiled_kernel_set_names();
    for (int i = 0; i < n; ++i) {
        CAPTURE(std::string(sets[i]->name));
        CHECK(std::find(compiled.begin(), compiled.end(), sets[i]->name) != compiled.end());
    }
}

TEST_CASE("the equivalence check catches a kernel that differs by one") {
    // A deliberately wrong conv (reference + 1 on the first output) must be reported.
    static KernelSet broken = reference_kernels();
    broken.name = "broken";
    broken.conv2d = [](const Conv2DParams& p, const std::int8_t* in, std::int8_t* out, void* s) {
        conv2d_reference_s8(p, in, out, s);
        if (out[0] != 127) out[0] = static_cast<std::int8_t>(out[0] + 1);
        else out[0] = 0;
    };
    alignas(16) static std::uint8_t work[test::kEquivalenceWorkBytes];
    const auto r = test::check_equivalence(7, broken, 50, work, sizeof work);
    CHECK_FALSE(r.pass);
    CHECK(std::string(r.message).find("conv2d case") == 0);
}
