// The seven-segment generator and evaluate on image folders, run as a user runs them.
#include <doctest/doctest.h>

#include <map>

#include "run_tool.hpp"
#include "support/temp_dir.hpp"
#include "tinydigit/host/common/read_file.hpp"
#include "tinydigit/host/images/image_folder.hpp"

using tinydigit::testing::is_one_line_error;
using tinydigit::testing::run_tool;
using tinydigit::testing::TempDir;

namespace {

// Every file under `root`, relative path -> content.
std::map<std::string, std::string> tree(const std::filesystem::path& root) {
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
        if (entry.is_regular_file()) {
            const auto bytes = tinydigit::common::read_file(entry.path());
            files[std::filesystem::relative(entry.path(), root).string()] = {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
        }
    return files;
}

}  // namespace

TEST_CASE("sevenseg_digits: the same seed writes the same bytes, another seed another set - every image holds a digit") {
    TempDir dir;
    for (const auto& [name, seed] : {std::pair{"a", "5"}, {"b", "5"}, {"c", "6"}}) {
        const auto r = run_tool("sevenseg_digits", {"--out", (dir.path() / name).string(), "--count", "4", "--seed", seed});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    const auto a = tree(dir.path() / "a"), b = tree(dir.path() / "b"), c = tree(dir.path() / "c");
    CHECK(a.size() == 40);
    CHECK(a.contains("7/00003.pgm"));
    CHECK(a == b);
    REQUIRE(c.size() == a.size());
    std::size_t same = 0;
    for (const auto& [path, bytes] : a) same += c.at(path) == bytes;
    CHECK(same == 0);

    const auto folder = tinydigit::images::load_image_folder(dir.path() / "a");
    CHECK(folder.images.count() == 40);
    CHECK(folder.skipped.empty());
    CHECK(folder.empty_classes.empty());

    // Never into a folder that holds something (it could be a user's photos).
    const auto r = run_tool("sevenseg_digits", {"--out", (dir.path() / "a").string(), "--count", "1"});
    CHECK(r.exit_code == 2);
    CHECK(is_one_line_error(r, "sevenseg_digits"));
    CHECK(r.err.find("exists and is not an empty folder") != std::string::npos);
    CHECK(tree(dir.path() / "a") == a);
    CHECK(run_tool("sevenseg_digits", {"--out", (dir.path() / "d").string(), "--count", "0"}).exit_code == 2);
    CHECK(run_tool("sevenseg_digits", {"--out", (dir.path() / "d").string(), "--count", "2", "--seed", "-1"}).exit_code == 2);
}

TEST_CASE("evaluate: an image folder as --data, each source's accuracy when there are several, no weights") {
    TempDir dir;
    const auto set = (dir.path() / "set").string();
    REQUIRE(run_tool("sevenseg_digits", {"--out", set, "--count", "2", "--seed", "3"}).exit_code == 0);
    dir.write("set/4/notes.txt", "not an image");
    const std::string model = std::string(TINYDIGIT_SOURCE_DIR) + "/models/seed/model.fb";
    auto r = run_tool("evaluate", {model, "--data", set});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("images: 20\n") != std::string::npos);
    CHECK(r.err == "evaluate: warning: " + set + "/4/notes.txt: not a PGM or PNG image (skipped)\n");
    CHECK(r.out.find("accuracy on ") == std::string::npos);  // one source: the totals say it

    r = run_tool("evaluate", {model, "--data", set, "--data", set + "/"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("images: 40\n") != std::string::npos);
    CHECK(r.out.find("accuracy on " + set + ": ") != std::string::npos);
    CHECK(r.out.find("(", r.out.find("accuracy on " + set + "/: ")) != std::string::npos);

    r = run_tool("evaluate", {model, "--data", set + ":2"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "evaluate: --data " + set + ":2: evaluate counts every image once; drop the ':WEIGHT'\n");
}
