// Issue 14: no tool ever replaces one of its inputs, and an output that cannot be written is
// refused before any long work. Every refused command leaves every file byte-identical.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <map>

#include "checkpoint_fixtures.hpp"
#include "run_tool.hpp"
#include "support/temp_dir.hpp"

using tinydigit::testing::is_one_line_error;
using tinydigit::testing::run_tool;
using tinydigit::testing::TempDir;

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every file under dir (links as what they point to) with its bytes.
std::map<fs::path, std::string> snapshot(const fs::path& dir) {
    std::map<fs::path, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file()) files[entry.path()] = slurp(entry.path());
    return files;
}

std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

struct Refusal {
    std::string tool;
    std::vector<std::string> args;
    int exit_code;
    std::string reason;
};

void check_refusals(const TempDir& dir, const std::vector<Refusal>& cases) {
    for (const auto& c : cases) {
        CAPTURE(c.tool);
        CAPTURE(c.args);
        const auto before = snapshot(dir.path());
        const auto r = run_tool(c.tool, c.args);
        CHECK(r.exit_code == c.exit_code);
        CHECK_MESSAGE(is_one_line_error(r, c.tool), r.err);
        CHECK_MESSAGE(r.err.find(c.reason) != std::string::npos, r.err);
        CHECK_MESSAGE(r.out.empty(), r.out);  // refused before any work, not after it
        CHECK(snapshot(dir.path()) == before);
    }
}

}  // namespace

TEST_CASE("every tool refuses an output that is one of its inputs, and every input stays byte-identical") {
    TempDir dir;
    const auto ckpt = dir.path() / "best.ckpt";
    tinydigit::trainer::save_checkpoint(ckpt, tinydigit::testing::random_checkpoint("compact", 53));
    const auto model = dir.path() / "model.fb";
    REQUIRE(run_tool("quantize", {ckpt.string(), model.string(), "--calibration-count", "10"}).exit_code == 0);
    std::string images = be32(0x803) + be32(3) + be32(28) + be32(28), labels = be32(0x801) + be32(3);
    for (int i = 0; i < 3; ++i) {
        for (int p = 0; p < 784; ++p) images.push_back(static_cast<char>((p * (i + 5)) % 256));
        labels.push_back(static_cast<char>(i));
    }
    dir.write("few-labels-idx1-ubyte", labels);
    const auto data = dir.write("few-images-idx3-ubyte", images).string();
    fs::create_symlink(ckpt, dir.path() / "link.ckpt");
    fs::create_hard_link(model, dir.path() / "hard.fb");
    const std::string c = ckpt.string(), m = model.string(), header = (dir.path() / "m.h").string();
    const std::string link = (dir.path() / "link.ckpt").string(), hard = (dir.path() / "hard.fb").string();
    const std::string same = "is the same file as";

    check_refusals(dir, {
        {"quantize", {c, c}, 2, same},
        {"quantize", {c, link}, 2, same},          // a symbolic link to the checkpoint
        {"quantize", {link, c}, 2, same},
        {"quantize", {c, (dir.path() / "new.fb").string(), "--emit-c", c}, 2, same},
        {"quantize", {c, (dir.path() / "new.fb").string(), "--report", link}, 2, same},
        {"quantize", {c, m, "--emit-c", hard}, 2, "name the same file"},  // a hard link to the output
        {"quantize", {c, m, "--emit-c", m}, 2, "name the same file"},
        {"quantize", {c, dir.path().string()}, 2, "is a folder"},
        {"evaluate", {m, "--data", data, "--logits", m}, 2, same},
        {"evaluate", {m, "--data", data, "--logits", hard}, 2, same},
        {"evaluate", {m, "--data", data, "--logits", data}, 2, same},
        {"evaluate", {c, "--data", data, "--logits", link}, 2, same},
        {"model_to_c", {m, m}, 2, same},
        {"model_to_c", {m, hard}, 2, same},
        {"model_to_c", {hard, m}, 2, same},
    });
}

TEST_CASE("an output folder that is missing is refused before any work, and nothing is written") {
    TempDir dir;
    const auto ckpt = dir.path() / "best.ckpt";
    tinydigit::trainer::save_checkpoint(ckpt, tinydigit::testing::random_checkpoint("compact", 54));
    const std::string c = ckpt.string(), nodir = (dir.path() / "nodir").string();
    const std::string fb = (dir.path() / "m.fb").string();
    REQUIRE(run_tool("quantize", {c, fb, "--calibration-count", "10"}).exit_code == 0);
    const std::string fresh = (dir.path() / "fresh.fb").string();
    check_refusals(dir, {
        {"quantize", {c, nodir + "/m.fb"}, 1, "nodir: folder: No such file or directory (create the folder first)"},
        // With --emit-c into a missing folder, the model is not written either.
        {"quantize", {c, fresh, "--emit-c", nodir + "/m.h"}, 1, "m.h: cannot write --emit-c"},
        {"quantize", {c, fresh, "--report", nodir + "/report.txt"}, 1, "report.txt: cannot write --report"},
        {"quantize", {c, fresh, "--emit-c", fb + "/m.h"}, 1, "Not a directory"},
        {"model_to_c", {fb, nodir + "/m.h"}, 1, "No such file or directory"},
        {"evaluate", {fb, "--logits", nodir + "/l.csv"}, 1, "l.csv: cannot write --logits"},
    });
    CHECK_FALSE(fs::exists(fresh));
}
