// inspect and evaluate as a user runs them: outputs, the JSON/CSV interface, and one-line
// errors with non-zero exits for every kind of bad input (issue 7).
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "checkpoint_fixtures.hpp"
#include "run_tool.hpp"
#include "support/temp_dir.hpp"
#include "tinydigit/tools/evaluation.hpp"
#include "tinydigit/tools/fold.hpp"
#include "tinydigit/tools/int8_runner.hpp"
#include "tinydigit/tools/model_file.hpp"
#include "tinydigit/tools/quantize_network.hpp"
#include "tinydigit/tools/serialize.hpp"

using namespace tinydigit::tools;
using tinydigit::testing::is_one_line_error;
using tinydigit::testing::run_tool;
using tinydigit::testing::TempDir;

namespace {

QuantizedModel compact_model(std::uint32_t seed) {
    const auto net = fold_checkpoint(tinydigit::testing::random_checkpoint("compact", seed));
    Ranges ranges;
    for (const auto& layer : net.layers) ranges[layer.output_name] = layer.relu ? Range{0.0f, 2.0f} : Range{-6.0f, 6.0f};
    return quantize_network(net, ranges);
}

std::vector<std::uint8_t> compact_model_bytes() { return serialize_model(compact_model(21)); }

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

TEST_CASE("evaluate: --threads changes how fast, not what (logits CSV byte-identical)") {
    TempDir dir;
    const auto model = dir.write("model.fb", as_string(compact_model_bytes())).string();
    const auto images = write_idx_pair(dir, 23);
    std::string csv[2];
    const char* counts[2] = {"1", "3"};
    for (int i = 0; i < 2; ++i) {
        const auto path = (dir.path() / ("logits" + std::string(counts[i]) + ".csv")).string();
        const auto r = run_tool("evaluate", {model, "--data", images, "--threads", counts[i], "--logits", path});
        REQUIRE(r.exit_code == 0);
        std::ifstream in(path);
        csv[i].assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    CHECK(csv[0].size() > 23 * 20);
    CHECK(csv[0] == csv[1]);
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
        {"inspect", {truncated}, "corrupt or truncated model", 1},
        {"inspect", {}, "expected one MODEL.fb", 2},
        {"inspect", {model, model}, "expected one MODEL.fb", 2},
        {"inspect", {model, "--verbose"}, "unknown option '--verbose'", 2},
        {"evaluate", {missing}, "cannot open", 1},
        {"evaluate", {folder}, "is a folder", 1},
        {"evaluate", {text}, "neither a tinydigit int8 model", 1},
        {"evaluate", {truncated, "--data", images}, "corrupt or truncated model", 1},
        {"evaluate", {model, "--data", (dir.path() / "none-images-idx3-ubyte").string()}, "cannot open", 1},
        {"evaluate", {model, "--data", text}, "", 1},
        {"evaluate", {model, "--data"}, "--data: missing value", 2},
        {"evaluate", {model, "--labels", images}, "--labels needs exactly one --data", 2},
        {"evaluate", {model, "--fast"}, "unknown option '--fast'", 2},
        {"evaluate", {model, "--data", images, "--threads", "0"}, "--threads needs a count from 1 to 64", 2},
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
    CHECK(r.out.find("tensor:") == std::string::npos);

    // --tensor: the 784 pixels the engine saw, here the image itself (used as is).
    r = run_tool("predict", {"--tensor", model, image});
    REQUIRE(r.exit_code == 0);
    const auto at = r.out.find("  tensor:");
    REQUIRE(at != std::string::npos);
    std::istringstream values(r.out.substr(at + 9, r.out.find('\n', at) - at - 9));
    std::string expected_tensor, got_tensor;
    for (int p = 0; p < 784; ++p) expected_tensor += static_cast<unsigned char>(pgm[13 + p]) ? "255 " : "0 ";
    for (int v; values >> v;) got_tensor += std::to_string(v) + " ";
    CHECK(got_tensor == expected_tensor);

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
    // A bad --namespace is a usage error like any other bad option value (exit 2), before any work.
    for (const auto& args : std::vector<std::vector<std::string>>{{model, header, "--namespace", "9lives"},
                                                                  {model, header, "--namespace", "a::b", "--c"}}) {
        CAPTURE(args);
        r = run_tool("model_to_c", args);
        CHECK(r.exit_code == 2);
        CHECK_MESSAGE(r.err.starts_with("model_to_c: --namespace '"), r.err);
    }
}

TEST_CASE("inspect and model_to_c refuse a model the engine refuses, naming the file and the engine's status") {
    TempDir dir;
    auto quantized = compact_model(22);
    quantized.input.zero_point = -256;  // verifies as FlatBuffers; only the engine's checks catch it
    const auto bad = dir.write("bad.fb", as_string(serialize_model(quantized))).string();
    const auto header = dir.path() / "bad.h";
    for (const auto& [tool, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"inspect", {bad}}, {"model_to_c", {bad, header.string()}}}) {
        CAPTURE(tool);
        const auto r = run_tool(tool, args);
        CHECK(r.exit_code == 1);
        CHECK_MESSAGE(is_one_line_error(r, tool), r.err);
        CHECK_MESSAGE(r.err.find(bad + ": the engine refuses the model: ") != std::string::npos, r.err);
        CHECK_MESSAGE(r.err.find("(kBadZeroPoint; tensor 0 'input')") != std::string::npos, r.err);  // no operator
        CHECK(r.out.empty());
    }
    CHECK_FALSE(std::filesystem::exists(header));
}

TEST_CASE("a model refused in a known operator is named by operator index and kind in every tool that reads it") {
    TempDir dir;
    auto quantized = compact_model(23);
    // Where the good model puts layer 1 and what it calls it: the operator view of the engine.
    const auto good = ModelFile::from_bytes(serialize_model(quantized), "good.fb");
    Int8Runner runner(good);
    int index = -1;
    tinydigit::engine::OperatorInfo info{};
    for (int i = 0; i < runner.engine().operator_count() && index < 0; ++i) {
        runner.engine().operator_info(i, info);
        if (std::string(info.output_name) == quantized.layers[1].output_name) index = i;
    }
    REQUIRE(index >= 0);
    quantized.layers[1].shift[2] = 0;  // outside [1, 62]: only the engine's operator checks catch it
    const auto bad = dir.write("bad.fb", as_string(serialize_model(quantized))).string();
    const auto image = dir.write("x.pgm", "P5\n1 1\n255\n\x80").string();
    const std::string where = "(kBadRequantization; operator " + std::to_string(index) + " " + info.kind + ")";
    for (const auto& [tool, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"inspect", {bad}}, {"evaluate", {bad}}, {"predict", {bad, image}},
             {"model_to_c", {bad, (dir.path() / "bad.h").string()}}}) {
        CAPTURE(tool);
        const auto r = run_tool(tool, args);
        CHECK(r.exit_code == 1);
        CHECK_MESSAGE(is_one_line_error(r, tool), r.err);
        CHECK_MESSAGE(r.err.find(bad + ": the engine refuses the model: ") != std::string::npos, r.err);
        CHECK_MESSAGE(r.err.find(where) != std::string::npos, r.err);
    }
}

TEST_CASE("predict: no digit at any size or polarity, and good images are reported when another is bad") {
    TempDir dir;
    const auto model = dir.write("model.fb", as_string(compact_model_bytes())).string();
    auto pgm = [&](const std::string& name, int w, int h, auto pixel) {
        std::string text = "P5\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
        for (int p = 0; p < w * h; ++p) text.push_back(static_cast<char>(pixel(p % w, p / w)));
        return dir.write(name, text).string();
    };
    const auto one = pgm("one.pgm", 28, 28, [](int x, int) { return x > 12 && x < 16 ? 255 : 0; });
    const std::vector<std::string> blank = {
        pgm("black.pgm", 28, 28, [](int, int) { return 0; }),  // answered "1" before issue 14
        pgm("white.pgm", 28, 28, [](int, int) { return 255; }),
        pgm("dot.pgm", 1, 1, [](int, int) { return 0; }),
        pgm("faint.pgm", 28, 28, [](int x, int) { return x == 14 ? 20 : 0; }),
    };
    for (const auto& image : blank) {
        CAPTURE(image);
        const auto r = run_tool("predict", {model, image});
        CHECK(r.exit_code == 1);
        CHECK_MESSAGE(is_one_line_error(r, "predict"), r.err);
        CHECK(r.err.find(std::filesystem::path(image).filename().string() + ": no digit found") != std::string::npos);
        CHECK(r.out.empty());
    }
    const auto missing = (dir.path() / "missing.png").string();
    const auto r = run_tool("predict", {model, one, blank[0], missing, one});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("one.pgm: ") == 0);
    CHECK(r.out.find("\none.pgm: ") != std::string::npos);  // the image after the bad ones too
    CHECK(r.err == "predict: black.pgm: no digit found (the image is nearly uniform)\npredict: " + missing +
                       ": cannot open: No such file or directory\n");
}

TEST_CASE("predict given a checkpoint says to quantize it") {
    TempDir dir;
    const auto ckpt = dir.path() / "best.ckpt";
    tinydigit::trainer::save_checkpoint(ckpt, tinydigit::testing::random_checkpoint("compact", 23));
    const auto r = run_tool("predict", {ckpt.string(), dir.write("x.pgm", "P5\n1 1\n255\n\x80").string()});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(is_one_line_error(r, "predict"), r.err);
    CHECK(r.err.find("is a training checkpoint; predict runs the int8 model: quantize it first (quantize " +
                     ckpt.string() + " model.fb)") != std::string::npos);
}

TEST_CASE("evaluate: unlabeled CSV, empty IDX and a folder say what is wrong, and a UTF-8 BOM is stripped") {
    TempDir dir;
    const auto model = dir.write("model.fb", as_string(compact_model_bytes())).string();
    std::string header = "pixel0", row;
    for (int i = 1; i < 784; ++i) header += ",pixel" + std::to_string(i);
    for (int i = 0; i < 784; ++i) row.append(i ? "," : "").append(std::to_string(i % 256));
    const auto unlabeled = dir.write("test.csv", header + "\n" + row + "\n").string();
    auto r = run_tool("evaluate", {model, "--data", unlabeled});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(is_one_line_error(r, "evaluate"), r.err);
    CHECK(r.err.find("test.csv: has no label column") != std::string::npos);
    CHECK(r.err.find("--labels") == std::string::npos);  // a CSV cannot take --labels: do not suggest it

    dir.write("none-labels-idx1-ubyte", be32(0x801) + be32(0));
    const auto none = dir.write("none-images-idx3-ubyte", be32(0x803) + be32(0) + be32(28) + be32(28)).string();
    r = run_tool("evaluate", {model, "--data", none});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err == "evaluate: " + none + ": holds no images (nothing to evaluate)\n", r.err);

    r = run_tool("evaluate", {model, "--data", dir.path().string()});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err == "evaluate: " + dir.path().string() + ": is a folder, not a file (name a file inside it)\n", r.err);

    std::string bom_csv = "\xEF\xBB\xBFlabel,";  // Excel's "CSV UTF-8", with Windows line ends
    bom_csv.append(header).append("\r\n7,").append(row).append("\r\n");
    const auto bom = dir.write("bom.csv", bom_csv).string();
    r = run_tool("evaluate", {model, "--data", bom, "--json"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("{\"count\":1,") != std::string::npos);
}

TEST_CASE("an option given twice is a usage error in every tool") {
    TempDir dir;
    const auto model = dir.write("model.fb", as_string(compact_model_bytes())).string();
    const auto a = (dir.path() / "a.csv").string(), b = (dir.path() / "b.csv").string();
    const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
        {"evaluate", {model, "--logits", a, "--logits", b}},
        {"evaluate", {model, "--json", "--json"}},
        {"model_to_c", {model, (dir.path() / "m.h").string(), "--namespace", "a", "--namespace", "b"}},
        {"quantize", {"x.ckpt", "m.fb", "--calibration-count", "1", "--calibration-count", "2"}},
    };
    for (const auto& [tool, args] : cases) {
        CAPTURE(args);
        const auto r = run_tool(tool, args);
        CHECK(r.exit_code == 2);
        CHECK_MESSAGE(is_one_line_error(r, tool), r.err);
        CHECK(r.err.find(": given more than once") != std::string::npos);
    }
    const auto r = run_tool("evaluate", {model, "--logits", "--json"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "evaluate: --logits: missing value ('--json' is an option)\n");
}

TEST_CASE("a model with one changed bit or with bytes appended is refused by every tool that reads it") {
    TempDir dir;
    const std::string bytes = as_string(compact_model_bytes());
    std::string flipped = bytes;
    flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x20);  // inside the weights
    const auto bad = dir.write("flipped.fb", flipped).string();
    const auto twice = dir.write("twice.fb", bytes + bytes).string();
    const auto padded = dir.write("padded.fb", bytes + std::string(16, '\0')).string();
    const auto image = dir.write("x.pgm", "P5\n1 1\n255\n\x80").string();
    const auto header = (dir.path() / "m.h").string();
    for (const auto& [model, reason] : std::vector<std::pair<std::string, std::string>>{
             {bad, "checksum mismatch"}, {twice, "its length differs"}, {padded, "integrity footer is missing"}}) {
        for (const auto& [tool, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
                 {"inspect", {model}}, {"evaluate", {model}}, {"predict", {model, image}}, {"model_to_c", {model, header}}}) {
            CAPTURE(tool);
            CAPTURE(model);
            const auto r = run_tool(tool, args);
            CHECK(r.exit_code == 1);
            CHECK_MESSAGE(is_one_line_error(r, tool), r.err);
            CHECK(r.err.find(model + ": ") != std::string::npos);
            if (tool != "model_to_c") CHECK_MESSAGE(r.err.find(reason) != std::string::npos, r.err);
        }
    }
    CHECK_FALSE(std::filesystem::exists(header));
}
