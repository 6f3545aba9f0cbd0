#include <doctest/doctest.h>
#include <flatbuffers/flatbuffers.h>

#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "support/temp_dir.hpp"
#include "tinydigit/host/common/atomic_file.hpp"
#include "tinydigit/schema/checkpoint_generated.h"
#include "tinydigit/host/training/checkpoint.hpp"

namespace fs = std::filesystem;
using namespace tinydigit::trainer;

namespace {

NamedTensor random_tensor(std::mt19937& rng, std::string name, std::vector<int> shape) {
    std::size_t n = 1;
    for (const int d : shape) n *= static_cast<std::size_t>(d);
    std::normal_distribution<float> normal(0.0f, 0.1f);
    NamedTensor t{std::move(name), std::move(shape), std::vector<float>(n)};
    for (auto& x : t.data) x = normal(rng);
    return t;
}

CheckpointData sample_checkpoint(bool with_resume) {
    std::mt19937 rng(1234);
    CheckpointData c;
    c.architecture = "compact";
    c.epoch = 7;
    c.learning_rate = 0.00025f;
    c.seed = 0xFEDCBA9876543210ull;
    c.params = {random_tensor(rng, "conv1.weight", {16, 1, 5, 5}), random_tensor(rng, "conv1.bias", {16}),
                random_tensor(rng, "bn1.gamma", {16}), random_tensor(rng, "dense2.weight", {10, 64})};
    c.buffers = {random_tensor(rng, "bn1.running_mean", {16}), random_tensor(rng, "bn1.running_var", {16})};
    c.metrics = {0.0421f, 0.9871f, 0.0312f, 0.9912f, 0.9921f};
    c.data = {{"data/mnist/train-images-idx3-ubyte", std::string(64, 'a'), 54000, 1.0f, "mnist"},
              {"kaggle/train.csv", std::string(64, 'b'), 42000, 0.25f, "train.csv"}};
    if (with_resume) {
        ResumeState r;
        r.adam.step = 123456789012ll;
        for (const auto& p : c.params) {
            r.adam.m.push_back(random_tensor(rng, p.name, p.shape));
            r.adam.v.push_back(random_tensor(rng, p.name, p.shape));
        }
        r.plateau = {0.9921f, 2};
        for (int i = 0; i < 2500; ++i) r.rng_state.push_back(static_cast<std::uint8_t>(rng()));
        c.resume = std::move(r);
    }
    c.tool_version = "tinydigit 0.1.0";
    return c;
}

bool bit_equal(const std::vector<NamedTensor>& a, const std::vector<NamedTensor>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].shape != b[i].shape || a[i].data.size() != b[i].data.size()) return false;
        if (std::memcmp(a[i].data.data(), b[i].data.data(), a[i].data.size() * sizeof(float)) != 0) return false;
    }
    return true;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string load_error(const fs::path& p) {
    try {
        load_checkpoint(p);
    } catch (const CheckpointError& e) {
        return e.what();
    }
    return "loaded without error";
}

// A checkpoint built directly with FlatBuffers, to store what save_checkpoint refuses to write.
std::string raw_checkpoint(std::uint32_t version, const std::vector<int>& shape, std::size_t values) {
    flatbuffers::FlatBufferBuilder b;
    const std::vector<float> data(values, 0.5f);
    const auto tensor = tinydigit::ckpt::CreateTensorDirect(b, "conv1.weight", &shape, &data);
    const std::vector<flatbuffers::Offset<tinydigit::ckpt::Tensor>> params{tensor};
    const auto root = tinydigit::ckpt::CreateCheckpointDirect(b, version, "seed", 1, 0.001f, 42, &params);
    tinydigit::ckpt::FinishCheckpointBuffer(b, root);
    return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

}  // namespace

TEST_CASE("save then load gives back exactly what was saved, resume state included") {
    const tinydigit::testing::TempDir dir;
    const auto original = sample_checkpoint(true);
    save_checkpoint(dir.path() / "last.ckpt", original);
    const auto loaded = load_checkpoint(dir.path() / "last.ckpt");

    CHECK(loaded.architecture == original.architecture);
    CHECK(loaded.epoch == original.epoch);
    CHECK(std::memcmp(&loaded.learning_rate, &original.learning_rate, sizeof(float)) == 0);
    CHECK(loaded.seed == original.seed);
    CHECK(bit_equal(loaded.params, original.params));
    CHECK(bit_equal(loaded.buffers, original.buffers));
    CHECK(std::memcmp(&loaded.metrics, &original.metrics, sizeof(CheckpointMetrics)) == 0);
    REQUIRE(loaded.data.size() == 2);
    CHECK(loaded.data[1].path == "kaggle/train.csv");
    CHECK(loaded.data[1].sha256 == original.data[1].sha256);
    CHECK(loaded.data[1].count == 42000);
    CHECK(loaded.data[1].weight == 0.25f);
    CHECK(loaded.data[1].name == "train.csv");
    CHECK(loaded.data[0].weight == 1.0f);
    REQUIRE(loaded.resume.has_value());
    CHECK(loaded.resume->adam.step == 123456789012ll);
    CHECK(bit_equal(loaded.resume->adam.m, original.resume->adam.m));
    CHECK(bit_equal(loaded.resume->adam.v, original.resume->adam.v));
    CHECK(loaded.resume->plateau.best == original.resume->plateau.best);
    CHECK(loaded.resume->plateau.epochs_without_improvement == 2);
    CHECK(loaded.resume->rng_state == original.resume->rng_state);
    CHECK(loaded.tool_version == "tinydigit 0.1.0");
}

TEST_CASE("a checkpoint without resume state loads without one") {
    const tinydigit::testing::TempDir dir;
    save_checkpoint(dir.path() / "best.ckpt", sample_checkpoint(false));
    const auto loaded = load_checkpoint(dir.path() / "best.ckpt");
    CHECK_FALSE(loaded.resume.has_value());
    CHECK(bit_equal(loaded.params, sample_checkpoint(false).params));
}

TEST_CASE("special float values survive bit for bit") {
    const tinydigit::testing::TempDir dir;
    auto c = sample_checkpoint(false);
    auto& w = c.params[0].data;
    w[0] = -0.0f;
    w[1] = std::numeric_limits<float>::denorm_min();
    w[2] = std::numeric_limits<float>::infinity();
    w[3] = std::numeric_limits<float>::max();
    std::uint32_t nan_bits = 0x7FC12345u;
    std::memcpy(&w[4], &nan_bits, sizeof(float));
    save_checkpoint(dir.path() / "x.ckpt", c);
    CHECK(bit_equal(load_checkpoint(dir.path() / "x.ckpt").params, c.params));
}

TEST_CASE("find returns the named tensor and names a missing one") {
    const auto c = sample_checkpoint(false);
    CHECK(c.find("bn1.running_var").shape == std::vector<int>{16});
    CHECK(&c.find("conv1.bias") == &c.params[1]);
    CHECK(&find(c.params, "dense2.weight") == &c.params[3]);
    CHECK_THROWS_WITH_AS(c.find("conv9.weight"), "checkpoint has no tensor conv9.weight", CheckpointError);
    CHECK_THROWS_AS(find(c.buffers, "conv1.weight"), CheckpointError);
}

TEST_CASE("every truncation of a checkpoint is reported as truncated or corrupt") {
    const tinydigit::testing::TempDir dir;
    auto small = sample_checkpoint(true);
    small.params = {small.params[1]};
    small.resume->adam.m = {small.resume->adam.m[1]};
    small.resume->adam.v = {small.resume->adam.v[1]};
    small.resume->rng_state.resize(16);
    save_checkpoint(dir.path() / "full.ckpt", small);
    const std::string bytes = slurp(dir.path() / "full.ckpt");
    const auto cut = dir.path() / "cut.ckpt";
    CHECK(load_error(dir.write("empty.ckpt", "")) == (dir.path() / "empty.ckpt").string() +
                                                         ": empty file, not a tinydigit checkpoint");
    for (std::size_t length = 1; length < bytes.size(); ++length) {
        dir.write("cut.ckpt", bytes.substr(0, length));
        const std::string error = load_error(cut);
        INFO("length " << length << " of " << bytes.size());
        // Cut inside the FlatBuffers data, or only into the integrity footer (then named).
        CHECK((error == cut.string() + ": truncated or corrupt checkpoint" ||
               error == cut.string() + ": truncated or corrupt checkpoint: its integrity footer is missing "
                                       "(truncated, or bytes appended after it)"));
    }
}

TEST_CASE("a changed byte anywhere, or bytes appended, is refused by the integrity footer") {
    const tinydigit::testing::TempDir dir;
    save_checkpoint(dir.path() / "full.ckpt", sample_checkpoint(true));
    const std::string bytes = slurp(dir.path() / "full.ckpt");
    const auto bad = dir.path() / "bad.ckpt";
    for (std::size_t at = 0; at < bytes.size(); at += 97) {
        std::string flipped = bytes;
        flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
        dir.write("bad.ckpt", flipped);
        INFO("byte " << at);
        CHECK(load_error(bad).find(bad.string() + ": ") == 0);
    }
    std::string weight_flipped = bytes;
    weight_flipped[bytes.size() / 2] = static_cast<char>(weight_flipped[bytes.size() / 2] ^ 1);
    dir.write("bad.ckpt", weight_flipped);
    CHECK(load_error(bad) == bad.string() + ": corrupt checkpoint: checksum mismatch: the file was changed or corrupted");
    for (const std::string& extra : {std::string(1, '\0'), std::string(16, '\0')}) {
        dir.write("bad.ckpt", bytes + extra);
        CHECK(load_error(bad).find("truncated or corrupt checkpoint: its integrity footer is missing") != std::string::npos);
    }
    dir.write("bad.ckpt", bytes + bytes);  // the file twice: the second footer records half the length
    CHECK(load_error(bad) == bad.string() + ": corrupt checkpoint: its length differs from the one its footer records "
                                            "(truncated or extended)");
}

TEST_CASE("the recipe round-trips, and a format 1 checkpoint (no footer, no recipe) still loads") {
    const tinydigit::testing::TempDir dir;
    auto c = sample_checkpoint(true);
    c.recipe = tinydigit::trainer::Recipe{16, 0.002f, false, 4096, false, 1, 0.1f, 0.999f, 2, std::string(64, 'c'), "models/seed/best.ckpt"};
    c.resume->training_params = c.params;
    c.resume->training_params[1].data[0] += 1.0f;
    save_checkpoint(dir.path() / "r.ckpt", c);
    const auto loaded = load_checkpoint(dir.path() / "r.ckpt");
    CHECK(loaded.recipe == c.recipe);
    REQUIRE(loaded.resume);
    REQUIRE(loaded.resume->training_params.size() == c.params.size());
    CHECK(loaded.resume->training_params[1].data == c.resume->training_params[1].data);
    // Without a weight average there are no training weights beside the params.
    c.recipe->ema_decay = 0.0f;
    c.resume->training_params.clear();
    save_checkpoint(dir.path() / "plain.ckpt", c);
    CHECK(load_checkpoint(dir.path() / "plain.ckpt").resume->training_params.empty());
    const auto v1 = load_checkpoint(dir.write("v1.ckpt", raw_checkpoint(1, {2, 3}, 6)));
    CHECK_FALSE(v1.recipe.has_value());
}

TEST_CASE("a large checkpoint cut at a few lengths is rejected") {
    const tinydigit::testing::TempDir dir;
    save_checkpoint(dir.path() / "full.ckpt", sample_checkpoint(true));
    const std::string bytes = slurp(dir.path() / "full.ckpt");
    for (const std::size_t length : {std::size_t{8}, std::size_t{1000}, bytes.size() / 2, bytes.size() - 4,
                                     bytes.size() - 1}) {
        dir.write("cut.ckpt", bytes.substr(0, length));
        CHECK(load_error(dir.path() / "cut.ckpt").find("truncated or corrupt checkpoint") != std::string::npos);
    }
}

TEST_CASE("a file with another identifier is not a tinydigit checkpoint") {
    const tinydigit::testing::TempDir dir;
    save_checkpoint(dir.path() / "a.ckpt", sample_checkpoint(false));
    std::string bytes = slurp(dir.path() / "a.ckpt");
    bytes.replace(4, 4, "TDMF");
    const auto renamed = dir.write("model.ckpt", bytes);
    CHECK(load_error(renamed) == renamed.string() + ": not a tinydigit checkpoint");
    const auto text = dir.write("notes.ckpt", "label,pixel0,pixel1\n");
    CHECK(load_error(text) == text.string() + ": not a tinydigit checkpoint");
}

TEST_CASE("an unknown format version is named") {
    const tinydigit::testing::TempDir dir;
    const auto v3 = dir.write("v3.ckpt", raw_checkpoint(3, {2, 3}, 6));
    CHECK(load_error(v3) == v3.string() + ": checkpoint format version 3 is not supported (this build reads 1 to 2)");
    const auto v0 = dir.write("v0.ckpt", raw_checkpoint(0, {2, 3}, 6));
    CHECK(load_error(v0) == v0.string() + ": checkpoint format version 0 is not supported (this build reads 1 to 2)");
    CHECK_NOTHROW(load_checkpoint(dir.write("v1.ckpt", raw_checkpoint(1, {2, 3}, 6))));
    // Format 2 must end in its footer: without it the file was cut (or written by something else).
    const auto v2 = dir.write("v2.ckpt", raw_checkpoint(2, {2, 3}, 6));
    CHECK(load_error(v2).find("truncated or corrupt checkpoint: its integrity footer is missing") != std::string::npos);
}

TEST_CASE("a tensor whose data does not fill its shape is rejected") {
    const tinydigit::testing::TempDir dir;
    const auto short_data = dir.write("a.ckpt", raw_checkpoint(1, {32, 1, 5, 5}, 10));
    CHECK(load_error(short_data) == short_data.string() + ": tensor conv1.weight has 10 values for shape [32,1,5,5]");
    // 65536^4 wraps to 0 in 64 bits: an overflowing product must not pass for empty data.
    const auto wraps = dir.write("b.ckpt", raw_checkpoint(1, {65536, 65536, 65536, 65536}, 0));
    CHECK(load_error(wraps) == wraps.string() + ": tensor conv1.weight has 0 values for shape [65536,65536,65536,65536]");
    const auto negative = dir.write("c.ckpt", raw_checkpoint(1, {-2, -3}, 6));
    CHECK(load_error(negative) ==
          negative.string() + ": tensor conv1.weight has a negative dimension in shape [-2,-3]");
}

TEST_CASE("save refuses data that would not load back and leaves the old file") {
    const tinydigit::testing::TempDir dir;
    const auto path = dir.path() / "best.ckpt";
    save_checkpoint(path, sample_checkpoint(false));
    const std::string before = slurp(path);

    auto bad = sample_checkpoint(false);
    bad.params[0].data.pop_back();
    CHECK_THROWS_WITH_AS(save_checkpoint(path, bad),
                         (path.string() + ": cannot save: tensor conv1.weight has 399 values for shape [16,1,5,5]").c_str(),
                         CheckpointError);
    auto duplicate = sample_checkpoint(false);
    duplicate.buffers[0].name = "conv1.bias";
    CHECK_THROWS_WITH_AS(save_checkpoint(path, duplicate),
                         (path.string() + ": cannot save: tensor name conv1.bias appears twice").c_str(), CheckpointError);
    auto moments = sample_checkpoint(true);
    moments.resume->adam.v.pop_back();
    CHECK_THROWS_WITH_AS(save_checkpoint(path, moments),
                         (path.string() + ": cannot save: Adam state has 3 v tensors for 4 parameters").c_str(),
                         CheckpointError);
    auto averaged = sample_checkpoint(true);
    averaged.resume->training_params = averaged.params;
    averaged.resume->training_params[0].shape = {16, 1, 25};
    CHECK_THROWS_WITH_AS(save_checkpoint(path, averaged),
                         (path.string() + ": cannot save: training weight tensor conv1.weight has shape [16,1,25] but "
                                          "the parameter has [16,1,5,5]").c_str(),
                         CheckpointError);
    CHECK(slurp(path) == before);
}

TEST_CASE("a checkpoint in a missing folder fails with an IoError naming the path") {
    const tinydigit::testing::TempDir dir;
    const auto path = dir.path() / "missing" / "best.ckpt";
    CHECK_THROWS_AS(save_checkpoint(path, sample_checkpoint(false)), tinydigit::common::IoError);
    CHECK_THROWS_WITH_AS(load_checkpoint(path), (path.string() + ": cannot open: No such file or directory").c_str(),
                         tinydigit::common::IoError);
}
