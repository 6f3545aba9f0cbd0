// Every kernel variant this CPU can run equals the reference bit for bit (random cases).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "equivalence_core.hpp"

using namespace tinydigit::engine;

TEST_CASE("every compiled kernel variant equals the reference on random cases") {
    const KernelSet* sets[8];
    const int n = available_kernel_sets(sets, 8);
    REQUIRE(n >= 2);
    // Host sets state more scratch than the plan (padded images, repacked weights): room for it.
    alignas(16) static std::uint8_t work[16 * test::kEquivalenceWorkBytes];
    for (int i = 0; i < n; ++i) {
        for (std::uint64_t seed = 1; seed <= 4; ++seed) {
            CAPTURE(std::string(sets[i]->name));
            CAPTURE(seed);
            const auto r = test::check_equivalence(seed, *sets[i], 500, work, sizeof work);
            INFO(r.message);
            CHECK(r.pass);
            CHECK(r.cases_run > 400);
        }
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
