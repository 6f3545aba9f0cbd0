#include <doctest/doctest.h>

#include "model_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "tinydigit/engine/checksum.hpp"
#include "tinydigit/model_to_c/emit_header.hpp"
#include "tinydigit/model_to_c/golden_set.hpp"

using namespace tinydigit::model_to_c;
using tinydigit::testing::TempDir;

namespace {

GoldenSet two_image_set() {
    GoldenSet set;
    for (int i = 0; i < 2; ++i) {
        GoldenImage image;
        for (int p = 0; p < kGoldenPixels; ++p) image.pixels[p] = static_cast<std::uint8_t>((p * 7 + i) % 256);
        image.label = 3 + i;
        image.logits = {-128, -5, 0, 127, 1, 2, 3, 4, 5, static_cast<std::int8_t>(i)};
        image.predicted = 3;
        image.checksum = tinydigit::engine::fnv1a32(image.logits.data(), image.logits.size());
        set.images.push_back(image);
    }
    set.layers.push_back({0, 0, "pool1", 784, 0xdeadbeef});
    return set;
}

void write_set(const TempDir& dir, const GoldenSet& set) {
    dir.write(kGoldenImagesFile, golden_images_idx(set));
    dir.write(kGoldenLabelsFile, golden_labels_idx(set));
    dir.write(kGoldenExpectedFile, expected_csv(set));
    dir.write(kGoldenLayersFile, layers_csv(set));
}

std::string error_of(const auto& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("model_to_c: the header holds the exact bytes, alignas(16) and the planned arena size") {
    const auto bytes = tinydigit::testing::small_random_model_bytes(3);
    HeaderOptions options;
    options.name_space = "demo::model";
    const std::string header = model_header(bytes, options);
    CHECK(header.find("namespace demo::model {") != std::string::npos);
    CHECK(header.find("alignas(16) inline constexpr std::uint8_t kModel[kModelBytes]") != std::string::npos);
    CHECK(header.find("kModelBytes = " + std::to_string(bytes.size()) + ";") != std::string::npos);
    CHECK(header.find("kArenaBytes = " + std::to_string(arena_bytes_of(bytes)) + ";") != std::string::npos);
    // Parse the array back: every byte, in order.
    std::vector<std::uint8_t> parsed;
    for (std::size_t at = header.find("0x", header.find("kModel[kModelBytes]")); at != std::string::npos;
         at = header.find("0x", at + 4)) {
        if (header.compare(at - 1, 1, " ") != 0) break;
        parsed.push_back(static_cast<std::uint8_t>(std::stoul(header.substr(at, 4), nullptr, 16)));
        if (parsed.size() == bytes.size()) break;
    }
    CHECK(parsed == bytes);
}

TEST_CASE("model_to_c --c: a C header with the exact bytes, _Alignas(16) and the arena size as macros") {
    const auto bytes = tinydigit::testing::small_random_model_bytes(3);
    HeaderOptions options;
    options.name_space = "digits";
    const std::string header = model_c_header(bytes, options);
    CHECK(header.find("#define DIGITS_BYTES " + std::to_string(bytes.size()) + "u\n") != std::string::npos);
    CHECK(header.find("#define DIGITS_ARENA_BYTES " + std::to_string(arena_bytes_of(bytes)) + "u\n") !=
          std::string::npos);
    const std::size_t array = header.find("_Alignas(16) static const uint8_t digits_model[DIGITS_BYTES] = {");
    REQUIRE(array != std::string::npos);
    CHECK(header.find("namespace") == std::string::npos);
    CHECK(header.find("//") == std::string::npos);  // C comments only
    std::vector<std::uint8_t> parsed;
    for (std::size_t at = header.find("0x", array); at != std::string::npos && parsed.size() < bytes.size();
         at = header.find("0x", at + 4))
        parsed.push_back(static_cast<std::uint8_t>(std::stoul(header.substr(at, 4), nullptr, 16)));
    CHECK(parsed == bytes);
    options.name_space = "a::b";
    CHECK(error_of([&] { model_c_header(bytes, options); }).find("C identifier") != std::string::npos);
}

TEST_CASE("model_to_c: not a model, a corrupted model and a bad namespace are refused") {
    auto bytes = tinydigit::testing::small_random_model_bytes(3);
    const std::vector<std::uint8_t> text = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!'};
    CHECK(error_of([&] { model_header(text, {}); }).find("file identifier") != std::string::npos);
    CHECK(error_of([&] { model_header(std::span(bytes).first(bytes.size() / 2), {}); }) ==
          "the engine refuses the model: corrupt or truncated model (kMalformedModel)");
    HeaderOptions bad;
    bad.name_space = "1abc";
    CHECK(error_of([&] { model_header(bytes, bad); }).find("namespace") != std::string::npos);
    bad.name_space = "a::";
    CHECK(error_of([&] { model_header(bytes, bad); }).find("namespace") != std::string::npos);
    // A header must never carry a model the engine refuses on the device.
    auto flipped = bytes;
    flipped[flipped.size() / 2] ^= 4;
    CHECK(error_of([&] { model_header(flipped, {}); }) ==
          "the engine refuses the model: checksum mismatch (the file was changed or corrupted) (kBadChecksum)");
    auto twice = bytes;
    twice.insert(twice.end(), bytes.begin(), bytes.end());
    CHECK(error_of([&] { model_header(twice, {}); }).find("(kBadFileLength)") != std::string::npos);
}

TEST_CASE("golden set: files written by the tools read back identically and embed in the header") {
    TempDir dir;
    const GoldenSet set = two_image_set();
    write_set(dir, set);
    const GoldenSet back = read_golden_set(dir.path());
    REQUIRE(back.images.size() == 2);
    CHECK(back.images[1].pixels == set.images[1].pixels);
    CHECK(back.images[1].logits == set.images[1].logits);
    CHECK(back.images[1].checksum == set.images[1].checksum);
    CHECK(back.images[0].label == 3);
    REQUIRE(back.layers.size() == 1);
    CHECK(back.layers[0].checksum == 0xdeadbeef);

    HeaderOptions options;
    options.golden = &back;
    const std::string header = model_header(tinydigit::testing::small_random_model_bytes(3), options);
    CHECK(header.find("kGoldenCount = 2;") != std::string::npos);
    CHECK(header.find("kGoldenLayers[kGoldenLayerCount]") != std::string::npos);
}

TEST_CASE("golden set: missing and malformed files are named in the error") {
    TempDir dir;
    CHECK(error_of([&] { read_golden_set(dir.path()); }).find("golden-images-idx3-ubyte: cannot open") !=
          std::string::npos);
    const GoldenSet set = two_image_set();
    write_set(dir, set);
    dir.write(kGoldenLabelsFile, golden_labels_idx(set).substr(0, 9));
    CHECK(error_of([&] { read_golden_set(dir.path()); }).find("not an IDX label file") != std::string::npos);
    write_set(dir, set);
    dir.write(kGoldenExpectedFile, expected_csv(set) + "2,1,1,0x0,1,2,3\n");
    CHECK(error_of([&] { read_golden_set(dir.path()); }).find("expected 14 fields") != std::string::npos);
    std::string csv = expected_csv(set);
    csv.replace(csv.rfind(",0\n"), 3, ",999\n");
    dir.write(kGoldenExpectedFile, csv);
    CHECK(error_of([&] { read_golden_set(dir.path()); }).find("outside int8") != std::string::npos);
}
