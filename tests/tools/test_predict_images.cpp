#include <doctest/doctest.h>
#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "support/temp_dir.hpp"
#include "tinydigit/host/images/gray_image.hpp"
#include "tinydigit/host/images/mnist_normalize.hpp"

using namespace tinydigit::images;
using tinydigit::testing::TempDir;

namespace {

// A thick bar (like a "1") of ink value `ink` on `paper`, w x h, occupying columns [x0, x0+bw).
GrayImage bar(int w, int h, int x0, int bw, int y0, int bh, std::uint8_t ink, std::uint8_t paper) {
    GrayImage im{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h, paper), "bar"};
    for (int y = y0; y < y0 + bh; ++y)
        for (int x = x0; x < x0 + bw; ++x) im.pixels[static_cast<std::size_t>(y) * w + x] = ink;
    return im;
}

struct Moments {
    double mass = 0, cx = 0, cy = 0;
    int x0 = 28, y0 = 28, x1 = -1, y1 = -1;
};

Moments moments(const NormalizedDigit& d) {
    Moments m;
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x) {
            const double v = d.pixels[static_cast<std::size_t>(y * 28 + x)];
            m.mass += v, m.cx += v * (x + 0.5), m.cy += v * (y + 0.5);
            if (v > 0) m.x0 = std::min(m.x0, x), m.x1 = std::max(m.x1, x), m.y0 = std::min(m.y0, y), m.y1 = std::max(m.y1, y);
        }
    m.cx /= m.mass, m.cy /= m.mass;
    return m;
}

}  // namespace

TEST_CASE("normalize: a 28x28 white-on-black digit is used as is") {
    const auto im = bar(28, 28, 10, 4, 5, 18, 255, 0);
    const auto d = normalize_like_mnist(im);
    CHECK(std::equal(d.pixels.begin(), d.pixels.end(), im.pixels.begin()));
    CHECK(d.steps.find("used as is") != std::string::npos);
}

TEST_CASE("normalize: a large black-on-white digit is inverted, fitted to 20 px and centred by mass") {
    const auto d = normalize_like_mnist(bar(300, 200, 20, 30, 40, 120, 0, 255));  // off-centre, 30x120
    const auto m = moments(d);
    CHECK(d.steps.find("inverted") != std::string::npos);
    CHECK(d.steps.find("scaled to 5x20") != std::string::npos);
    CHECK(m.y1 - m.y0 + 1 >= 20);
    CHECK(m.y1 - m.y0 + 1 <= 21);
    CHECK(std::abs(m.cx - 14.0) <= 0.5);
    CHECK(std::abs(m.cy - 14.0) <= 0.5);
    CHECK(*std::max_element(d.pixels.begin(), d.pixels.end()) == 255);
}

TEST_CASE("normalize: grey paper and faint ink are stretched, a blank image is refused") {
    const auto d = normalize_like_mnist(bar(64, 64, 30, 6, 10, 40, 140, 60));
    CHECK(d.steps.find("contrast stretched") != std::string::npos);
    CHECK(*std::max_element(d.pixels.begin(), d.pixels.end()) == 255);
    CHECK(d.pixels[0] == 0);
    CHECK_THROWS_WITH_AS(normalize_like_mnist(bar(40, 40, 0, 0, 0, 0, 0, 200)), doctest::Contains("no digit found"),
                         ImageError);
}

TEST_CASE("PGM: P5 and P2 with comments read back, bad headers and truncation are named") {
    TempDir dir;
    std::string p5 = "P5\n# a comment\n3 2\n# another\n255\n";
    p5 += std::string("\x00\x10\x20\x30\x40\xff", 6);
    auto im = read_pgm(dir.write("a.pgm", p5));
    CHECK(im.width == 3);
    CHECK(im.height == 2);
    CHECK(im.pixels == std::vector<std::uint8_t>{0, 16, 32, 48, 64, 255});
    im = read_pgm(dir.write("b.pgm", "P2\n2 1\n15\n0 15\n"));
    CHECK(im.pixels == std::vector<std::uint8_t>{0, 255});
    CHECK_THROWS_WITH(read_pgm(dir.write("c.pgm", "P5\n3 2\n255\n\x01\x02")), doctest::Contains("truncated PGM data"));
    CHECK_THROWS_WITH(read_pgm(dir.write("d.pgm", "P5\n3")), doctest::Contains("truncated or malformed PGM header"));
    CHECK_THROWS_WITH(read_pgm(dir.write("e.pgm", "P5\n0 2\n255\n")), doctest::Contains("image size 0x2"));
    CHECK_THROWS_WITH(read_pgm(dir.write("f.pgm", "P5\n99999 99999\n255\n")), doctest::Contains("outside 1..8192"));
    CHECK_THROWS_WITH(read_pgm(dir.write("g.pgm", "P2\n1 1\n10\n11\n")), doctest::Contains("above maxval"));
}

TEST_CASE("PNG: an RGBA PNG is read as grey with transparency on white, garbage is refused") {
    TempDir dir;
    const auto path = (dir.path() / "rgba.png").string();
    png_image png;
    std::memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    png.width = 2;
    png.height = 1;
    png.format = PNG_FORMAT_RGBA;
    const std::uint8_t pixels[] = {0, 0, 0, 255, 0, 0, 0, 0};  // opaque black, fully transparent
    REQUIRE(png_image_write_to_file(&png, path.c_str(), 0, pixels, 0, nullptr));
    const auto images = read_images(path);
    REQUIRE(images.size() == 1);
    CHECK(images[0].pixels == std::vector<std::uint8_t>{0, 255});
    CHECK_THROWS_WITH(read_png(dir.write("bad.png", std::string("\x89PNG\r\n\x1a\nnonsense", 16))),
                      doctest::Contains("cannot read PNG"));
    CHECK_THROWS_WITH(read_images(dir.write("x.bmp", "BM....")), doctest::Contains("not a PGM, PNG or CSV"));
}
