#include "checkpoint_fixtures.hpp"

#include <cmath>
#include <random>

#include "tinydigit/trainer/architecture.hpp"

namespace tinydigit::testing {

namespace {

trainer::NamedTensor random_tensor(const std::string& name, std::vector<int> shape, std::mt19937& rng, float lo,
                                   float hi) {
    std::size_t n = 1;
    for (const int d : shape) n *= static_cast<std::size_t>(d);
    std::uniform_real_distribution<float> dist(lo, hi);
    trainer::NamedTensor t{name, std::move(shape), std::vector<float>(n)};
    for (float& v : t.data) v = dist(rng);
    return t;
}

}  // namespace

trainer::CheckpointData random_checkpoint(const std::string& architecture, std::uint32_t seed) {
    const auto arch = trainer::architecture_by_name(architecture).value();
    std::mt19937 rng(seed);
    trainer::CheckpointData c;
    c.architecture = architecture;
    c.epoch = 1;
    c.seed = seed;
    c.tool_version = "test";
    int channels = 1;
    int size = trainer::Architecture::kInputSize;
    for (int i = 0; i < 6; ++i) {
        const auto& spec = trainer::Architecture::kConvs[static_cast<std::size_t>(i)];
        const int out = arch.conv_channels[static_cast<std::size_t>(i)];
        const std::string id = std::to_string(i + 1);
        const float bound = std::sqrt(6.0f / static_cast<float>(channels * spec.kernel * spec.kernel));
        c.params.push_back(random_tensor("conv" + id + ".weight", {out, channels, spec.kernel, spec.kernel}, rng,
                                         -bound, bound));
        c.params.push_back(random_tensor("conv" + id + ".bias", {out}, rng, -0.1f, 0.1f));
        c.params.push_back(random_tensor("bn" + id + ".gamma", {out}, rng, 0.5f, 1.5f));
        c.params.push_back(random_tensor("bn" + id + ".beta", {out}, rng, -0.2f, 0.2f));
        c.buffers.push_back(random_tensor("bn" + id + ".running_mean", {out}, rng, -0.5f, 0.5f));
        c.buffers.push_back(random_tensor("bn" + id + ".running_var", {out}, rng, 0.5f, 2.0f));
        size = size + 2 * spec.padding - spec.kernel + 1;
        if (spec.pool_after) size /= 2;
        channels = out;
    }
    const float b1 = std::sqrt(6.0f / static_cast<float>(channels * size * size));
    c.params.push_back(random_tensor("dense1.weight", {arch.dense_units, channels, size, size}, rng, -b1, b1));
    c.params.push_back(random_tensor("dense1.bias", {arch.dense_units}, rng, -0.1f, 0.1f));
    const float b2 = std::sqrt(6.0f / static_cast<float>(arch.dense_units));
    c.params.push_back(random_tensor("dense2.weight", {10, arch.dense_units}, rng, -b2, b2));
    c.params.push_back(random_tensor("dense2.bias", {10}, rng, -0.1f, 0.1f));
    return c;
}

}  // namespace tinydigit::testing
