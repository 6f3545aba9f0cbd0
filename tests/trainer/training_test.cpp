// The training loop on small MNIST subsets: reproducibility, exact resume, and that it learns.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "support/skip.hpp"
#include "support/temp_dir.hpp"
#include "tinydigit/host/dataset/idx.hpp"
#include "tinydigit/trainer/float_model.hpp"
#include "tinydigit/host/training/history.hpp"
#include "tinydigit/trainer/network_state.hpp"
#include "tinydigit/trainer/softmax_cross_entropy.hpp"
#include "tinydigit/trainer/training.hpp"

using namespace tinydigit::trainer;
namespace ds = tinydigit::dataset;

namespace {

ds::Images first_images(const std::string& images, const std::string& labels, std::size_t n) {
    const std::string dir = TINYDIGIT_DATA_DIR;
    ds::Images all = ds::read_idx(dir + "/" + images, dir + "/" + labels);
    all.pixels.resize(n * ds::kPixels);
    all.labels.resize(n);
    return all;
}

ds::Images train_subset(std::size_t n) { return first_images("train-images-idx3-ubyte", "train-labels-idx1-ubyte", n); }

TrainOptions tiny_options(const std::filesystem::path& out, int epochs) {
    TrainOptions o;
    o.arch = kCompact;
    o.epochs = epochs;
    o.batch = 16;
    o.seed = 7;
    o.out = out;
    o.log = nullptr;
    return o;
}

void check_same_tensors(const std::vector<NamedTensor>& a, const std::vector<NamedTensor>& b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        INFO(a[i].name);
        CHECK(a[i].name == b[i].name);
        REQUIRE(a[i].data.size() == b[i].data.size());
        CHECK(std::memcmp(a[i].data.data(), b[i].data.data(), a[i].data.size() * sizeof(float)) == 0);
    }
}

// What train_main records for a single --data source holding `data`.
std::vector<DataSource> one_source(const ds::Images& data) {
    return {{"subset", std::string(64, 'a'), static_cast<int>(data.count()), 1.0f, "subset"}};
}

}  // namespace

TEST_CASE("same seed and data give the same weights bit for bit, a resumed run equals an uninterrupted one") {
    const auto data = train_subset(160);
    tinydigit::testing::TempDir dir;
    train(tiny_options(dir.path() / "straight", 3), data, one_source(data));
    train(tiny_options(dir.path() / "again", 3), data, one_source(data));
    auto first_part = tiny_options(dir.path() / "resumed", 3);
    first_part.stop_after = 2;  // as a kill after epoch 2 would; epoch 3 is the annealed one
    CHECK(train(first_part, data, one_source(data)).epochs_done == 2);
    auto resume = tiny_options(dir.path() / "resumed", 3);
    resume.resume = true;
    train(resume, data, one_source(data));

    const auto straight = load_checkpoint(dir.path() / "straight" / "last.ckpt");
    for (const char* other : {"again", "resumed"}) {
        CAPTURE(other);
        const auto ckpt = load_checkpoint(dir.path() / other / "last.ckpt");
        CHECK(ckpt.epoch == 3);
        CHECK(ckpt.learning_rate == straight.learning_rate);
        check_same_tensors(ckpt.params, straight.params);
        check_same_tensors(ckpt.buffers, straight.buffers);
        REQUIRE(ckpt.resume);
        CHECK(ckpt.resume->adam.step == straight.resume->adam.step);
        check_same_tensors(ckpt.resume->adam.m, straight.resume->adam.m);
        check_same_tensors(ckpt.resume->adam.v, straight.resume->adam.v);
        const auto history = read_history_csv(dir.path() / other / "history.csv");
        const auto reference = read_history_csv(dir.path() / "straight" / "history.csv");
        REQUIRE(history.size() == 3);
        CHECK(history[2].val_acc == reference[2].val_acc);
        CHECK(history[2].loss == reference[2].loss);
    }
    // A different seed is a different run.
    auto other_seed = tiny_options(dir.path() / "seed8", 1);
    other_seed.seed = 8;
    train(other_seed, data, one_source(data));
    const auto seed8 = load_checkpoint(dir.path() / "seed8" / "last.ckpt");
    CHECK(seed8.params[0].data != straight.params[0].data);
}

TEST_CASE("fine-tuning on two weighted sources from --init: a resumed run equals an uninterrupted one") {
    const auto data = train_subset(120);  // the first 80 as one source, the last 40 as another
    const std::vector<DataSource> sources{{"a", std::string(64, 'a'), 80, 0.5f, "a"},
                                          {"b", std::string(64, 'b'), 40, 2.5f, "b"}};
    tinydigit::testing::TempDir dir;
    train(tiny_options(dir.path() / "start", 1), data, one_source(data));
    auto fine_tune = [&](const std::string& name, int stop_after, bool resume) {
        auto o = tiny_options(dir.path() / name, 3);
        o.init = dir.path() / "start" / "best.ckpt";
        o.init_sha256 = std::string(64, 'c');
        o.stop_after = stop_after;
        o.resume = resume;
        return train(o, data, sources);
    };
    const auto straight_summary = fine_tune("straight", 0, false);
    CHECK(straight_summary.best_source_val_accuracy.size() == 2);
    fine_tune("resumed", 2, false);
    fine_tune("resumed", 0, true);

    const auto straight = load_checkpoint(dir.path() / "straight" / "last.ckpt");
    const auto resumed = load_checkpoint(dir.path() / "resumed" / "last.ckpt");
    CHECK(resumed.epoch == 3);
    check_same_tensors(resumed.params, straight.params);
    check_same_tensors(resumed.buffers, straight.buffers);
    REQUIRE(straight.recipe);
    CHECK(straight.recipe->init_sha256 == std::string(64, 'c'));
    CHECK(straight.data[1].weight == 2.5f);
    const auto history = read_history_csv(dir.path() / "resumed" / "history.csv");
    REQUIRE(history.size() == 3);
    CHECK(history[2].source_val_acc.size() == 2);
    const auto reference = read_history_csv(dir.path() / "straight" / "history.csv");
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(history[i].val_acc == reference[i].val_acc);
        CHECK(history[i].loss == reference[i].loss);
        CHECK(history[i].source_val_acc == reference[i].source_val_acc);
    }
}

TEST_CASE("--init starts from the checkpoint's weights, not from the seed's random ones") {
    const auto data = train_subset(80);
    tinydigit::testing::TempDir dir;
    train(tiny_options(dir.path() / "start", 1), data, one_source(data));
    auto o = tiny_options(dir.path() / "still", 1);
    o.init = dir.path() / "start" / "best.ckpt";
    o.learning_rate = 1e-9f;  // steps too small to move the weights visibly
    train(o, data, one_source(data));
    const auto start = load_checkpoint(dir.path() / "start" / "best.ckpt");
    const auto still = load_checkpoint(dir.path() / "still" / "best.ckpt");
    REQUIRE(start.params.size() == still.params.size());
    for (std::size_t t = 0; t < start.params.size(); ++t) {
        CAPTURE(start.params[t].name);
        float largest = 0.0f;
        for (std::size_t i = 0; i < start.params[t].data.size(); ++i)
            largest = std::max(largest, std::abs(start.params[t].data[i] - still.params[t].data[i]));
        CHECK(largest < 1e-5f);
    }
}

TEST_CASE("a resume is refused for another architecture, seed, precision or data") {
    const auto data = train_subset(40);
    tinydigit::testing::TempDir dir;
    train(tiny_options(dir.path(), 1), data, one_source(data));
    auto o = tiny_options(dir.path(), 2);
    o.resume = true;
    SUBCASE("architecture") {
        o.arch = kSeed;
        CHECK_THROWS_WITH(train(o, data, one_source(data)), doctest::Contains("holds a compact network"));
    }
    SUBCASE("seed") {
        o.seed = 99;
        CHECK_THROWS_WITH(train(o, data, one_source(data)), doctest::Contains("--seed 7"));
    }
    SUBCASE("precision") {
        o.precision = Precision::kBF16;
        CHECK_THROWS_WITH(train(o, data, one_source(data)), doctest::Contains("--precision f32, not bf16"));
    }
    SUBCASE("data") {
        auto sources = one_source(data);
        sources[0].sha256 = std::string(64, 'b');
        CHECK_THROWS_WITH(train(o, data, sources), doctest::Contains("other data"));
    }
    SUBCASE("nothing to resume") {
        o.out = dir.path() / "empty";
        CHECK_THROWS_WITH(train(o, data, one_source(data)), doctest::Contains("nothing to resume"));
    }
}

namespace {

void two_short_epochs_classify_far_above_chance(Precision precision) {
    if (precision == Precision::kBF16 && !bf16_supported()) {
        tinydigit::test::skip_case("this CPU has no AVX-512: bf16 training is unavailable");
        return;
    }
    const auto data = train_subset(4000);
    tinydigit::testing::TempDir dir;
    auto o = tiny_options(dir.path(), 2);
    o.augment = false;
    o.precision = precision;
    const auto summary = train(o, data, one_source(data));
    CHECK(summary.best_val_accuracy > 0.6f);
    CHECK(load_checkpoint(dir.path() / "best.ckpt").precision == precision_name(o.precision));

    const auto test = first_images("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 1000);
    FloatModel model(load_checkpoint(dir.path() / "best.ckpt"));
    const auto logits = model.logits(test.pixels.data(), test.count());
    std::size_t correct = 0;
    for (std::size_t i = 0; i < test.count(); ++i) correct += argmax(&logits[i * 10], 10) == test.labels[i];
    MESSAGE("test accuracy after 2 epochs on 3,600 digits: " << correct / 10.0 << " %");
    CHECK(correct > 600);  // chance is 100
}

}  // namespace

TEST_CASE("two short f32 epochs on 4,000 MNIST digits classify the test digits far above chance") {
    two_short_epochs_classify_far_above_chance(Precision::kF32);
}

TEST_CASE("two short bf16 epochs on 4,000 MNIST digits classify the test digits far above chance") {
    two_short_epochs_classify_far_above_chance(Precision::kBF16);
}

TEST_CASE("precise BN: statistics re-estimated on a batch make evaluation reproduce that batch's normalization") {
    const ds::Images images = train_subset(8);
    Network net(kCompact, 8);
    net.initialize(3);
    const auto before = export_buffers(net);
    const std::vector<std::size_t> ids{0, 1, 2, 3, 4, 5, 6, 7};
    reestimate_batch_norm(net, images, ids, 7);  // less than one batch: nothing changes
    check_same_tensors(export_buffers(net), before);

    reestimate_batch_norm(net, images, ids, 8);
    set_input(net, images.pixels.data(), 8);
    const float* logits = net.forward(Mode::kEval);
    const std::vector<float> evaluated(logits, logits + 80);
    logits = net.forward(Mode::kStatistics);
    for (std::size_t i = 0; i < evaluated.size(); ++i) {
        CAPTURE(i);
        CHECK(evaluated[i] == doctest::Approx(logits[i]).epsilon(1e-4).scale(1.0));
    }
}

TEST_CASE("the final anneal falls from the epoch's rate to zero along half a cosine") {
    CHECK(annealed_rate(1e-3f, 0, 100) == 1e-3f);
    CHECK(annealed_rate(1e-3f, 50, 100) == doctest::Approx(5e-4));
    float previous = 1e-3f;
    for (std::size_t step = 1; step < 100; ++step) {
        const float rate = annealed_rate(1e-3f, step, 100);
        CHECK(rate < previous);
        CHECK(rate > 0.0f);
        previous = rate;
    }
}
