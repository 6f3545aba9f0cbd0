// quantize as a user runs it: outputs written, and every bad checkpoint or flag refused with
// one line and a non-zero exit, leaving an existing output untouched.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "checkpoint_fixtures.hpp"
#include "run_tool.hpp"
#include "support/temp_dir.hpp"

using tinydigit::testing::is_one_line_error;
using tinydigit::testing::run_tool;
using tinydigit::testing::TempDir;

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("quantize: writes model, C header and golden files, inspect reads the model") {
    TempDir dir;
    const auto ckpt = dir.path() / "compact.ckpt";
    tinydigit::trainer::save_checkpoint(ckpt, tinydigit::testing::random_checkpoint("compact", 51));
    const auto model = dir.path() / "model.fb";
    const auto header = dir.path() / "model.h";
    const auto golden = dir.path() / "golden";
    const auto r = run_tool("quantize", {ckpt.string(), model.string(), "--calibration-count", "100", "--emit-c",
                                         header.string(), "--golden", golden.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("100 calibration images") != std::string::npos);
    CHECK(slurp(header).find("kGoldenChecksums[kGoldenCount]") != std::string::npos);
    CHECK(std::filesystem::file_size(golden / "golden-images-idx3-ubyte") == 16 + 100 * 784);
    const auto i = run_tool("inspect", {model.string()});
    REQUIRE(i.exit_code == 0);
    CHECK(i.out.find("calibration: 100 images from first 100 of train-images-idx3-ubyte") != std::string::npos);
    CHECK(i.out.find("arena: 9,232 bytes") != std::string::npos);  // compact, its chains in row bands
    // The checkpoint by file name and content, never the folder it was read from.
    CHECK(i.out.find("source: compact.ckpt (sha256 ") != std::string::npos);
    CHECK(i.out.find(dir.path().string()) == std::string::npos);

    // Same checkpoint, same options, from another folder by a relative path: the same bytes
    // (what the committed-artifact test relies on, wherever a user runs quantize).
    std::filesystem::create_directories(dir.path() / "elsewhere");
    const auto again = dir.path() / "again.fb";
    const auto r2 = run_tool("quantize", {"../compact.ckpt", again.string(), "--calibration-count", "100"},
                             (dir.path() / "elsewhere").string());
    REQUIRE_MESSAGE(r2.exit_code == 0, r2.err);
    CHECK(slurp(again) == slurp(model));
}

TEST_CASE("quantize: bad checkpoints and flags are one line and a non-zero exit, the old output survives") {
    TempDir dir;
    auto good = tinydigit::testing::random_checkpoint("compact", 52);
    const auto ckpt = dir.path() / "good.ckpt";
    tinydigit::trainer::save_checkpoint(ckpt, good);
    const std::string bytes = slurp(ckpt);
    const auto truncated = dir.write("truncated.ckpt", bytes.substr(0, bytes.size() / 2)).string();
    const auto text = dir.write("notes.ckpt", "this is not a checkpoint, just text\n").string();
    auto unknown = good;
    unknown.architecture = "resnet";
    tinydigit::trainer::save_checkpoint(dir.path() / "unknown.ckpt", unknown);
    auto wrong = good;
    wrong.architecture = "seed";  // compact tensors under the seed name: wrong shapes
    tinydigit::trainer::save_checkpoint(dir.path() / "wrong.ckpt", wrong);
    const auto out = dir.write("model.fb", "previous model").string();

    struct Case {
        std::vector<std::string> args;
        std::string reason;
        int exit_code;
    };
    const std::string c = ckpt.string();
    const std::vector<Case> cases = {
        {{(dir.path() / "missing.ckpt").string(), out}, "missing.ckpt", 1},
        {{dir.path().string(), out}, "", 1},
        {{text, out}, "not a tinydigit checkpoint", 1},
        {{truncated, out}, "truncated or corrupt checkpoint", 1},
        {{(dir.path() / "unknown.ckpt").string(), out}, "unknown.ckpt: unknown architecture 'resnet'", 1},
        {{(dir.path() / "wrong.ckpt").string(), out},
         (dir.path() / "wrong.ckpt").string() + ": checkpoint tensor conv1.weight has shape", 1},
        {{c}, "expected CHECKPOINT.ckpt and MODEL.fb", 2},
        {{c, out, "--calibration-count", "0"}, "--calibration-count: expected a positive integer", 2},
        {{c, out, "--calibration-count", "ten"}, "--calibration-count: expected a positive integer", 2},
        {{c, out, "--calibration-count", "70000"}, "exceeds the 60000 training images", 2},
        {{c, out, "--calibration-count"}, "--calibration-count: missing value", 2},
        {{c, out, "--bits", "4"}, "unknown option '--bits'", 2},
        {{c, (dir.path() / "no/such/dir/model.fb").string(), "--calibration-count", "10"}, "model.fb", 1},
    };
    for (const auto& k : cases) {
        CAPTURE(k.args);
        const auto r = run_tool("quantize", k.args);
        CHECK(r.exit_code == k.exit_code);
        CHECK_MESSAGE(is_one_line_error(r, "quantize"), r.err);
        CHECK_MESSAGE(r.err.find(k.reason) != std::string::npos, r.err);
        CHECK(slurp(out) == "previous model");
    }
    // evaluate reads a checkpoint through the same checks and names the file and the tensor too.
    const auto r = run_tool("evaluate", {(dir.path() / "wrong.ckpt").string()});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(is_one_line_error(r, "evaluate"), r.err);
    CHECK_MESSAGE(r.err.find((dir.path() / "wrong.ckpt").string() + ": checkpoint tensor conv1.weight has shape") !=
                      std::string::npos,
                  r.err);
}
