// FloatModel: evaluation-mode inference from a checkpoint, the quantizer's float reference.
#include <cstring>

#include <doctest/doctest.h>

#include "tinydigit/host/dataset/idx.hpp"
#include "tinydigit/trainer/float_model.hpp"
#include "tinydigit/trainer/network_state.hpp"

using namespace tinydigit::trainer;

namespace {

CheckpointData fresh_checkpoint(const Architecture& arch) {
    Network net(arch, 2);
    net.initialize(5);
    CheckpointData ckpt;
    ckpt.architecture = std::string(arch.name);
    ckpt.params = export_parameters(net);
    ckpt.buffers = export_buffers(net);
    // Non-trivial running statistics, so evaluation mode is distinguishable.
    for (auto& b : ckpt.buffers) {
        for (std::size_t i = 0; i < b.data.size(); ++i) b.data[i] += 0.01f * static_cast<float>(i % 7);
    }
    return ckpt;
}

}  // namespace

TEST_CASE("FloatModel: activations are NHWC at every quantization point and chunking does not change results") {
    const std::string dir = TINYDIGIT_DATA_DIR;
    const auto images = tinydigit::dataset::read_idx(dir + "/t10k-images-idx3-ubyte");
    const CheckpointData ckpt = fresh_checkpoint(kCompact);
    FloatModel model(ckpt);
    constexpr std::size_t n = 130;  // more than one chunk
    const auto logits = model.logits(images.pixels.data(), n);
    REQUIRE(logits.size() == n * 10);
    const auto acts = model.activations(images.pixels.data(), n);

    const std::pair<const char*, std::size_t> sizes[] = {
        {"conv1", 30 * 30 * 16}, {"conv2", 30 * 30 * 16}, {"pool1", 15 * 15 * 16}, {"conv3", 17 * 17 * 32},
        {"conv4", 17 * 17 * 32}, {"pool2", 8 * 8 * 32},   {"conv5", 8 * 8 * 64},   {"conv6", 8 * 8 * 64},
        {"pool3", 4 * 4 * 64},   {"dense1", 64},          {"dense2", 10}};
    CHECK(acts.size() == std::size(sizes));
    for (const auto& [name, per_image] : sizes) {
        CAPTURE(name);
        REQUIRE(acts.count(name) == 1);
        CHECK(acts.at(name).size() == n * per_image);
    }
    CHECK(std::memcmp(acts.at("dense2").data(), logits.data(), logits.size() * sizeof(float)) == 0);

    // The last image alone gives the same logits as inside a batch of 130.
    const auto alone = model.logits(images.image(n - 1), 1);
    for (int c = 0; c < 10; ++c) CHECK(alone[static_cast<std::size_t>(c)] == doctest::Approx(logits[(n - 1) * 10 + c]));

    // NHWC: max pooling of conv2 (after BN + ReLU) at (h, w, c) gives pool1 at (h/2, w/2, c).
    const auto& conv2 = acts.at("conv2");
    const auto& pool1 = acts.at("pool1");
    for (const auto [h, w, c] : {std::array<int, 3>{3, 5, 7}, {14, 0, 15}, {7, 11, 0}}) {
        auto at = [](const std::vector<float>& v, int size, int channels, int y, int x, int ch) {
            return v[(static_cast<std::size_t>(y) * size + x) * channels + ch];
        };
        const float expected = std::max(std::max(at(conv2, 30, 16, 2 * h, 2 * w, c), at(conv2, 30, 16, 2 * h, 2 * w + 1, c)),
                                        std::max(at(conv2, 30, 16, 2 * h + 1, 2 * w, c),
                                                 at(conv2, 30, 16, 2 * h + 1, 2 * w + 1, c)));
        CHECK(at(pool1, 15, 16, h, w, c) == expected);
    }
}

TEST_CASE("FloatModel refuses checkpoints that do not fit the architecture") {
    CheckpointData ckpt = fresh_checkpoint(kCompact);
    SUBCASE("unknown architecture") {
        ckpt.architecture = "huge";
        CHECK_THROWS_WITH_AS(FloatModel{ckpt}, doctest::Contains("\"huge\""), CheckpointError);
    }
    SUBCASE("other architecture's shapes") {
        ckpt.architecture = "seed";
        CHECK_THROWS_WITH_AS(FloatModel{ckpt}, doctest::Contains("conv1.weight has shape [16,1,5,5]"), CheckpointError);
    }
    SUBCASE("missing tensor") {
        ckpt.buffers.pop_back();
        CHECK_THROWS_WITH_AS(FloatModel{ckpt}, doctest::Contains("bn6.running_var"), CheckpointError);
    }
}
