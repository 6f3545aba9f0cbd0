// Several --data sources: per-source hold-out and the weighted draw of each epoch.
#include <algorithm>
#include <map>

#include <doctest/doctest.h>

#include "tinydigit/trainer/counter_rng.hpp"
#include "tinydigit/trainer/source_split.hpp"

using namespace tinydigit::trainer;
namespace ds = tinydigit::dataset;

namespace {

ds::Images numbered(std::size_t n) {
    ds::Images images;
    images.pixels.resize(n * ds::kPixels);
    images.labels.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        images.pixels[i * ds::kPixels] = static_cast<std::uint8_t>(i);  // which image this is
        images.labels[i] = static_cast<std::uint8_t>(i % 10);
    }
    return images;
}

}  // namespace

TEST_CASE("one source with weight 1 is split and drawn exactly as before sources had weights") {
    const auto data = numbered(50);
    const std::vector<DataSource> sources{{"a", "", 50, 1.0f, "a"}};
    const auto split = split_sources(data, sources, 0.1, 7);
    const auto old = permutation(50, stream_key(7, 0, 0, Purpose::kSplit));
    REQUIRE(split.validation.size() == 1);
    REQUIRE(split.validation[0].count() == 5);
    for (std::size_t i = 0; i < 5; ++i) CHECK(split.validation[0].image(i)[0] == old[i]);
    CHECK(split.train_ids[0] == std::vector<std::size_t>(old.begin() + 5, old.end()));
    CHECK(epoch_images(split, sources, 7, 0) == split.train_ids[0]);
    CHECK(epoch_images(split, sources, 7, 3) == split.train_ids[0]);
}

TEST_CASE("each source holds out its own share - weights repeat whole draws and pick fractions per epoch") {
    const auto data = numbered(70);
    const std::vector<DataSource> sources{{"a", "", 50, 1.0f, "a"}, {"b", "", 20, 2.5f, "b"}};
    const auto split = split_sources(data, sources, 0.1, 7);
    CHECK(split.validation[0].count() == 5);
    CHECK(split.validation[1].count() == 2);
    for (std::size_t i = 0; i < 2; ++i) CHECK(split.validation[1].image(i)[0] >= 50);  // from source b only
    CHECK(std::all_of(split.train_ids[1].begin(), split.train_ids[1].end(), [](std::size_t id) { return id >= 50; }));
    CHECK(split.train_ids[1].size() == 18);

    const auto e0 = epoch_images(split, sources, 7, 0), e1 = epoch_images(split, sources, 7, 1);
    CHECK(e0.size() == 45 + 2 * 18 + 9);
    CHECK(e1.size() == e0.size());
    CHECK(e0 != e1);  // another half of b in another epoch
    std::map<std::size_t, int> draws;
    for (const auto id : e0) ++draws[id];
    for (const auto id : split.train_ids[0]) CHECK(draws[id] == 1);
    int thrice = 0;
    for (const auto id : split.train_ids[1]) {
        CHECK((draws[id] == 2 || draws[id] == 3));
        thrice += draws[id] == 3;
    }
    CHECK(thrice == 9);
    CHECK(epoch_images(split, sources, 7, 0) == e0);  // a pure function of (seed, epoch)

    const std::vector<DataSource> quarter{{"a", "", 50, 0.25f, "a"}, {"b", "", 20, 1.0f, "b"}};
    CHECK(epoch_images(split, quarter, 7, 0).size() == 11 + 18);  // llround(0.25 * 45)
}

TEST_CASE("a source too small to hold out a validation image is refused by name") {
    const auto data = numbered(54);
    const std::vector<DataSource> sources{{"big", "", 50, 1.0f, "big"}, {"/photos/tiny", "", 4, 1.0f, "tiny"}};
    CHECK_THROWS_WITH(split_sources(data, sources, 0.1, 1),
                      "/photos/tiny: 4 images are too few to hold out a validation share (need at least 5)");
}
