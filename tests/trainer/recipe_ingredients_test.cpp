// The fast recipe's ingredients: the one-cycle schedule, the weight average (EMA) and label
// smoothing, each against hand-computed values; and that a run using all three resumes bit
// for bit.
#include <cmath>
#include <cstring>
#include <vector>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
#include "tinydigit/host/dataset/idx.hpp"
#include "tinydigit/trainer/lr_schedule.hpp"
#include "tinydigit/trainer/recipes.hpp"
#include "tinydigit/trainer/softmax_cross_entropy.hpp"
#include "tinydigit/trainer/training.hpp"
#include "tinydigit/trainer/weight_average.hpp"

using namespace tinydigit::trainer;

TEST_CASE("one cycle: climbs from peak/25 to the peak over the first quarter, then half a cosine to zero") {
    // 200 steps: the climb ends at step 50, the cosine's middle is step 125.
    CHECK(one_cycle_rate(1e-3f, 0, 200) == doctest::Approx(4e-5));
    CHECK(one_cycle_rate(1e-3f, 25, 200) == doctest::Approx(5.2e-4));  // halfway up: 0.04 + 0.96 / 2
    CHECK(one_cycle_rate(1e-3f, 50, 200) == doctest::Approx(1e-3));
    CHECK(one_cycle_rate(1e-3f, 125, 200) == doctest::Approx(5e-4));
    CHECK(one_cycle_rate(1e-3f, 199, 200) == doctest::Approx(1e-3 * 0.5 * (1 + std::cos(M_PI * 149 / 150))));
    CHECK(one_cycle_rate(1e-3f, 199, 200) > 0.0f);
    CHECK(one_cycle_rate(1e-3f, 199, 200) < 1e-6f);
}

TEST_CASE("weight average: the decay ramps up from 0.1, updates mix in (1 - d) of the weights, swapping exchanges") {
    CHECK(WeightAverage::decay_at(0.999f, 0) == doctest::Approx(0.1));
    CHECK(WeightAverage::decay_at(0.999f, 8) == doctest::Approx(0.5));
    CHECK(WeightAverage::decay_at(0.9f, 1000) == 0.9f);

    Device device;
    const auto desc = plain_desc({2});
    Parameter p{"w", {2}, desc, dnnl::memory(desc, device.engine), dnnl::memory(desc, device.engine), 0, 0, 0.0f};
    float* w = data_of(p.value);
    w[0] = 1.0f, w[1] = -2.0f;
    WeightAverage average({&p}, 0.9f);  // starts at the weights: (1, -2)
    w[0] = 3.0f, w[1] = 2.0f;
    average.update();  // d = 0.1: 0.1 * 1 + 0.9 * 3, 0.1 * -2 + 0.9 * 2
    CHECK(average.updates() == 1);
    average.set_updates(1000);
    average.update();  // d = 0.9: 0.9 * 2.8 + 0.1 * 3, 0.9 * 1.6 + 0.1 * 2
    average.swap_with_parameters();
    CHECK(w[0] == doctest::Approx(2.82));
    CHECK(w[1] == doctest::Approx(1.64));
    average.swap_with_parameters();
    CHECK(w[0] == 3.0f);
    CHECK(w[1] == 2.0f);
}

TEST_CASE("label smoothing: cross-entropy against the smoothed target and its gradient, by hand") {
    // Two classes, logits (ln 3, 0): p = (0.75, 0.25). Smoothing 0.2: target (0.9, 0.1).
    const float logits[2] = {std::log(3.0f), 0.0f};
    const std::uint8_t label = 0;
    float diff[2];
    const auto r = softmax_cross_entropy(logits, &label, 1, 2, diff, 0.2f);
    CHECK(r.loss_sum == doctest::Approx(-0.9 * std::log(0.75) - 0.1 * std::log(0.25)));
    CHECK(diff[0] == doctest::Approx(-0.15));
    CHECK(diff[1] == doctest::Approx(0.15));
    CHECK(r.correct == 1);
    // Smoothing 0 is the plain one-hot loss.
    CHECK(softmax_cross_entropy(logits, &label, 1, 2, nullptr, 0.0f).loss_sum == doctest::Approx(-std::log(0.75)));
}

TEST_CASE("label smoothing: the gradient matches finite differences of the mean loss") {
    const std::vector<std::uint8_t> labels{3, 0, 9};
    std::vector<float> logits(30);
    for (std::size_t i = 0; i < logits.size(); ++i) logits[i] = std::sin(static_cast<float>(i) * 1.3f) * 3.0f;
    std::vector<float> diff(30);
    softmax_cross_entropy(logits.data(), labels.data(), 3, 10, diff.data(), 0.1f);
    const double h = 1e-3;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        auto mean_loss = [&](float delta) {
            auto x = logits;
            x[i] += delta;
            return softmax_cross_entropy(x.data(), labels.data(), 3, 10, nullptr, 0.1f).loss_sum / 3.0;
        };
        const double numeric = (mean_loss(static_cast<float>(h)) - mean_loss(static_cast<float>(-h))) / (2 * h);
        CHECK(diff[i] == doctest::Approx(numeric).epsilon(1e-3).scale(1.0));
    }
}

TEST_CASE("--recipe names: fast and full exist, anything else does not") {
    REQUIRE(recipe_by_name("fast"));
    CHECK(recipe_by_name("fast")->schedule == Schedule::kOneCycle);
    REQUIRE(recipe_by_name("full"));
    CHECK(recipe_by_name("full")->epochs == 40);
    CHECK(recipe_by_name("full")->schedule == Schedule::kOneCycle);
    CHECK_FALSE(recipe_by_name("quick"));
}

TEST_CASE("a run with one cycle, label smoothing and a weight average resumes bit for bit") {
    namespace ds = tinydigit::dataset;
    const std::string dir_name = TINYDIGIT_DATA_DIR;
    ds::Images data = ds::read_idx(dir_name + "/train-images-idx3-ubyte", dir_name + "/train-labels-idx1-ubyte");
    data.pixels.resize(160 * ds::kPixels);
    data.labels.resize(160);
    const std::vector<DataSource> sources{{"subset", std::string(64, 'a'), 160, 1.0f, "subset"}};
    tinydigit::testing::TempDir dir;
    auto options = [&](const char* out) {
        TrainOptions o;
        o.arch = kCompact;
        o.epochs = 3;
        o.batch = 16;
        o.seed = 7;
        o.out = dir.path() / out;
        o.log = nullptr;
        o.precise_bn_images = 32;
        o.schedule = Schedule::kOneCycle;
        o.learning_rate = 3e-3f;
        o.label_smoothing = 0.1f;
        o.ema_decay = 0.9f;
        return o;
    };
    train(options("straight"), data, sources);
    auto first_part = options("resumed");
    first_part.stop_after = 2;
    train(first_part, data, sources);
    auto rest = options("resumed");
    rest.resume = true;
    train(rest, data, sources);

    const auto a = load_checkpoint(dir.path() / "straight" / "last.ckpt");
    const auto b = load_checkpoint(dir.path() / "resumed" / "last.ckpt");
    REQUIRE(a.resume);
    REQUIRE(b.resume);
    REQUIRE(a.recipe);
    CHECK(a.recipe->ema_decay == 0.9f);
    CHECK(a.recipe->schedule == static_cast<std::uint8_t>(Schedule::kOneCycle));
    auto same = [](const std::vector<NamedTensor>& x, const std::vector<NamedTensor>& y) {
        REQUIRE(x.size() == y.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            CAPTURE(x[i].name);
            REQUIRE(x[i].data.size() == y[i].data.size());
            CHECK(std::memcmp(x[i].data.data(), y[i].data.data(), x[i].data.size() * sizeof(float)) == 0);
        }
    };
    same(a.params, b.params);
    same(a.buffers, b.buffers);
    same(a.resume->training_params, b.resume->training_params);
    same(a.resume->adam.m, b.resume->adam.m);
    // The checkpoint holds the average, which is not the last trained weights.
    REQUIRE(a.resume->training_params.size() == a.params.size());
    CHECK(a.params[0].data != a.resume->training_params[0].data);
    // The one cycle ends at zero.
    CHECK(a.learning_rate == 0.0f);
}
