#include "tinydigit/host/images/gray_image.hpp"

#include <png.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tinydigit/host/dataset/csv.hpp"

namespace tinydigit::images {

namespace {

std::string read_all(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw ImageError(path.string() + ": is a folder, not an image");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ImageError(path.string() + ": cannot open: " + std::strerror(errno));
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) throw ImageError(path.string() + ": read error");
    return s.str();
}

void check_size(const std::filesystem::path& path, long width, long height) {
    if (width < 1 || height < 1 || width > kMaxImageSide || height > kMaxImageSide)
        throw ImageError(path.string() + ": image size " + std::to_string(width) + "x" + std::to_string(height) +
                         " outside 1.." + std::to_string(kMaxImageSide));
}

}  // namespace

GrayImage read_pgm(const std::filesystem::path& path) {
    const std::string bytes = read_all(path);
    std::size_t at = 2;
    if (bytes.size() < 2 || bytes[0] != 'P' || (bytes[1] != '2' && bytes[1] != '5'))
        throw ImageError(path.string() + ": not a PGM file (P2 or P5)");
    const bool binary = bytes[1] == '5';
    // Header: whitespace-separated width, height, maxval; '#' starts a comment to end of line.
    auto next_number = [&](const char* what) {
        while (at < bytes.size()) {
            if (bytes[at] == '#') {
                while (at < bytes.size() && bytes[at] != '\n') ++at;
            } else if (std::isspace(static_cast<unsigned char>(bytes[at]))) {
                ++at;
            } else {
                break;
            }
        }
        long value = 0;
        std::size_t digits = 0;
        while (at < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[at])) && digits < 9) {
            value = value * 10 + (bytes[at++] - '0');
            ++digits;
        }
        if (digits == 0) throw ImageError(path.string() + ": truncated or malformed PGM header (" + what + ")");
        return value;
    };
    const long width = next_number("width"), height = next_number("height"), maxval = next_number("maxval");
    check_size(path, width, height);
    if (maxval < 1 || maxval > 65535) throw ImageError(path.string() + ": PGM maxval outside 1..65535");
    GrayImage image{static_cast<int>(width), static_cast<int>(height), {}, path.filename().string()};
    const std::size_t count = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    image.pixels.reserve(count);
    auto scaled = [&](long v) {
        if (v > maxval) throw ImageError(path.string() + ": PGM sample above maxval");
        return static_cast<std::uint8_t>((v * 255 + maxval / 2) / maxval);
    };
    if (binary) {
        ++at;  // exactly one whitespace byte ends the header
        const std::size_t sample = maxval > 255 ? 2 : 1;
        if (bytes.size() < at + count * sample) throw ImageError(path.string() + ": truncated PGM data");
        for (std::size_t i = 0; i < count; ++i) {
            const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at + i * sample);
            image.pixels.push_back(scaled(sample == 2 ? (p[0] << 8 | p[1]) : p[0]));
        }
    } else {
        for (std::size_t i = 0; i < count; ++i) image.pixels.push_back(scaled(next_number("pixel data")));
    }
    return image;
}

GrayImage read_png(const std::filesystem::path& path) {
    const std::string bytes = read_all(path);
    png_image png;
    std::memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size()))
        throw ImageError(path.string() + ": cannot read PNG: " + png.message);
    check_size(path, static_cast<long>(png.width), static_cast<long>(png.height));
    png.format = PNG_FORMAT_GRAY;
    GrayImage image{static_cast<int>(png.width), static_cast<int>(png.height), {}, path.filename().string()};
    image.pixels.assign(PNG_IMAGE_SIZE(png), 255);
    // Transparent areas are composited onto white (then treated like paper by the normalizer).
    png_color white{255, 255, 255};
    if (!png_image_finish_read(&png, &white, image.pixels.data(), 0, nullptr)) {
        const std::string message = png.message;
        png_image_free(&png);
        throw ImageError(path.string() + ": cannot decode PNG: " + message);
    }
    return image;
}

std::vector<GrayImage> read_images(const std::filesystem::path& path) {
    if (path.extension() == ".csv") {
        const auto rows = dataset::read_csv(path);
        std::vector<GrayImage> images;
        for (std::size_t i = 0; i < rows.count(); ++i)
            images.push_back({28, 28, {rows.image(i), rows.image(i) + 784}, path.filename().string() + ":" + std::to_string(i + 1)});
        return images;
    }
    return {read_image(path, "not a PGM, PNG or CSV file")};
}

GrayImage read_image(const std::filesystem::path& path, const char* unknown) {
    const std::string head = read_all(path).substr(0, 8);
    if (head.size() >= 2 && head[0] == 'P' && (head[1] == '2' || head[1] == '5')) return read_pgm(path);
    if (head.size() == 8 && head == std::string("\x89PNG\r\n\x1a\n", 8)) return read_png(path);
    throw ImageError(path.string() + ": " + unknown);
}

}  // namespace tinydigit::images
