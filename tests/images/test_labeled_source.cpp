// --data SOURCE[:WEIGHT]: parsing, the word mnist, the names history.csv columns get and the
// SHA-256 train records.
#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
#include "tinydigit/host/common/cli.hpp"
#include "tinydigit/host/common/sha256.hpp"
#include "tinydigit/host/images/labeled_source.hpp"

using namespace tinydigit::images;
using tinydigit::testing::TempDir;

TEST_CASE("a source with and without a weight") {
    const auto plain = parse_source("my_digits/");
    CHECK(plain.path == "my_digits/");
    CHECK(plain.weight == 1.0);
    CHECK_FALSE(plain.weighted);
    CHECK_FALSE(plain.mnist);

    const auto weighted = parse_source("my_digits/:4");
    CHECK(weighted.path == "my_digits/");
    CHECK(weighted.weight == 4.0);
    CHECK(weighted.weighted);

    const auto mnist = parse_source("mnist:0.25");
    CHECK(mnist.mnist);
    CHECK(mnist.path.empty());
    CHECK(mnist.weight == 0.25);
    CHECK(parse_source("+2.5e0").path == "+2.5e0");  // no ':' at all: a path
    CHECK(parse_source("a:+3").weight == 3.0);
    // A colon followed by anything but a number's first character is part of the path.
    CHECK(parse_source("runs:2024/x").path == "runs:2024/x");
    CHECK(parse_source("photos:old").path == "photos:old");
    CHECK_FALSE(parse_source("./mnist").mnist);
}

TEST_CASE("a bad weight is a usage error naming the source and the rule") {
    for (const char* text : {"d/:0", "d/:-1", "d/:", "d/:4x", "d/:1e9", "d/:.", ":2"}) {
        INFO(text);
        CHECK_THROWS_AS(parse_source(text), tinydigit::cli::UsageError);
    }
    CHECK_THROWS_WITH(parse_source("d/:0"), doctest::Contains("--data d/:0: the weight after ':' must be a number above 0"));
    CHECK_THROWS_WITH(parse_source(":2"), doctest::Contains("no source before the weight"));
}

TEST_CASE("source names: the folder or file name, unique, safe in a CSV header") {
    std::vector<LabeledSource> sources(4);
    sources[0].name = "mnist";
    sources[1].name = "digits";
    sources[2].name = "digits";
    sources[3].name = "my,odd [set]";
    CHECK(unique_names(sources) == std::vector<std::string>{"mnist", "digits", "digits_2", "my_odd__set_"});
}

TEST_CASE("a folder source is named after the folder even with a trailing slash - unlabeled files are refused") {
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "meter/3");
    std::string pgm = "P5\n9 9\n255\n";
    for (int i = 0; i < 81; ++i) pgm.push_back(static_cast<char>(i % 9 == 4 ? 0 : 255));
    dir.write("meter/3/a.pgm", pgm);
    const auto source = load_labeled_source(parse_source((dir.path() / "meter").string() + "/:3"), MnistPart::kTrain);
    CHECK(source.name == "meter");
    CHECK(source.images.count() == 1);
    CHECK(source.images.labels[0] == 3);
    CHECK(source.path == (dir.path() / "meter").string());

    std::string header = "pixel0", row = "0";
    for (int i = 1; i < 784; ++i) header += ",pixel" + std::to_string(i), row += ",0";
    dir.write("unlabeled.csv", header + "\n" + row + "\n");  // Kaggle's test.csv layout
    CHECK_THROWS_WITH(load_labeled_source(parse_source((dir.path() / "unlabeled.csv").string()), MnistPart::kTrain),
                      doctest::Contains("has no label column"));
}

TEST_CASE("a source's SHA-256 as train records it: of the file, or over an image folder's used files") {
    TempDir dir;
    std::string header = "label", row = "7";
    for (int i = 0; i < 784; ++i) header += ",pixel" + std::to_string(i), row += i % 28 == 14 ? ",255" : ",0";
    const auto csv = dir.write("seven.csv", header + "\n" + row + "\n");
    CHECK(source_sha256(load_labeled_source(parse_source(csv.string()), MnistPart::kTrain)) ==
          tinydigit::common::sha256_hex_of_file(csv));

    std::filesystem::create_directories(dir.path() / "meter/3");
    std::string pgm = "P5\n9 9\n255\n";
    for (int i = 0; i < 81; ++i) pgm.push_back(static_cast<char>(i % 9 == 4 ? 0 : 255));
    dir.write("meter/3/a.pgm", pgm);
    dir.write("meter/3/b.txt", "not an image");
    const auto folder = load_labeled_source(parse_source((dir.path() / "meter").string()), MnistPart::kTrain);
    CHECK(source_sha256(folder) ==
          tinydigit::common::sha256_hex("3/a.pgm " + tinydigit::common::sha256_hex_of_file(dir.path() / "meter/3/a.pgm") + "\n"));
}

TEST_CASE("a source's SHA-256 is of the file that was read, even where its recorded path reads another") {
    // "link/../seven.csv" with link -> deep/inside: the system reads deep/seven.csv, while the
    // lexically normal path a checkpoint records says seven.csv beside link.
    TempDir dir;
    std::string header = "label", row = "7", other = "1";
    for (int i = 0; i < 784; ++i) header += ",pixel" + std::to_string(i), row += i % 28 == 14 ? ",255" : ",0", other += ",0";
    std::filesystem::create_directories(dir.path() / "deep/inside");
    const auto read = dir.write("deep/seven.csv", header + "\n" + row + "\n");
    dir.write("seven.csv", header + "\n" + other + "\n");
    std::filesystem::create_directory_symlink(dir.path() / "deep/inside", dir.path() / "link");
    const auto source = load_labeled_source(parse_source((dir.path() / "link/../seven.csv").string()), MnistPart::kTrain);
    CHECK(source.images.labels[0] == 7);
    CHECK(source_sha256(source) == tinydigit::common::sha256_hex_of_file(read));
}
