// Replays a fuzz target (fuzz/fuzz_<name>.cpp, linked into this test) on its seed corpus and
// on every input a fuzzer ever found (tests/fuzz_regressions/<name>/), in every preset, with
// GCC and without libFuzzer. A harness that meets a crash, a sanitizer report, an exception
// other than the reader's own error type, or a broken property (fuzz/expect.hpp) aborts, and
// this test fails naming the input.
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
#include "support/kernel_set_cases.hpp"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

#if defined(__SANITIZE_ADDRESS__)
// Under ASan an allocation above 1 GiB is reported as an error, so an input that once made a
// reader allocate gigabytes fails here as it did under libFuzzer's malloc limit.
extern "C" const char* __asan_default_options() { return "max_allocation_size_mb=1024"; }
#endif

namespace {

namespace fs = std::filesystem;

// Without ASan the same guard is an address-space limit: a huge allocation throws
// std::bad_alloc, which no harness catches.
void limit_memory() {
#if !defined(__SANITIZE_ADDRESS__)
    const rlimit limit{rlim_t{4} << 30, rlim_t{4} << 30};
    REQUIRE(::setrlimit(RLIMIT_AS, &limit) == 0);
#endif
}

std::vector<fs::path> inputs_in(const fs::path& folder) {
    std::vector<fs::path> files;
    if (fs::is_directory(folder))
        for (const auto& entry : fs::directory_iterator(folder))
            if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

void replay(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    REQUIRE(in);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Printed first: a crash ends the process before doctest can report which input it was.
    std::fprintf(stderr, "replaying %s (%zu bytes)\n", file.c_str(), bytes.size());
    // Exact-size heap copy, as libFuzzer passes it, so a read past the end is caught by ASan.
    const auto copy = std::make_unique<std::uint8_t[]>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), copy.get());
    CHECK(LLVMFuzzerTestOneInput(copy.get(), bytes.size()) == 0);
}

}  // namespace

TEST_CASE("every seed in fuzz/corpus/" FUZZ_TARGET " replays cleanly") {
    limit_memory();
    const auto seeds = inputs_in(FUZZ_SEED_DIR);
    REQUIRE_MESSAGE(!seeds.empty(), "no seeds in " FUZZ_SEED_DIR);
    for (const auto& file : seeds) replay(file);
}

TEST_CASE("every input the fuzzer found (tests/fuzz_regressions/" FUZZ_TARGET ") replays cleanly") {
    limit_memory();
    const auto found = inputs_in(FUZZ_REGRESSION_DIR);
    // An empty or missing folder would make this case pass having replayed nothing.
    REQUIRE_MESSAGE(!found.empty(), "no regression inputs in " FUZZ_REGRESSION_DIR);
    for (const auto& file : found) replay(file);
}

#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
// fuzz_model compares every kernel set the CPU runs with the reference; these cases make a set
// the CPU lacks a visible skip instead of a silently shorter comparison.
namespace {
void replay_comparing(const char* kernel_set) {
    if (tinydigit::test::kernel_set_or_skip(kernel_set) == nullptr) return;
    limit_memory();
    for (const char* folder : {FUZZ_SEED_DIR, FUZZ_REGRESSION_DIR})
        for (const auto& file : inputs_in(folder)) replay(file);
}
}  // namespace

TEST_CASE("fuzz_model's inputs replay with the avx2 kernels compared to the reference") { replay_comparing("avx2"); }
TEST_CASE("fuzz_model's inputs replay with the avx512vnni kernels compared to the reference") {
    replay_comparing("avx512vnni");
}
#endif
