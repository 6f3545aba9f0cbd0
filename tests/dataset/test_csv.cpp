#include <doctest/doctest.h>

#include <string>

#include "support/temp_dir.hpp"
#include "tinydigit/host/dataset/csv.hpp"
#include "tinydigit/host/dataset/sources.hpp"

using namespace tinydigit::dataset;
using tinydigit::testing::TempDir;

namespace {

// One CSV line: the label (if label >= 0), then `count` pixels fill, fill+1, ...
std::string row(int label, int fill, int count = kPixels) {
    std::string s;
    if (label >= 0) s.append(std::to_string(label));
    for (int i = 0; i < count; ++i) {
        if (!s.empty()) s.push_back(',');
        s.append(std::to_string((fill + i) % 256));
    }
    s.push_back('\n');
    return s;
}

std::string header(bool labeled) {
    std::string s = labeled ? "label" : "";
    for (int i = 0; i < kPixels; ++i) {
        if (!s.empty()) s.push_back(',');
        s.append("pixel").append(std::to_string(i));
    }
    s.push_back('\n');
    return s;
}

std::string error_of(const std::filesystem::path& p) {
    try {
        read_csv(p);
    } catch (const DataError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("CSV: the three layouts read as the seed expects") {
    TempDir dir;
    SUBCASE("Kaggle train.csv: header, label first") {
        const Images got = read_csv(dir.write("train.csv", header(true) + row(3, 0) + row(8, 5)));
        CHECK(got.count() == 2);
        CHECK(got.labels == std::vector<std::uint8_t>{3, 8});
        CHECK(got.image(1)[0] == 5);
        CHECK(got.image(1)[783] == (5 + 783) % 256);
    }
    SUBCASE("Kaggle test.csv: header, pixels only") {
        const Images got = read_csv(dir.write("test.csv", header(false) + row(-1, 1)));
        CHECK(got.count() == 1);
        CHECK_FALSE(got.labeled());
        CHECK(got.image(0)[0] == 1);
    }
    SUBCASE("mnist_train.csv: no header, label first, CRLF line ends") {
        std::string r = row(9, 2);
        r.back() = '\r';
        r.push_back('\n');
        const Images got = load_source(dir.write("mnist_train.csv", r + r));
        CHECK(got.count() == 2);
        CHECK(got.labels == std::vector<std::uint8_t>{9, 9});
    }
}

TEST_CASE("CSV: malformed files are rejected naming file, line and problem") {
    TempDir dir;
    const auto h = header(true);
    CHECK(error_of(dir.write("a.csv", "")).find("empty file") != std::string::npos);
    CHECK(error_of(dir.write("b.csv", "1,2,3\n")).find(":1: 3 columns") != std::string::npos);
    CHECK(error_of(dir.write("c.csv", h + row(3, 0, kPixels - 1))).find(":2: 784 columns") !=
          std::string::npos);
    CHECK(error_of(dir.write("d.csv", h + row(3, 0) + row(3, 0, kPixels + 1))).find(":3: more than") !=
          std::string::npos);
    std::string bad = row(3, 0);
    bad.replace(bad.find(",1,"), 3, ",x1,");
    CHECK(error_of(dir.write("e.csv", h + bad)).find("'x1' is not a non-negative integer") !=
          std::string::npos);
    std::string big = row(3, 0);
    big.replace(big.find(",1,"), 3, ",256,");
    CHECK(error_of(dir.write("f.csv", h + big)).find("pixel 256 is outside 0..255") != std::string::npos);
    CHECK(error_of(dir.write("g.csv", h + row(12, 0))).find("label 12 is outside 0..9") !=
          std::string::npos);
    std::string neg = row(3, 0);
    neg.replace(neg.find(",1,"), 3, ",-1,");
    CHECK(error_of(dir.write("h.csv", h + neg)).find("'-1' is not") != std::string::npos);
    CHECK(error_of(dir.write("i.csv", h)).find("no images") != std::string::npos);
}
