// libFuzzer target: dataset::read_idx on an image file and, optionally, its label file.
//
// Input layout: an IDX image file, optionally followed by an IDX label file. The label file
// starts at the first occurrence of its magic (00 00 08 01) after the image header; seeds are
// real MNIST files cut down to a few images, concatenated.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "expect.hpp"
#include "memory_file.hpp"
#include "tinydigit/host/dataset/idx.hpp"

namespace {

using tinydigit::fuzz::expect;

constexpr std::array<std::uint8_t, 4> kLabelsMagic{0x00, 0x00, 0x08, 0x01};
constexpr std::size_t kImagesHeader = 16;

std::size_t labels_start(const std::uint8_t* data, std::size_t size) {
    if (size < kImagesHeader + kLabelsMagic.size()) return size;
    const auto* begin = data + kImagesHeader;
    const auto* end = data + size;
    const auto* at = std::search(begin, end, kLabelsMagic.begin(), kLabelsMagic.end());
    return at == end ? size : static_cast<std::size_t>(at - data);
}

std::uint32_t be32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace dataset = tinydigit::dataset;
    static tinydigit::fuzz::MemoryFile images_file("images-idx3-ubyte");
    static tinydigit::fuzz::MemoryFile labels_file("labels-idx1-ubyte");

    const std::size_t split = labels_start(data, size);
    const bool with_labels = split < size;
    images_file.assign(data, split);
    if (with_labels) labels_file.assign(data + split, size - split);

    dataset::Images images;
    try {
        images = with_labels ? dataset::read_idx(images_file.path(), labels_file.path())
                             : dataset::read_idx(images_file.path());
    } catch (const dataset::DataError& e) {
        tinydigit::fuzz::expect_one_line(e.what());
        return 0;
    }

    // Accepted: the header's count matches the payload byte for byte, and the pixels are the
    // file's own bytes after the header (nothing dropped, nothing trailing).
    expect(split >= kImagesHeader, "an accepted image file has a full header");
    const std::uint32_t count = be32(data + 4);
    expect(images.pixels.size() == std::size_t{count} * dataset::kPixels, "pixel count matches the header");
    expect(split == kImagesHeader + images.pixels.size(), "no byte of the image file is ignored");
    expect(images.pixels.empty() || std::memcmp(images.pixels.data(), data + kImagesHeader, images.pixels.size()) == 0,
           "pixels are the file's bytes");
    if (with_labels) {
        expect(images.labels.size() == count, "one label per image");
        expect(size - split == 8 + images.labels.size(), "no byte of the label file is ignored");
        for (const std::uint8_t label : images.labels) expect(label <= 9, "labels are digits");
    } else {
        expect(images.labels.empty(), "no label file, no labels");
    }
    return 0;
}
