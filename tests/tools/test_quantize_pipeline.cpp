// Calibration through the trainer's float model and the whole quantizer, checked layer by
// layer against float: a wrong fold, layout or permutation would drop a layer's SNR to ~0 dB.
#include <doctest/doctest.h>

#include "checkpoint_fixtures.hpp"
#include "float_model_reference.hpp"
#include "tinydigit/host/dataset/idx.hpp"
#include "tinydigit/host/dataset/sources.hpp"
#include "tinydigit/tools/calibrate.hpp"
#include "tinydigit/tools/fold.hpp"
#include "tinydigit/tools/report.hpp"
#include "tinydigit/tools/serialize.hpp"

using namespace tinydigit::tools;

namespace {

tinydigit::dataset::Images first_images(const tinydigit::dataset::Images& all, std::size_t n) {
    tinydigit::dataset::Images out;
    out.source = all.source;
    out.pixels.assign(all.pixels.begin(), all.pixels.begin() + static_cast<std::ptrdiff_t>(n * 784));
    out.labels.assign(all.labels.begin(), all.labels.begin() + static_cast<std::ptrdiff_t>(n));
    return out;
}

}  // namespace

TEST_CASE("quantizer pipeline: every int8 layer tracks the float network (compact, random weights)") {
    const auto checkpoint = tinydigit::testing::random_checkpoint("compact", 41);
    const auto folded = fold_checkpoint(checkpoint);
    FloatReference reference = float_reference(checkpoint, 1);
    const auto mnist = tinydigit::dataset::mnist_files();
    const auto train = tinydigit::dataset::read_idx(mnist.train_images);
    std::vector<std::string> names;
    for (const auto& layer : folded.layers) names.push_back(layer.output_name);
    const Ranges ranges = calibrate(reference, train.pixels.data(), 200, names);
    CHECK(ranges.at("conv1").min == 0.0f);  // after ReLU
    CHECK(ranges.at("dense2").min < 0.0f);  // logits

    const auto bytes = serialize_model(quantize_network(folded, ranges));
    const auto file = ModelFile::from_bytes(bytes, "compact");
    const auto test = first_images(tinydigit::dataset::read_idx(mnist.test_images, mnist.test_labels), 100);
    const QuantizeReport report = measure_report(file, reference, test, 50);
    REQUIRE(report.layers.size() == 8);
    for (const auto& layer : report.layers) {
        CAPTURE(layer.tensor);
        CHECK(layer.snr_db > 25.0);
    }
    CHECK(report.int8_eval.count == 100);
    CHECK(report.text().find("argmax agreement") != std::string::npos);
}

TEST_CASE("calibration: ranges are rounded outward to 8 significant bits") {
    CHECK(round_outward(1.0f) == 1.0f);
    CHECK(round_outward(1.001f) == 1.0f + 1.0f / 128.0f);
    CHECK(round_outward(-1.001f) == -(1.0f + 1.0f / 128.0f));
    CHECK(round_outward(0.0f) == 0.0f);
    CHECK(round_outward(3.0f) == 3.0f);
}

TEST_CASE("calibration: ordinary ranges are min/max, the logits range starts at the lowest second-largest logit") {
    // Two images; "conv1" is 3 values each, "dense2" 10 logits each.
    FloatReference fake;
    fake.activations = [](const std::uint8_t*, std::size_t n) {
        std::map<std::string, std::vector<float>> out;
        REQUIRE(n == 2);
        out["conv1"] = {0.0f, 1.5f, 0.25f, 3.0f, 0.0f, 0.5f};
        out["dense2"] = {5, 1, 0, -9, -9, -9, -9, -9, -9, -9,  //
                         -9, -2, 3, -9, -9, -9, -9, -9, -9, -9};
        return out;
    };
    const std::vector<std::uint8_t> pixels(2 * 784);
    const Ranges r = calibrate(fake, pixels.data(), 2, {"conv1", "dense2"}, "dense2");
    CHECK(r.at("conv1").min == 0.0f);
    CHECK(r.at("conv1").max == 3.0f);
    CHECK(r.at("dense2").min == -2.0f);  // lowest second-largest
    CHECK(r.at("dense2").max == 5.0f);   // largest
    const Ranges plain = calibrate(fake, pixels.data(), 2, {"dense2"});
    CHECK(plain.at("dense2").min == -9.0f);
    CHECK_THROWS_WITH(calibrate(fake, pixels.data(), 2, {"pool9"}), doctest::Contains("no activation pool9"));
}

TEST_CASE("calibration: a ReLU range is clipped where that lowers the squared error, and only there") {
    // 1,000 images x 1,000 values uniform in [0, 1); "conv1" also holds one value of 1.2 per
    // batch of 100 images (10 in all). Clipping at ~1 costs 10 x 0.2^2 = 0.4 and saves
    // 10^6 x ((1.2/255)^2 - (1/255)^2) / 12 = 0.56: the range must stop near 1.
    // "conv3" with one value of 40 per batch: clipping to the bulk would cost ~15,000, so the
    // range stays near 40 (the optimum trims it a little: 10 x 4.5^2 = 202 < 435 saved).
    FloatReference fake;
    fake.activations = [](const std::uint8_t*, std::size_t n) {
        std::map<std::string, std::vector<float>> out;
        auto& v = out["conv1"];
        auto& w = out["conv3"];
        for (std::size_t i = 0; i < n * 1000; ++i) {
            v.push_back(static_cast<float>(i % 1000) / 1000.0f);
            w.push_back(static_cast<float>(i % 1000) / 1000.0f);
        }
        v[7] = 1.2f;
        w[7] = 40.0f;
        return out;
    };
    const std::vector<std::uint8_t> pixels(1000 * 784);
    const Ranges r = calibrate(fake, pixels.data(), 1000, {"conv1", "conv3"});
    CHECK(r.at("conv1").max < 1.1f);
    CHECK(r.at("conv1").max > 0.95f);
    CHECK(r.at("conv3").max > 30.0f);
    CHECK(r.at("conv3").max <= 40.0f);
}
