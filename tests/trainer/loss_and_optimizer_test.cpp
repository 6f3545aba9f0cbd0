// The hand-written parts of training: softmax cross-entropy, Adam, ReduceLROnPlateau.
#include <algorithm>
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "gradient_check.hpp"
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

TEST_CASE("Adam updates every element of parameters of any size as its formula says, bit for bit") {
    // Sizes around the 16-element cuts between threads, and one far larger than a cut, on 3 threads.
    const tinydigit::trainer::testing::OmpThreads threads(3);
    Device device;
    const std::vector<int> sizes{1, 15, 17, 40, 3001};
    std::vector<Parameter> params;
    for (const int n : sizes) {
        const auto desc = plain_desc({n});
        params.push_back({"p", {n}, desc, dnnl::memory(desc, device.engine), dnnl::memory(desc, device.engine), 0, 0, 0.0f});
    }
    std::vector<Parameter*> pointers;
    for (Parameter& p : params) pointers.push_back(&p);
    std::vector<std::vector<float>> w, m, v;
    for (const int n : sizes) {
        w.emplace_back(static_cast<std::size_t>(n));
        m.emplace_back(static_cast<std::size_t>(n), 0.0f);
        v.emplace_back(static_cast<std::size_t>(n), 0.0f);
        for (int i = 0; i < n; ++i) w.back()[static_cast<std::size_t>(i)] = std::cos(static_cast<float>(i));
    }
    for (std::size_t k = 0; k < params.size(); ++k) std::copy(w[k].begin(), w[k].end(), data_of(params[k].value));
    Adam adam(pointers);
    for (int step = 1; step <= 3; ++step) {
        const float lr_t = Adam::scaled_rate(1e-2f, step);
        for (std::size_t k = 0; k < params.size(); ++k) {
            float* g = data_of(params[k].grad);
            for (std::size_t i = 0; i < w[k].size(); ++i) {
                g[i] = std::sin(static_cast<float>(i * 7 + k) + static_cast<float>(step));
                m[k][i] = Adam::kBeta1 * m[k][i] + (1.0f - Adam::kBeta1) * g[i];
                v[k][i] = Adam::kBeta2 * v[k][i] + (1.0f - Adam::kBeta2) * g[i] * g[i];
                w[k][i] -= lr_t * m[k][i] / (std::sqrt(v[k][i]) + Adam::kEpsilon);
            }
        }
        adam.step(1e-2f);
    }
    for (std::size_t k = 0; k < params.size(); ++k) {
        CHECK(std::equal(w[k].begin(), w[k].end(), data_of(params[k].value)));
        CHECK(adam.m(k) == m[k]);
        CHECK(adam.v(k) == v[k]);
    }
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
