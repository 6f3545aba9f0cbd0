// The quantizer's output as the engine sees it: verified, planned as the engine's scratch
// functions require, and run to golden files that read back identically.
#include <doctest/doctest.h>

#include "checkpoint_fixtures.hpp"
#include "model_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "tinydigit/engine/engine.hpp"
#include "tinydigit/engine/checksum.hpp"
#include "tinydigit/tools/fold.hpp"
#include "tinydigit/tools/golden.hpp"
#include "tinydigit/tools/int8_runner.hpp"
#include "tinydigit/tools/model_writer.hpp"
#include "tinydigit/tools/quantize_network.hpp"
#include "tinydigit/tools/serialize.hpp"

using namespace tinydigit::tools;

namespace {

ModelFile quantized(const std::string& architecture, std::uint32_t seed) {
    const auto net = fold_checkpoint(tinydigit::testing::random_checkpoint(architecture, seed));
    Ranges ranges;
    for (const auto& layer : net.layers) ranges[layer.output_name] = layer.relu ? Range{0.0f, 3.0f} : Range{-8.0f, 8.0f};
    const auto bytes = serialize_model(quantize_network(net, ranges));
    return ModelFile::from_bytes(bytes, architecture);
}

tinydigit::dataset::Images some_digits(std::size_t n) {
    tinydigit::dataset::Images images;
    images.source = "synthetic";
    for (std::size_t i = 0; i < n; ++i) {
        for (int p = 0; p < 784; ++p) {
            const int y = p / 28, x = p % 28;
            const bool stroke = (x - 14) * (x - 14) + (y - 14) * (y - 14) < static_cast<int>(20 + 10 * i) &&
                                (x + y + static_cast<int>(i)) % 3 != 0;
            images.pixels.push_back(stroke ? static_cast<std::uint8_t>(200 + i) : 0);
        }
        images.labels.push_back(static_cast<std::uint8_t>(i % 10));
    }
    return images;
}

}  // namespace

TEST_CASE("engine round trip: quantized seed and compact models pass the engine's verifier") {
    for (const std::string arch : {"seed", "compact"}) {
        const ModelFile file = quantized(arch, 11);
        const auto bytes = file.bytes();
        CHECK_MESSAGE(tinydigit::engine::verify_model(bytes.data(), bytes.size()) == tinydigit::engine::Status::kOk,
                      tinydigit::engine::status_message(tinydigit::engine::verify_model(bytes.data(), bytes.size())));
    }
    // The same graph planned without the kernels' scratch is refused; with it, accepted.
    const auto model = tinydigit::testing::small_random_model(2);
    const auto unplanned =
        ModelFile::from_bytes(write_model_flatbuffer(model, plan_chain(chain_plan_request(model, {0, 0}))), "fixture");
    CHECK(tinydigit::engine::verify_model(unplanned.bytes().data(), unplanned.bytes().size()) ==
          tinydigit::engine::Status::kScratchTooSmall);
    const auto planned = ModelFile::from_bytes(serialize_model(model), "fixture");
    CHECK(tinydigit::engine::verify_model(planned.bytes().data(), planned.bytes().size()) == tinydigit::engine::Status::kOk);
}

TEST_CASE("engine round trip: the seed arena is pool2 + conv5's row window + pool3 + conv6's scratch") {
    const ModelFile file = quantized("seed", 12);
    tinydigit::engine::Engine engine;
    // The portable set needs exactly the plan (x86 sets add host scratch, engine/README.md).
    REQUIRE(engine.load(file.bytes().data(), file.bytes().size(), tinydigit::engine::portable_kernels()) ==
            tinydigit::engine::Status::kOk);
    // The conv->conv chains run in row bands (line buffering); the peak is the third chain:
    // 4,096 (pool2) + 8,192 (4 of conv5's 8 rows) + 4,096 (pool3) + 10,240 (conv6's scratch,
    // engine/scratch.hpp). Whole tensors would need 39,456 (conv1 + pool1 + conv2's scratch).
    CHECK(engine.arena_bytes() == 26624);
}

TEST_CASE("golden files: per-op checksums match the engine's layer outputs and read back identically") {
    const ModelFile file = quantized("compact", 13);
    const auto digits = some_digits(6);
    const auto set = make_golden_set(file, digits, {6, 2});
    REQUIRE(set.images.size() == 6);
    CHECK(set.layers.size() == 2 * 8);
    Int8Runner runner(file);
    for (std::size_t i = 0; i < 6; ++i) {
        const auto logits = runner.run(digits.image(i));
        CHECK(std::equal(logits.begin(), logits.end(), set.images[i].logits.begin()));
        CHECK(set.images[i].checksum == tinydigit::engine::fnv1a32(logits.data(), logits.size()));
    }
    runner.run_layers(digits.image(1), [&](int op, int, std::span<const std::int8_t> out) {
        CHECK(set.layers[8 + static_cast<std::size_t>(op)].checksum == tinydigit::engine::fnv1a32(out.data(), out.size()));
    });
    CHECK(set.layers[7].tensor == "dense2");

    tinydigit::testing::TempDir dir;
    write_golden_dir(dir.path() / "golden", set);
    const auto back = tinydigit::model_to_c::read_golden_set(dir.path() / "golden");
    REQUIRE(back.images.size() == 6);
    for (std::size_t i = 0; i < 6; ++i) {
        CHECK(back.images[i].pixels == set.images[i].pixels);
        CHECK(back.images[i].logits == set.images[i].logits);
    }
    CHECK(back.layers.size() == set.layers.size());
}

TEST_CASE("golden files: too few or unlabeled images are refused") {
    const ModelFile file = quantized("compact", 14);
    auto digits = some_digits(3);
    CHECK_THROWS_WITH(make_golden_set(file, digits, {5, 1}), doctest::Contains("golden files need 5"));
    digits.labels.clear();
    CHECK_THROWS_WITH(make_golden_set(file, digits, {2, 1}), doctest::Contains("need labels"));
}
