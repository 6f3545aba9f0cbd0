// --precision bf16: the convolutions, BN and pooling compute in bf16 with f32 master weights.
// The same weights must give the f32 network's logits and gradients to bf16 precision, and
// training must learn. Runs where oneDNN has bf16 training kernels (AVX-512).
#include <cmath>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "gradient_check.hpp"
#include "support/skip.hpp"
#include "tinydigit/trainer/network.hpp"
#include "tinydigit/trainer/softmax_cross_entropy.hpp"

using namespace tinydigit::trainer;

namespace {

// ||a - b|| / ||b||
double relative_error(const std::vector<float>& a, const std::vector<float>& b) {
    double diff = 0.0, norm = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff += (static_cast<double>(a[i]) - b[i]) * (static_cast<double>(a[i]) - b[i]);
        norm += static_cast<double>(b[i]) * b[i];
    }
    return std::sqrt(diff / norm);
}

struct Pass {
    std::vector<float> logits;
    std::vector<std::vector<float>> grads;  // per parameter, user layout
    std::vector<std::string> names;         // of those parameters
};

Pass train_pass(Precision precision, const std::vector<float>& pixels, const std::uint8_t* labels, int n) {
    Network net(kCompact, n, precision);
    net.initialize(3);
    std::copy(pixels.begin(), pixels.end(), net.input());
    const float* logits = net.forward(Mode::kTrain, 5);
    Pass pass{{logits, logits + n * 10}, {}, {}};
    std::vector<float> diff(static_cast<std::size_t>(n) * 10);
    softmax_cross_entropy(logits, labels, static_cast<std::size_t>(n), 10, diff.data());
    net.backward(diff.data());
    for (Parameter* p : net.parameters()) {
        pass.grads.push_back(net.to_user(p->grad, p->user_desc));
        pass.names.push_back(p->name);
    }
    return pass;
}

}  // namespace

TEST_CASE("bf16 network: same weights give the f32 network's logits and gradients to bf16 precision") {
    if (!bf16_supported()) {
        tinydigit::test::skip_case("this CPU has no AVX-512: bf16 training is unavailable");
        return;
    }
    constexpr int n = 16;
    const auto pixels = testing::random_values(n * 784, 11, 0.0f, 1.0f);
    std::uint8_t labels[n];
    for (int i = 0; i < n; ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
    const Pass f32 = train_pass(Precision::kF32, pixels, labels, n);
    const Pass bf16 = train_pass(Precision::kBF16, pixels, labels, n);

    const double logit_error = relative_error(bf16.logits, f32.logits);
    MESSAGE("logits: relative error " << logit_error);
    CHECK(logit_error < 0.03);
    CHECK(logit_error > 0.0);  // it did compute in bf16
    // Measured: 1-8 % for the dense layers, growing to 10-36 % towards the input as each BN
    // backward subtracts nearly equal bf16 terms (24 % at most with the dropout masks of
    // before they were drawn in logical order: the figure depends on which units drop). A
    // wrong mask, layout or missing term gives errors near 100 %. The conv biases are left out: BN cancels them, their f32 gradient is
    // rounding noise around zero.
    for (std::size_t k = 0; k < f32.grads.size(); ++k) {
        const std::string& name = f32.names[k];
        if (name.starts_with("conv") && name.ends_with(".bias")) continue;
        const double error = relative_error(bf16.grads[k], f32.grads[k]);
        INFO(name << ": relative error " << error);
        CHECK(error < 0.5);
    }
}

TEST_CASE("bf16 needs AVX-512 and says so where it is missing") {
    if (bf16_supported()) {
        CHECK_NOTHROW(Network(kCompact, 2, Precision::kBF16));
    } else {
        CHECK_THROWS_WITH(Network(kCompact, 2, Precision::kBF16), doctest::Contains("AVX-512"));
    }
}
