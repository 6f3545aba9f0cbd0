// inspect and evaluate as a user runs them: outputs, the JSON/CSV interface, and one-line
// errors with non-zero exits for every kind of bad input (issue 7).
#include <doctest/doctest.h>

#include <fstream>

#include "checkpoint_fixtures.hpp"
#include "run_tool.hpp"
#include "support/temp_dir.hpp"
#include "tinydigit/tools/evaluation.hpp"
#include "tinydigit/tools/fold.hpp"
#include "tinydigit/tools/int8_runner.hpp"
#include "tinydigit/tools/quantize_network.hpp"
#include "tinydigit/tools/serialize.hpp"

using namespace tinydigit::tools;
using tinydigit::testing::is_one_line_error;
using tinydigit::testing::run_tool;
using tinydigit::testing::TempDir;

namespace {

std::vector<std::uint8_t> compact_model_bytes() {
    const auto net = fold_checkpoint(tinydigit::testing::random_checkpoint("compact", 21));
    Ranges ranges;
    for (const auto& layer : net.layers) ranges[layer.output_name] = layer.relu ? Range{0.0f, 2.0f} : Range{-6.0f, 6.0f};
    return serialize_model(quantize_network(net, ranges));
}

std::string as_string(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// n images with labels 0..9 repeating, as an MNIST-named IDX pair in dir.
std::string write_idx_pair(const TempDir& dir, std::uint32_t n, std::uint32_t size = 28) {
    std::string images = be32(0x803) + be32(n) + be32(size) + be32(size), labels = be32(0x801) + be32(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        for (std::uint32_t p = 0; p < size * size; ++p) images.push_back(static_cast<char>((p * (i + 3)) % 256));
        labels.push_back(static_cast<char>(i % 10));
    }
    dir.write("small-labels-idx1-ubyte", labels);
    return dir.write("small-images-idx3-ubyte", images).string();
}

}  // namespace

TEST_CASE("inspect: prints the layer table, the arena plan with lifetimes and the totals") {
    TempDir dir;
    const auto model = dir.write("model.fb", as_string(compact_model_bytes())).string();
    const auto r = run_tool("inspect", {model});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("architecture compact") != std::string::npos);
    CHECK(r.out.find("Conv2D+MaxPool") != std::string::npos);
    CHECK(r.out.find("5x5 s1 pad 3,3,3,3") != std::string::npos);
    CHECK(r.out.find("FullyConnected") != std::string::npos);
    CHECK(r.out.find("Arena plan") != std::string::npos);
    CHECK(r.out.find("pool1") != std::string::npos);
    CHECK(r.out.find("scratch1") != std::string::npos);
    CHECK(r.out.find("arena: ") != std::string::npos);
    CHECK(r.out.find("flash: ") != std::string::npos);
    CHECK(r.out.find("RAM: arena") != std::string::npos);
}

TEST_CASE("evaluate model.fb: text, --json as the last line and --logits CSV agree with the engine") {
    TempDir dir;
    const auto bytes = compact_model_bytes();
    const auto model = dir.write("model.fb", as_string(bytes)).string();
    const auto images = write_idx_pair(dir, 20);
    const auto csv = (dir.path() / "logits.csv").string();
    const auto r = run_tool("evaluate", {model, "--data", images, "--json", "--logits", csv});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("confusion") != std::string::npos);
    const std::string last = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
    CHECK(last.starts_with("{\"count\":20,\"accuracy\":"));
    CHECK(last.find("\"per_class_accuracy\":[") != std::string::npos);
    CHECK(last.find("\"confusion\":[[") != std::string::npos);
    CHECK(last.find("\"images_per_second\":") != std::string::npos);

    // The CSV holds label,predicted,l0..l9 with the engine's int8 logits.
    std::ifstream in(csv);
    std::string line;
    REQUIRE(std::getline(in, line));
    const auto file = ModelFile::from_bytes(bytes, "model");
    Int8Runner runner(file);
    std::vector<std::uint8_t> first(784);
    for (std::uint32_t p = 0; p < 784; ++p) first[p] = static_cast<std::uint8_t>((p * 3) % 256);
    const auto logits = runner.run(first.data());
    std::string expected = "0," + std::to_string(tinydigit::tools::argmax(logits.data(), 10));
    for (const auto l : logits) {
        expected += ',';
        expected += std::to_string(l);
    }
    CHECK(line == expected);
    int lines = 1;
    while (std::getline(in, line)) ++lines;
    CHECK(lines == 20);
}

TEST_CASE("evaluate: two --data sources are concatenated") {
    TempDir dir;
    const auto model = dir.write("model.fb", as_string(compact_model_bytes())).string();
    const auto images = write_idx_pair(dir, 7);
    const auto r = run_tool("evaluate", {model, "--data", images, "--data", images, "--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("{\"count\":14,") != std::string::npos);
}

TEST_CASE("inspect and evaluate: every bad input is one line on stderr and a non-zero exit") {
    TempDir dir;
    const auto bytes = compact_model_bytes();
    const auto model = dir.write("model.fb", as_string(bytes)).string();
    const auto text = dir.write("notes.txt", "hello, this is not a model\n").string();
    const auto truncated = dir.write("truncated.fb", as_string(bytes).substr(0, bytes.size() / 3)).string();
    const auto images = write_idx_pair(dir, 5);
    const auto missing = (dir.path() / "missing.fb").string();
    const auto folder = dir.path().string();

    struct Case {
        std::string tool;
        std::vector<std::string> args;
        std::string reason;
        int exit_code;
    };
    const std::vector<Case> cases = {
        {"inspect", {missing}, "cannot open", 1},
        {"inspect", {folder}, "is a folder", 1},
        {"inspect", {text}, "not a tinydigit model", 1},
        {"inspect", {truncated}, "truncated or corrupt", 1},
        {"inspect", {}, "expected one MODEL.fb", 2},
        {"inspect", {model, model}, "expected one MODEL.fb", 2},
        {"inspect", {model, "--verbose"}, "unknown option '--verbose'", 2},
        {"evaluate", {missing}, "cannot open", 1},
        {"evaluate", {folder}, "is a folder", 1},
        {"evaluate", {text}, "neither a tinydigit int8 model", 1},
        {"evaluate", {truncated, "--data", images}, "truncated or corrupt", 1},
        {"evaluate", {model, "--data", (dir.path() / "none-images-idx3-ubyte").string()}, "cannot open", 1},
        {"evaluate", {model, "--data", text}, "", 1},
        {"evaluate", {model, "--data"}, "--data: missing value", 2},
        {"evaluate", {model, "--labels", images}, "--labels needs exactly one --data", 2},
        {"evaluate", {model, "--fast"}, "unknown option '--fast'", 2},
        {"evaluate", {model, "--data", images, "--logits", (dir.path() / "no/such/dir/l.csv").string()}, "", 1},
    };
    for (const auto& c : cases) {
        CAPTURE(c.tool);
        CAPTURE(c.args);
        const auto r = run_tool(c.tool, c.args);
        CHECK(r.exit_code == c.exit_code);
        CHECK_MESSAGE(is_one_line_error(r, c.tool), r.err);
        CHECK_MESSAGE(r.err.find(c.reason) != std::string::npos, r.err);
    }

    // Wrong shapes: 10x10 images.
    TempDir other;
    const auto small = write_idx_pair(other, 3, 10);
    const auto r = run_tool("evaluate", {model, "--data", small});
    CHECK(r.exit_code == 1);
    CHECK(is_one_line_error(r, "evaluate"));
    CHECK(r.err.find("10x10") != std::string::npos);
}

TEST_CASE("predict: prints digit, probabilities, what it did and a preview, bad input is one line") {
    TempDir dir;
    const auto model = dir.write("model.fb", as_string(compact_model_bytes())).string();
    std::string pgm = "P5\n28 28\n255\n";
    for (int p = 0; p < 784; ++p) pgm.push_back(static_cast<char>((p % 28 > 12 && p % 28 < 16) ? 255 : 0));
    const auto image = dir.write("one.pgm", pgm).string();
    auto r = run_tool("predict", {model, image});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("one.pgm: ") == 0);
    CHECK(r.out.find("probabilities: 0:") != std::string::npos);
    CHECK(r.out.find("used as is") != std::string::npos);
    CHECK(r.out.find("|             @@@            |") != std::string::npos);

    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{model}, "expected MODEL.fb and at least one IMAGE"},
        {{model, (dir.path() / "missing.png").string()}, "cannot open"},
        {{model, dir.write("x.txt", "not an image").string()}, "not a PGM, PNG or CSV"},
        {{model, dir.write("t.pgm", "P5\n28 28\n255\n").string()}, "truncated PGM data"},
        {{dir.write("m.fb", "garbage!").string(), image}, "not a tinydigit model"},
        {{model, image, "--zoom"}, "unknown option '--zoom'"},
        {{model, dir.write("bad.csv", "1,2,3\n").string()}, "bad.csv"},
    };
    for (const auto& [args, reason] : cases) {
        CAPTURE(args);
        r = run_tool("predict", args);
        CHECK(r.exit_code > 0);
        CHECK_MESSAGE(is_one_line_error(r, "predict"), r.err);
        CHECK_MESSAGE(r.err.find(reason) != std::string::npos, r.err);
    }
}

TEST_CASE("model_to_c: writes the header, bad input is one line and a non-zero exit") {
    TempDir dir;
    const auto model = dir.write("model.fb", as_string(compact_model_bytes())).string();
    const auto header = (dir.path() / "model.h").string();
    auto r = run_tool("model_to_c", {model, header, "--namespace", "board::model"});
    REQUIRE(r.exit_code == 0);
    std::ifstream in(header);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find("namespace board::model {") != std::string::npos);
    CHECK(text.find("kArenaBytes = ") != std::string::npos);

    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{model}, "expected MODEL.fb and OUT.h"},
        {{(dir.path() / "missing.fb").string(), header}, "cannot open"},
        {{dir.write("x.fb", "not a model at all").string(), header}, "file identifier"},
        {{model, header, "--namespace", "9lives"}, "not a C++ namespace"},
        {{model, header, "--golden", (dir.path() / "nogolden").string()}, "cannot open"},
        {{model, header, "--namespace"}, "--namespace: missing value"},
        {{model, header, "--fast"}, "unknown option '--fast'"},
        {{model, (dir.path() / "no/such/dir/m.h").string()}, "m.h"},
    };
    for (const auto& [args, reason] : cases) {
        CAPTURE(args);
        r = run_tool("model_to_c", args);
        CHECK(r.exit_code > 0);
        CHECK_MESSAGE(is_one_line_error(r, "model_to_c"), r.err);
        CHECK_MESSAGE(r.err.find(reason) != std::string::npos, r.err);
    }
}
