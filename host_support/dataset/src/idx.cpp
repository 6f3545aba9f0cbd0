#include "tinydigit/host/dataset/idx.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>

namespace tinydigit::dataset {
namespace {

constexpr std::uint32_t kImagesMagic = 0x00000803;  // uint8 data, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801;  // uint8 data, 1 dimension

std::ifstream open(const std::filesystem::path& path) { return open_data_file(path, std::ios::binary); }

std::uint32_t read_be32(std::ifstream& in, const std::filesystem::path& path) {
    std::array<unsigned char, 4> b{};
    if (!in.read(reinterpret_cast<char*>(b.data()), 4)) {
        throw DataError(path.string() + ": truncated IDX header");
    }
    return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
}

// The buffer grows with the bytes actually read, chunk by chunk: a header that claims
// millions of images in a short file costs the file's size, not gigabytes allocated up front.
void read_payload(std::ifstream& in, const std::filesystem::path& path,
                  std::vector<std::uint8_t>& out, std::size_t bytes) {
    constexpr std::size_t kChunk = std::size_t{1} << 20;
    out.clear();
    while (out.size() < bytes) {
        const std::size_t have = out.size();
        const std::size_t want = std::min(kChunk, bytes - have);
        out.resize(have + want);
        in.read(reinterpret_cast<char*>(out.data() + have), static_cast<std::streamsize>(want));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got < want) {
            throw DataError(path.string() + ": truncated: expected " + std::to_string(bytes) +
                            " payload bytes, found " + std::to_string(have + got));
        }
    }
    if (in.peek() != std::ifstream::traits_type::eof()) {
        throw DataError(path.string() + ": trailing bytes after the IDX payload");
    }
}

void check_magic(std::uint32_t magic, std::uint32_t expected, const std::filesystem::path& path) {
    if (magic != expected) {
        char buf[96];
        std::snprintf(buf, sizeof buf, ": wrong magic 0x%08x (expected 0x%08x): not an IDX %s file",
                      magic, expected, expected == kImagesMagic ? "image" : "label");
        throw DataError(path.string() + buf);
    }
}

}  // namespace

Images read_idx(const std::filesystem::path& images_path, const std::filesystem::path& labels_path) {
    Images out;
    out.source = images_path.string();
    {
        auto in = open(images_path);
        check_magic(read_be32(in, images_path), kImagesMagic, images_path);
        const std::uint32_t count = read_be32(in, images_path);
        const std::uint32_t rows = read_be32(in, images_path);
        const std::uint32_t cols = read_be32(in, images_path);
        if (rows != kRows || cols != kCols) {
            throw DataError(images_path.string() + ": images are " + std::to_string(rows) + "x" +
                            std::to_string(cols) + ", expected 28x28");
        }
        if (count > (1u << 24)) {
            throw DataError(images_path.string() + ": implausible image count " + std::to_string(count));
        }
        read_payload(in, images_path, out.pixels, std::size_t{count} * kPixels);
    }
    if (labels_path.empty()) return out;

    auto in = open(labels_path);
    check_magic(read_be32(in, labels_path), kLabelsMagic, labels_path);
    const std::uint32_t count = read_be32(in, labels_path);
    if (count != out.count()) {
        throw DataError(labels_path.string() + ": " + std::to_string(count) + " labels for " +
                        std::to_string(out.count()) + " images in " + images_path.string());
    }
    read_payload(in, labels_path, out.labels, count);
    for (std::size_t i = 0; i < out.labels.size(); ++i) {
        if (out.labels[i] > 9) {
            throw DataError(labels_path.string() + ": label " + std::to_string(out.labels[i]) +
                            " of item " + std::to_string(i) + " is outside 0..9");
        }
    }
    return out;
}

std::filesystem::path idx_labels_beside(const std::filesystem::path& images_path) {
    std::string name = images_path.filename().string();
    const auto at = name.find("images-idx3");
    if (at == std::string::npos) return {};
    name.replace(at, 11, "labels-idx1");
    return images_path.parent_path() / name;
}

}  // namespace tinydigit::dataset
