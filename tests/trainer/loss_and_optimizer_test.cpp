// The hand-written parts of training: softmax cross-entropy, Adam, ReduceLROnPlateau.
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "tinydigit/trainer/adam.hpp"
#include "tinydigit/trainer/softmax_cross_entropy.hpp"
#include "tinydigit/trainer/training.hpp"

using namespace tinydigit::trainer;

TEST_CASE("softmax cross-entropy gradient matches finite differences of the mean loss") {
    const std::vector<std::uint8_t> labels{3, 0, 9};
    std::vector<float> logits(30);
    for (std::size_t i = 0; i < logits.size(); ++i) logits[i] = std::sin(static_cast<float>(i) * 1.7f) * 3.0f;
    std::vector<float> diff(30);
    softmax_cross_entropy(logits.data(), labels.data(), 3, 10, diff.data());
    const double h = 1e-3;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        auto mean_loss = [&](float delta) {
            auto x = logits;
            x[i] += delta;
            return softmax_cross_entropy(x.data(), labels.data(), 3, 10, nullptr).loss_sum / 3.0;
        };
        const double numeric = (mean_loss(static_cast<float>(h)) - mean_loss(static_cast<float>(-h))) / (2 * h);
        CHECK(diff[i] == doctest::Approx(numeric).epsilon(1e-3).scale(1.0));
    }
}

TEST_CASE("softmax cross-entropy: loss, accuracy and no overflow on huge logits") {
    const std::vector<float> logits{1000.0f, 0.0f, -1000.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    const std::uint8_t right = 0, wrong = 2;
    const auto ok = softmax_cross_entropy(logits.data(), &right, 1, 10, nullptr);
    CHECK(ok.correct == 1);
    CHECK(ok.loss_sum == doctest::Approx(0.0));
    const auto bad = softmax_cross_entropy(logits.data(), &wrong, 1, 10, nullptr);
    CHECK(bad.correct == 0);
    CHECK(bad.loss_sum == doctest::Approx(2000.0));
    CHECK(std::isfinite(bad.loss_sum));
}

TEST_CASE("Adam's first step moves every weight by the learning rate against its gradient's sign") {
    Device device;
    const auto desc = plain_desc({4});
    Parameter p{"w", {4}, desc, dnnl::memory(desc, device.engine), dnnl::memory(desc, device.engine), 0, 0, 0.0f};
    const float g[4] = {0.5f, -2.0f, 1e-3f, 0.0f};
    for (int i = 0; i < 4; ++i) {
        data_of(p.value)[i] = 1.0f;
        data_of(p.grad)[i] = g[i];
    }
    Adam adam({&p});
    adam.step(0.01f);
    // m_hat / sqrt(v_hat) = sign(g) on the first step (epsilon aside).
    CHECK(data_of(p.value)[0] == doctest::Approx(0.99f));
    CHECK(data_of(p.value)[1] == doctest::Approx(1.01f));
    CHECK(data_of(p.value)[2] == doctest::Approx(0.99f).epsilon(1e-4));
    CHECK(data_of(p.value)[3] == 1.0f);
    CHECK(adam.steps() == 1);
}

TEST_CASE("ReduceLROnPlateau halves the rate after 3 epochs without improvement, down to 1e-5") {
    Plateau plateau;
    float rate = 1e-3f;
    rate = plateau.update(0.90f, rate);
    CHECK(rate == 1e-3f);
    rate = plateau.update(0.95f, rate);  // improvement resets the count
    rate = plateau.update(0.95f, rate);
    rate = plateau.update(0.95005f, rate);  // below min_delta: no improvement
    CHECK(rate == 1e-3f);
    rate = plateau.update(0.94f, rate);
    CHECK(rate == 5e-4f);
    for (int i = 0; i < 30; ++i) rate = plateau.update(0.5f, rate);
    CHECK(rate == Plateau::kMinRate);
}
