// TINYDIGIT_MAX_ISA caps the x86 kernel sets as ONEDNN_MAX_CPU_ISA caps oneDNN: with the cap,
// a set above it is neither the default nor listed, so an AVX-512 machine runs (and tests)
// exactly what an AVX2-only CPU runs.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tinydigit/engine/kernels.hpp"

using namespace tinydigit::engine;

namespace {

// Sets the variable for one scope and restores what the test process was started with.
class ScopedMaxIsa {
public:
    explicit ScopedMaxIsa(const char* value) {
        if (const char* old = std::getenv("TINYDIGIT_MAX_ISA")) saved_ = old, had_ = true;
        if (value) setenv("TINYDIGIT_MAX_ISA", value, 1);
        else unsetenv("TINYDIGIT_MAX_ISA");
    }
    ~ScopedMaxIsa() {
        if (had_) setenv("TINYDIGIT_MAX_ISA", saved_.c_str(), 1);
        else unsetenv("TINYDIGIT_MAX_ISA");
    }
    ScopedMaxIsa(const ScopedMaxIsa&) = delete;
    ScopedMaxIsa& operator=(const ScopedMaxIsa&) = delete;

private:
    std::string saved_;
    bool had_ = false;
};

std::vector<std::string> listed() {
    const KernelSet* sets[8];
    const int n = available_kernel_sets(sets, 8);
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) names.emplace_back(sets[i]->name);
    return names;
}

bool contains(const std::vector<std::string>& names, const char* name) {
    for (const auto& n : names)
        if (n == name) return true;
    return false;
}

}  // namespace

#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
TEST_CASE("TINYDIGIT_MAX_ISA caps the default and the listed x86 kernel sets") {
    std::vector<std::string> uncapped;
    {
        const ScopedMaxIsa none(nullptr);
        uncapped = listed();
        CHECK(std::string(default_kernels().name) == uncapped.back());  // the best set is the default
    }
    {
        const ScopedMaxIsa cap("portable");
        CHECK(listed() == std::vector<std::string>{"reference", "portable"});
        CHECK(std::string(default_kernels().name) == "portable");
    }
    {
        const ScopedMaxIsa cap("AVX2");  // case-insensitive, like ONEDNN_MAX_CPU_ISA
        const auto names = listed();
        CHECK_FALSE(contains(names, "avx512vnni"));
        CHECK(contains(names, "avx2") == contains(uncapped, "avx2"));
        CHECK(std::string(default_kernels().name) == names.back());
    }
    {
        const ScopedMaxIsa cap("avx512vnni");
        CHECK(listed() == uncapped);
    }
    {
        // Unknown: ignored (a one-line notice on stderr), i.e. the CPU's best set.
        const ScopedMaxIsa cap("sse9");
        CHECK(listed() == uncapped);
        CHECK(std::string(default_kernels().name) == uncapped.back());
    }
}
#endif
