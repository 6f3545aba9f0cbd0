#include <doctest/doctest.h>

#include <string>

#include "support/temp_dir.hpp"
#include "tinydigit/host/dataset/idx.hpp"
#include "tinydigit/host/dataset/sources.hpp"

using namespace tinydigit::dataset;
using tinydigit::testing::TempDir;

namespace {

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}

std::string idx_images(std::uint32_t count, std::uint32_t rows = 28, std::uint32_t cols = 28) {
    std::string s = be32(0x803) + be32(count) + be32(rows) + be32(cols);
    for (std::uint32_t i = 0; i < count * rows * cols; ++i) s.push_back(static_cast<char>(i % 251));
    return s;
}

std::string idx_labels(const std::string& labels) {
    return be32(0x801) + be32(static_cast<std::uint32_t>(labels.size())) + labels;
}

std::string error_of(const auto& f) {
    try {
        f();
    } catch (const DataError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("IDX: a well-formed image and label pair reads back exactly") {
    TempDir dir;
    const auto images = dir.write("x-images-idx3-ubyte", idx_images(3));
    const auto labels = dir.write("x-labels-idx1-ubyte", idx_labels({7, 0, 9}));
    const Images got = read_idx(images, labels);
    CHECK(got.count() == 3);
    CHECK(got.labels == std::vector<std::uint8_t>{7, 0, 9});
    CHECK(got.image(1)[0] == 784 % 251);
    // load_source finds the MNIST-named label file beside the images.
    CHECK(load_source(images).labels == got.labels);
    CHECK(idx_labels_beside(images) == labels);
}

TEST_CASE("IDX: malformed files are rejected with a message naming the problem") {
    TempDir dir;
    const auto good = dir.write("good-images-idx3-ubyte", idx_images(2));
    CHECK(error_of([&] { read_idx(dir.path() / "missing"); }).find("cannot open") != std::string::npos);
    CHECK(error_of([&] { read_idx(dir.write("a", be32(0x801) + be32(1))); }).find("wrong magic") !=
          std::string::npos);
    CHECK(error_of([&] { read_idx(dir.write("b", be32(0x803))); }).find("truncated IDX header") !=
          std::string::npos);
    std::string cut = idx_images(2);
    cut.resize(cut.size() - 1);
    CHECK(error_of([&] { read_idx(dir.write("c", cut)); }).find("truncated") != std::string::npos);
    CHECK(error_of([&] { read_idx(dir.write("d", idx_images(1) + "x")); }).find("trailing") !=
          std::string::npos);
    CHECK(error_of([&] { read_idx(dir.write("e", idx_images(1, 32, 32))); }).find("expected 28x28") !=
          std::string::npos);
    CHECK(error_of([&] { read_idx(good, dir.write("f", idx_labels({1}))); }).find("1 labels for 2") !=
          std::string::npos);
    CHECK(error_of([&] { read_idx(good, dir.write("g", idx_labels({1, 10}))); }).find("outside 0..9") !=
          std::string::npos);
    CHECK(error_of([&] { read_idx(good, good); }).find("not an IDX label file") != std::string::npos);
}

TEST_CASE("IDX: the cached MNIST files read as 60,000 + 10,000 labeled digits") {
    const MnistFiles f = mnist_files(TINYDIGIT_DATA_DIR);
    const Images train = read_idx(f.train_images, f.train_labels);
    const Images test = read_idx(f.test_images, f.test_labels);
    CHECK(train.count() == 60000);
    CHECK(test.count() == 10000);
    // The well-known first labels of both sets, and the training set's class balance.
    CHECK(train.labels[0] == 5);
    CHECK(test.labels[0] == 7);
    std::size_t ones = 0;
    for (auto l : train.labels) ones += l == 1;
    CHECK(ones == 6742);
}
