// The committed int8 models against their committed golden files, with every kernel set this
// build compiles (one case each, skipped where the CPU cannot run the set): identical logit
// bytes for every golden digit, and for the first few digits identical per-op checksums (a
// mismatch names the first differing layer).
#include <doctest/doctest.h>

#include <sstream>

#include "support/kernel_set_cases.hpp"
#include "tinydigit/model_to_c/checksum.hpp"
#include "tinydigit/model_to_c/golden_set.hpp"
#include "tinydigit/schema/model_generated.h"
#include "tinydigit/tools/int8_runner.hpp"

using namespace tinydigit::tools;

namespace {

std::vector<std::string> archs() {
    std::vector<std::string> out;
    std::stringstream list(TINYDIGIT_GOLDEN_ARCHS);
    for (std::string a; std::getline(list, a, ',');) out.push_back(a);
    return out;
}

void golden_outputs_reproduced_with(const char* kernel_set) {
    const tinydigit::engine::KernelSet* set = tinydigit::test::kernel_set_or_skip(kernel_set);
    if (set == nullptr) return;
    const std::filesystem::path root = TINYDIGIT_SOURCE_DIR;
    REQUIRE_FALSE(archs().empty());
    for (const auto& arch : archs()) {
        CAPTURE(arch);
        const auto file = ModelFile::read(root / "models" / arch / "model.fb");
        const auto golden = tinydigit::model_to_c::read_golden_set(root / "tests" / "golden" / arch);
        REQUIRE(golden.images.size() >= 100);
        REQUIRE_FALSE(golden.layers.empty());
        Int8Runner runner(file, *set);
        for (std::size_t i = 0; i < golden.images.size(); ++i) {
            CAPTURE(i);
            const auto& expected = golden.images[i];
            const auto logits = runner.run(expected.pixels.data());
            REQUIRE(logits.size() == 10);
            CHECK(std::equal(logits.begin(), logits.end(), expected.logits.begin()));
            CHECK(tinydigit::model_to_c::fnv1a32(logits) == expected.checksum);
        }
        // Per-op checksums: report the first op whose output differs.
        std::string first_difference;
        for (const auto& layer : golden.layers) {
            if (!first_difference.empty()) break;
            runner.run_layers(golden.images[static_cast<std::size_t>(layer.image)].pixels.data(),
                              [&](int op, int, std::span<const std::int8_t> out) {
                                  if (op == layer.op && first_difference.empty() &&
                                      (out.size() != layer.bytes || tinydigit::model_to_c::fnv1a32(out) != layer.checksum))
                                      first_difference = "image " + std::to_string(layer.image) + " op " +
                                                         std::to_string(op) + " (" + layer.tensor + ")";
                              });
        }
        CHECK_MESSAGE(first_difference.empty(), "first differing layer: " << first_difference);
    }
}

}  // namespace

TEST_CASE("golden: committed models reproduce their golden outputs byte for byte with the reference kernels") {
    golden_outputs_reproduced_with("reference");
}
TEST_CASE("golden: committed models reproduce their golden outputs byte for byte with the portable kernels") {
    golden_outputs_reproduced_with("portable");
}
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)
TEST_CASE("golden: committed models reproduce their golden outputs byte for byte with the avx2 kernels") {
    golden_outputs_reproduced_with("avx2");
}
TEST_CASE("golden: committed models reproduce their golden outputs byte for byte with the avx512vnni kernels") {
    golden_outputs_reproduced_with("avx512vnni");
}
#endif
