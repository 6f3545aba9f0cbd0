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
    // Host sets state more scratch than the plan (padded images, repacked weights): room for it.
    alignas(16) static std::uint8_t work[16 * test::kEquivalenceWorkBytes];
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

namespace {

struct ConvShape {
    const char* why;
    std::int32_t in_h, in_w, in_c, out_c, kernel, stride, pad_top, pad_bottom, pad_left, pad_right, pool, pool_stride;
};

Conv2DParams params_of(const ConvShape& s) {
    Conv2DParams p{};
    p.in_h = s.in_h;
    p.in_w = s.in_w;
    p.in_c = s.in_c;
    p.out_c = s.out_c;
    p.kernel_h = p.kernel_w = s.kernel;
    p.stride_h = p.stride_w = s.stride;
    p.pad_top = s.pad_top;
    p.pad_left = s.pad_left;
    p.conv_h = (s.in_h + s.pad_top + s.pad_bottom - s.kernel) / s.stride + 1;
    p.conv_w = (s.in_w + s.pad_left + s.pad_right - s.kernel) / s.stride + 1;
    p.out_h = p.conv_h;
    p.out_w = p.conv_w;
    if (s.pool > 0) {
        p.pool_h = p.pool_w = s.pool;
        p.pool_stride_h = p.pool_stride_w = s.pool_stride;
        p.out_h = (p.conv_h - s.pool) / s.pool_stride + 1;
        p.out_w = (p.conv_w - s.pool) / s.pool_stride + 1;
    }
    return p;
}

// The random cases stop at 12x12x32 inputs and K <= 800; these shapes reach the rest of the
// optimized variants' code (kernel line coverage of the x86 files is 100 % with them, see
// engine/README.md). Each runs with two data seeds; a set this CPU cannot run is skipped.
void check_fixed_shapes(const char* name) {
    const KernelSet* set = tinydigit::test::kernel_set_or_skip(name);
    if (set == nullptr) return;
    const ConvShape convs[] = {
        {"seed conv1: in_c 1 (AVX2 column form, VNNI broadcast 8x32)", 28, 28, 1, 32, 5, 1, 3, 3, 3, 3, 0, 0},
        {"seed conv6: K 2304, 256 channels (VNNI 8x32 blocks in 32-channel slices), pooled", 8, 8, 256, 256, 3, 1, 1, 1, 1, 1, 2, 2},
        {"K 1080 with 38 channels: VNNI 32-channel slices (8x32), 6 channels left", 6, 6, 120, 38, 3, 1, 1, 1, 1, 1, 0, 0},
        {"K 2160 with 19 channels: VNNI 12x32 with 69 KB of packed weights", 5, 5, 240, 19, 3, 1, 1, 1, 1, 1, 0, 0},
        {"80 channels: a 64-channel slice (4x64) and a 16-channel slice (8x32)", 7, 7, 16, 80, 3, 1, 1, 1, 1, 1, 2, 2},
        {"53 KB padded input, stride 2", 40, 40, 32, 8, 3, 2, 1, 1, 1, 1, 0, 0},
        {"pixels whose whole window lies in the top/bottom padding", 4, 4, 16, 5, 2, 1, 3, 3, 0, 0, 0, 0},
        {"seed conv2 shape: 32 -> 32, 5x5, pool 2", 30, 30, 32, 32, 5, 1, 2, 2, 2, 2, 2, 2},
    };
    const FullyConnectedParams fcs[] = {{4096, 128, 0, nullptr, nullptr, {}}, {1000, 13, 0, nullptr, nullptr, {}}};
    alignas(16) static std::uint8_t work[64 * test::kEquivalenceWorkBytes];
    for (std::uint64_t seed = 1; seed <= 2; ++seed) {
        for (const ConvShape& c : convs) {
            CAPTURE(std::string(c.why));
            const auto r = test::check_conv_shape(seed, *set, params_of(c), work, sizeof work);
            INFO(r.message);
            CHECK(r.pass);
            CHECK(r.cases_run == 1);
        }
        for (const FullyConnectedParams& f : fcs) {
            CAPTURE(f.in_count);
            const auto r = test::check_fully_connected_shape(seed, *set, f, work, sizeof work);
            INFO(r.message);
            CHECK(r.pass);
            CHECK(r.cases_run == 1);
        }
    }
}

}  // namespace

TEST_CASE("portable kernels equal the reference on shapes that reach every code path") {
    check_fixed_shapes("portable");
}
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
TEST_CASE("avx2 kernels equal the reference on shapes that reach every code path") { check_fixed_shapes("avx2"); }
TEST_CASE("avx512vnni kernels equal the reference on shapes that reach every code path") {
    check_fixed_shapes("avx512vnni");
}
#endif

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
