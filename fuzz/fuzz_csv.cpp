// libFuzzer target: dataset::read_csv (Kaggle train/test CSV and mnist_*.csv layouts).
// Seeds are real rows: a header plus a few labeled lines, an unlabeled test file, a file
// without a header.
#include <cstddef>
#include <cstdint>

#include "expect.hpp"
#include "memory_file.hpp"
#include "tinydigit/host/dataset/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace dataset = tinydigit::dataset;
    using tinydigit::fuzz::expect;
    static tinydigit::fuzz::MemoryFile file("digits.csv");
    file.assign(data, size);

    dataset::Images images;
    try {
        images = dataset::read_csv(file.path());
    } catch (const dataset::DataError& e) {
        tinydigit::fuzz::expect_one_line(e.what());
        return 0;
    }

    // Accepted: whole images, one label each or none at all, every image on its own line.
    expect(images.count() > 0, "an accepted file holds an image");
    expect(images.pixels.size() % dataset::kPixels == 0, "images are whole");
    expect(!images.labeled() || images.labels.size() == images.count(), "one label per image");
    for (const std::uint8_t label : images.labels) expect(label <= 9, "labels are digits");
    std::size_t lines = 1;
    for (std::size_t i = 0; i < size; ++i) lines += data[i] == '\n';
    expect(images.count() <= lines, "at most one image per line");
    return 0;
}
