// The whole network's backward pass (every layer chained, dropout active) against finite
// differences of the loss, for sampled entries of every parameter tensor.
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "gradient_check.hpp"
#include "tinydigit/trainer/network.hpp"
#include "tinydigit/trainer/softmax_cross_entropy.hpp"

using namespace tinydigit::trainer;

TEST_CASE("network backward matches finite differences of the cross-entropy for every parameter") {
    constexpr int n = 4;
    Network net(kCompact, n);
    net.initialize(3);
    const auto pixels = testing::random_values(n * 784, 11, 0.0f, 1.0f);
    const std::uint8_t labels[n] = {1, 7, 3, 0};
    constexpr std::uint64_t kDropoutKey = 5;
    auto loss = [&]() {
        std::copy(pixels.begin(), pixels.end(), net.input());
        const float* logits = net.forward(Mode::kTrain, kDropoutKey);
        return softmax_cross_entropy(logits, labels, n, 10, nullptr).loss_sum / n;
    };
    std::copy(pixels.begin(), pixels.end(), net.input());
    std::vector<float> diff(n * 10);
    softmax_cross_entropy(net.forward(Mode::kTrain, kDropoutKey), labels, n, 10, diff.data());
    net.backward(diff.data());

    std::size_t checked = 0, agreed = 0;
    for (Parameter* p : net.parameters()) {
        auto values = net.to_user(p->value, p->user_desc);
        const auto grads = net.to_user(p->grad, p->user_desc);
        // The largest gradients are the ones finite differences resolve well in float.
        std::vector<std::size_t> order(values.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::partial_sort(order.begin(), order.begin() + 3, order.end(),
                          [&](std::size_t a, std::size_t b) { return std::abs(grads[a]) > std::abs(grads[b]); });
        for (int s = 0; s < 3; ++s) {
            const std::size_t i = order[static_cast<std::size_t>(s)];
            const float saved = values[i];
            // Small enough that few ReLU / max-pool kinks fall inside the step.
            const float h = 5e-4f;
            values[i] = saved + h;
            net.from_user(values, p->user_desc, p->value);
            const double up = loss();
            values[i] = saved - h;
            net.from_user(values, p->user_desc, p->value);
            const double down = loss();
            values[i] = saved;
            net.from_user(values, p->user_desc, p->value);
            const double numeric = (up - down) / (2.0 * h);
            // Float rounding of the loss limits the difference quotient to a few 1e-3 absolute
            // (up to 3.3e-3 measured where the 3x3 convs run Winograd, which rounds more than the
            // direct kernels); conv biases before BN have an exactly-zero gradient that this
            // resolves only to that. Every other sampled gradient is above 0.15, where the 5 %
            // term decides.
            const bool ok = std::abs(numeric - grads[i]) <= 0.05 * std::abs(numeric) + 5e-3;
            ++checked;
            agreed += ok;
            if (!ok) MESSAGE(p->name << "[" << i << "]: analytic " << grads[i] << ", numeric " << numeric);
        }
    }
    // A kink of ReLU or max pooling inside the step can spoil a single comparison.
    CHECK(agreed + 2 >= checked);
}
