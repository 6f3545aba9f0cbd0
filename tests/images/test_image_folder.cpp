// Image folders: 0/ .. 9/ of PGM/PNG files, prepared as predict prepares them; bad files named
// and skipped, folders that would mislabel images refused.
#include <doctest/doctest.h>
#include <png.h>

#include <algorithm>
#include <cstring>

#include "support/temp_dir.hpp"
#include "tinydigit/host/images/gray_image.hpp"
#include "tinydigit/host/images/image_folder.hpp"
#include "tinydigit/host/images/mnist_normalize.hpp"

using namespace tinydigit::images;
using tinydigit::testing::TempDir;

namespace {

// A w x h binary PGM: a dark bar (the digit) on light paper, `shift` moving the bar.
std::string bar_pgm(int w, int h, int shift = 0) {
    std::string pgm = "P5\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            pgm.push_back(static_cast<char>(x >= w / 3 + shift && x < w / 2 + shift && y > h / 6 && y < h - h / 6 ? 20 : 230));
    return pgm;
}

void write_png_bar(const std::filesystem::path& path, int w, int h) {
    png_image png;
    std::memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    png.width = static_cast<png_uint_32>(w);
    png.height = static_cast<png_uint_32>(h);
    png.format = PNG_FORMAT_GRAY;
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(w * h), 0);
    for (int y = 2; y < h - 2; ++y) pixels[static_cast<std::size_t>(y * w + w / 2)] = 255;
    REQUIRE(png_image_write_to_file(&png, path.c_str(), 0, pixels.data(), 0, nullptr));
}

void make_class(const TempDir& dir, const std::string& root, int digit, int files) {
    std::filesystem::create_directories(dir.path() / root / std::to_string(digit));
    for (int i = 0; i < files; ++i)
        dir.write(root + "/" + std::to_string(digit) + "/img" + std::to_string(i) + ".pgm", bar_pgm(30 + i * 7, 50 + digit, i));
}

}  // namespace

TEST_CASE("an image folder: every class's images, labeled, in file-name order, prepared exactly as predict does") {
    TempDir dir;
    for (int digit = 0; digit < 10; ++digit) make_class(dir, "set", digit, 2);
    write_png_bar(dir.path() / "set/4/zz.png", 40, 60);
    const ImageFolder folder = load_image_folder(dir.path() / "set");
    REQUIRE(folder.images.count() == 21);
    CHECK(folder.skipped.empty());
    CHECK(folder.empty_classes.empty());
    CHECK(folder.images.labels[0] == 0);
    CHECK(folder.images.labels[8] == 4);
    CHECK(folder.images.labels[10] == 4);  // zz.png after img0, img1
    CHECK(folder.images.labels[20] == 9);
    // The same pixels predict would feed the network.
    const auto expected = normalize_like_mnist(read_image(dir.path() / "set/4/zz.png")).pixels;
    CHECK(std::equal(expected.begin(), expected.end(), folder.images.image(10)));
    REQUIRE(folder.files.size() == 21);
    CHECK(folder.files[10] == "4/zz.png");
}

TEST_CASE("an image folder's digest follows its used files' names and contents") {
    TempDir dir;
    make_class(dir, "set", 3, 2);
    const auto digest = [&] {
        return image_folder_sha256(dir.path() / "set", load_image_folder(dir.path() / "set").files);
    };
    const std::string before = digest();
    CHECK(before == digest());
    dir.write("set/3/notes.txt", "a note");  // skipped: not part of the identity
    CHECK(digest() == before);
    dir.write("set/3/img1.pgm", bar_pgm(30 + 7, 53, 2));  // one pixel column moved
    CHECK(digest() != before);
}

TEST_CASE("bad files are named with their reason and skipped - hidden files and top-level files are ignored") {
    TempDir dir;
    make_class(dir, "set", 1, 1);
    dir.write("set/1/notes.txt", "a note");
    dir.write("set/1/blank.pgm", "P5\n20 20\n255\n" + std::string(400, '\x80'));  // uniform: no digit
    dir.write("set/1/cut.pgm", "P5\n20 20\n255\nabc");                          // truncated
    dir.write("set/1/.DS_Store", "junk");
    dir.write("set/README.md", "how this set was made");
    const ImageFolder folder = load_image_folder(dir.path() / "set");
    CHECK(folder.images.count() == 1);
    REQUIRE(folder.skipped.size() == 3);
    const auto has = [&](const std::string& file, const std::string& reason) {
        return std::any_of(folder.skipped.begin(), folder.skipped.end(), [&](const std::string& s) {
            return s.starts_with((dir.path() / "set/1" / file).string() + ": ") && s.find(reason) != std::string::npos;
        });
    };
    CHECK(has("notes.txt", "not a PGM or PNG image"));
    CHECK(has("blank.pgm", "no digit found"));
    CHECK(has("cut.pgm", "truncated PGM data"));
}

TEST_CASE("digits without images are listed - a folder without any usable image is refused") {
    TempDir dir;
    make_class(dir, "set", 2, 1);
    std::filesystem::create_directories(dir.path() / "set/5");  // empty class folder
    std::filesystem::create_directories(dir.path() / "set/7");
    dir.write("set/7/bad.pgm", "P2\n");                          // only a bad file
    const ImageFolder folder = load_image_folder(dir.path() / "set");
    CHECK(folder.empty_classes == std::vector<int>{0, 1, 3, 4, 5, 6, 7, 8, 9});
    CHECK(folder.skipped.size() == 1);

    std::filesystem::create_directories(dir.path() / "none/0");
    std::filesystem::create_directories(dir.path() / "none/3");
    dir.write("none/3/x.txt", "text");
    CHECK_THROWS_WITH(load_image_folder(dir.path() / "none"),
                      doctest::Contains("no usable image in its subfolders 0 .. 9 (1 files skipped, first: "));
}

TEST_CASE("subfolders that are not a single digit, and folders inside a digit's folder, are refused") {
    TempDir dir;
    for (const char* name : {"seven", "07", "10"}) {
        make_class(dir, name, 1, 1);
        std::filesystem::create_directories(dir.path() / name / name);
        const std::string expected = "subfolder '" + std::string(name) + "' is not a digit 0..9";
        CHECK_THROWS_WITH(load_image_folder(dir.path() / name), doctest::Contains(expected.c_str()));
    }
    make_class(dir, "nested", 4, 1);
    std::filesystem::create_directories(dir.path() / "nested/4/more");
    CHECK_THROWS_WITH(load_image_folder(dir.path() / "nested"), doctest::Contains("a folder inside a digit's folder"));
    CHECK_THROWS_WITH(load_image_folder(dir.path() / "missing"), doctest::Contains("not a folder"));
}
