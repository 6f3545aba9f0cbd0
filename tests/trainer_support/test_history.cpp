#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <algorithm>
#include <string>

#include "support/temp_dir.hpp"
#include "tinydigit/host/training/history.hpp"

using namespace tinydigit::trainer;

namespace {

std::vector<HistoryRow> sample_rows(int n) {
    std::vector<HistoryRow> rows;
    for (int e = 1; e <= n; ++e)
        rows.push_back({e, 1.0 / (e + 0.1), 0.9 + 0.01 * e - 1e-17, 0.8 / (e + 0.3), 0.95 + 0.004 * e, 1e-3 / e,
                        61.25 + e, 412.0 / 3.0 * e, 70.5 * e, {}});
    return rows;
}

bool bit_equal(const HistoryRow& a, const HistoryRow& b) {
    return a.epoch == b.epoch && std::memcmp(&a.loss, &b.loss, 8 * sizeof(double)) == 0;
}

std::string read_error(const tinydigit::testing::TempDir& dir, const std::string& content) {
    try {
        read_history_csv(dir.write("history.csv", content));
    } catch (const HistoryError& e) {
        return e.what();
    }
    return "read without error";
}

// Point counts of each polyline, by class, in document order. (No std::regex: GCC 12 warns
// inside it under the sanitizer flags.)
std::vector<std::pair<std::string, std::size_t>> polylines(const std::string& svg) {
    std::vector<std::pair<std::string, std::size_t>> found;
    for (auto pos = svg.find("<polyline "); pos != std::string::npos; pos = svg.find("<polyline ", pos + 1)) {
        const std::string element = svg.substr(pos, svg.find("/>", pos) + 2 - pos);
        const auto class_at = element.find("class=\"") + 7;
        const std::string css_class = element.substr(class_at, element.find('"', class_at) - class_at);
        const auto points_at = element.find("points=\"") + 8;
        const std::string points = element.substr(points_at, element.find('"', points_at) - points_at);
        // Every point is "x,y" with numbers; pairs are separated by single spaces.
        std::size_t n = 0;
        std::size_t start = 0;
        while (start < points.size()) {
            const auto end = std::min(points.find(' ', start), points.size());
            const std::string pair = points.substr(start, end - start);
            const auto comma = pair.find(',');
            REQUIRE(comma != std::string::npos);
            std::size_t used = 0;
            std::stod(pair.substr(0, comma), &used);
            REQUIRE(used == comma);
            std::stod(pair.substr(comma + 1), &used);
            REQUIRE(used == pair.size() - comma - 1);
            ++n;
            start = end + 1;
        }
        found.emplace_back(css_class, n);
    }
    return found;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("history CSV round trips bit for bit") {
    const tinydigit::testing::TempDir dir;
    const auto rows = sample_rows(12);
    write_history_csv(dir.path() / "history.csv", rows);
    const auto back = read_history_csv(dir.path() / "history.csv");
    REQUIRE(back.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) CHECK(bit_equal(back[i], rows[i]));
}

TEST_CASE("history CSV text has the agreed header and one line per epoch") {
    const std::string csv = history_csv({{1, 0.5, 0.875, 0.25, 0.9375, 0.001, 60, 400, 71.5, {}}});
    CHECK(csv ==
          "epoch,loss,acc,val_loss,val_acc,lr,seconds,images_per_s,elapsed_s\n1,0.5,0.875,0.25,0.9375,0.001,60,400,71.5\n");
    CHECK(history_csv({}) == std::string(kHistoryHeader) + "\n");
}

TEST_CASE("history CSV reads CRLF files, a missing final newline and a non-finite loss") {
    const tinydigit::testing::TempDir dir;
    const auto rows = read_history_csv(dir.write(
        "h.csv", std::string(kHistoryHeader) + "\r\n1,nan,0.1,inf,0.2,0.001,1,2,3\r\n2,0.5,0.3,0.4,0.5,0.001,1,2,5"));
    REQUIRE(rows.size() == 2);
    CHECK(std::isnan(rows[0].loss));
    CHECK(std::isinf(rows[0].val_loss));
    CHECK(rows[1].images_per_s == 2.0);
    CHECK(read_history_csv(dir.write("header.csv", std::string(kHistoryHeader) + "\n")).empty());
}

TEST_CASE("history files from before elapsed_s (models/seed/history.csv) are read with the wall time unknown") {
    const tinydigit::testing::TempDir dir;
    const auto rows = read_history_csv(
        dir.write("old.csv", std::string(kHistoryHeaderWithoutElapsed) + "\n1,0.5,0.9,0.4,0.9,0.001,60,400\n"));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].images_per_s == 400.0);
    CHECK(std::isnan(rows[0].elapsed_s));
    const std::string path = (dir.path() / "history.csv").string();
    CHECK(read_error(dir, std::string(kHistoryHeaderWithoutElapsed) + "\n1,0.5,0.9,0.4,0.9,0.001,60,400,70\n") ==
          path + ":2: expected 8 fields, found 9");
}

TEST_CASE("the wall time to an accuracy is the elapsed_s of the first epoch reaching it") {
    std::vector<HistoryRow> rows = sample_rows(3);  // val_acc 0.954, 0.958, 0.962
    rows[1].val_acc = 0.99;
    rows[2].val_acc = 0.985;  // a later dip does not move the first time reached
    CHECK(first_reaching(rows, 0.95) == &rows[0]);
    CHECK(first_reaching(rows, 0.99) == &rows[1]);
    CHECK(first_reaching(rows, 0.99)->elapsed_s == 141.0);
    CHECK(first_reaching(rows, 0.995) == nullptr);
}

TEST_CASE("malformed history files are rejected with file and line") {
    const tinydigit::testing::TempDir dir;
    const std::string path = (dir.path() / "history.csv").string();
    const std::string h = std::string(kHistoryHeader) + "\n";
    CHECK(read_error(dir, "") == path + ": empty file, expected the header " + kHistoryHeader);
    CHECK(read_error(dir, "epoch,loss\n") == path + ":1: expected the header " + kHistoryHeader);
    CHECK(read_error(dir, h + "1,0.5,0.9,0.4,0.9,0.001,60,400\n") == path + ":2: expected 9 fields, found 8");
    CHECK(read_error(dir, h + "1,0.5,0.9,0.4,abc,0.001,60,400,70\n") == path + ":2: val_acc is not a number: 'abc'");
    CHECK(read_error(dir, h + "1,0.5,0.9,0.4,0.9,0.001,60,400,x\n") == path + ":2: elapsed_s is not a number: 'x'");
    CHECK(read_error(dir, h + "1,0.5,0.9,0.4,0.9,0.001,60,400,70\n1,0.5,0.9,0.4,0.9,0.001,60,400,70\n") ==
          path + ":3: epochs must increase down the file");
    CHECK(read_error(dir, h + "0,0.5,0.9,0.4,0.9,0.001,60,400,70\n") == path + ":2: epoch is not a positive integer: '0'");
}

TEST_CASE("the SVG plot is one svg element with a polyline per curve holding every epoch") {
    const std::string svg = history_svg(sample_rows(7));
    CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
    CHECK(svg.find("</svg>\n") == svg.size() - 7);
    CHECK(count(svg, "<svg") == 1);
    const auto lines = polylines(svg);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == std::pair<std::string, std::size_t>{"train-loss", 7});
    CHECK(lines[1] == std::pair<std::string, std::size_t>{"val-loss", 7});
    CHECK(lines[2] == std::pair<std::string, std::size_t>{"train-acc", 7});
    CHECK(lines[3] == std::pair<std::string, std::size_t>{"val-acc", 7});
    // Two panels, each with axis labels and a legend naming both curves.
    CHECK(count(svg, "<g class=\"panel\">") == 2);
    CHECK(count(svg, "</g>") == 2);
    CHECK(count(svg, ">epoch</text>") == 2);
    CHECK(count(svg, ">train</text>") == 2);
    CHECK(count(svg, ">val</text>") == 2);
    // Every element opened is closed: tags balance for this flat document.
    CHECK(count(svg, "<text") == count(svg, "</text>"));
}

TEST_CASE("the SVG stays well formed for one epoch, no epochs and a diverged epoch") {
    CHECK(polylines(history_svg(sample_rows(1)))[0].second == 1);
    const std::string empty = history_svg({});
    CHECK(polylines(empty).size() == 4);
    CHECK(polylines(empty)[0].second == 0);
    CHECK(empty.find("nan") == std::string::npos);
    auto rows = sample_rows(5);
    rows[2].loss = std::nan("");
    const std::string svg = history_svg(rows);
    CHECK(polylines(svg)[0].second == 4);
    CHECK(polylines(svg)[1].second == 5);
    CHECK(svg.find("nan") == std::string::npos);
    CHECK(svg.find("inf") == std::string::npos);
}

TEST_CASE("the SVG file is written whole") {
    const tinydigit::testing::TempDir dir;
    write_history_svg(dir.path() / "history.svg", sample_rows(3));
    CHECK(std::filesystem::file_size(dir.path() / "history.svg") == history_svg(sample_rows(3)).size());
}

TEST_CASE("a run on several sources adds a val_acc[NAME] column per source, read back bit for bit") {
    const tinydigit::testing::TempDir dir;
    auto rows = sample_rows(3);
    for (auto& r : rows) r.source_val_acc = {0.99 + 1e-3 * r.epoch, 0.5 + 0.1 * r.epoch};
    write_history_csv(dir.path() / "history.csv", rows, {"mnist", "sevenseg"});
    const std::string text = history_csv(rows, {"mnist", "sevenseg"});
    CHECK(text.starts_with(std::string(kHistoryHeader) + ",val_acc[mnist],val_acc[sevenseg]\n1,"));
    const auto back = read_history_csv(dir.path() / "history.csv");
    REQUIRE(back.size() == 3);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CHECK(bit_equal(back[i], rows[i]));
        CHECK(back[i].source_val_acc == rows[i].source_val_acc);
    }
    // Without names the single-source format is unchanged, whatever the rows hold.
    CHECK(history_csv(rows).find("val_acc[") == std::string::npos);
    CHECK(read_history_csv(dir.write("one.csv", history_csv(sample_rows(2))))[0].source_val_acc.empty());

    const std::string path = (dir.path() / "history.csv").string();
    const std::string h = std::string(kHistoryHeader) + ",val_acc[a],val_acc[b]\n";
    CHECK(read_error(dir, h + "1,0.5,0.9,0.4,0.9,0.001,60,400,70,0.9\n") == path + ":2: expected 11 fields, found 10");
    CHECK(read_error(dir, h + "1,0.5,0.9,0.4,0.9,0.001,60,400,70,0.9,x\n") ==
          path + ":2: a source's val_acc is not a number: 'x'");
    CHECK(read_error(dir, std::string(kHistoryHeader) + ",extra\n") ==
          path + ":1: expected a per-source column val_acc[NAME], found 'extra'");
    // A history written before elapsed_s, with sources: read, elapsed_s unknown.
    const auto old = read_history_csv(dir.write("old.csv", std::string(kHistoryHeaderWithoutElapsed) +
                                                               ",val_acc[a],val_acc[b]\n1,0.5,0.9,0.4,0.9,0.001,60,400,0.8,0.7\n"));
    REQUIRE(old.size() == 1);
    CHECK(std::isnan(old[0].elapsed_s));
    CHECK(old[0].source_val_acc == std::vector<double>{0.8, 0.7});
}

TEST_CASE("the SVG draws one more accuracy curve per source, named in the legend") {
    auto rows = sample_rows(4);
    for (auto& r : rows) r.source_val_acc = {0.99, 0.9};
    const std::string svg = history_svg(rows, {"mnist", "sevenseg"});
    const auto lines = polylines(svg);
    REQUIRE(lines.size() == 6);
    CHECK(lines[4] == std::pair<std::string, std::size_t>{"val-acc-source", 4});
    CHECK(lines[5] == std::pair<std::string, std::size_t>{"val-acc-source", 4});
    CHECK(count(svg, ">val mnist</text>") == 1);
    CHECK(count(svg, ">val sevenseg</text>") == 1);
    CHECK(count(svg, ">val (mean)</text>") == 1);
}
