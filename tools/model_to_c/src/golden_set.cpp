#include "tinydigit/model_to_c/golden_set.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace tinydigit::model_to_c {

namespace {

std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw GoldenError(path.string() + ": cannot open");
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) throw GoldenError(path.string() + ": read error");
    return s.str();
}

std::uint32_t be32(const std::string& s, std::size_t at) {
    return (std::uint32_t{static_cast<std::uint8_t>(s[at])} << 24) |
           (std::uint32_t{static_cast<std::uint8_t>(s[at + 1])} << 16) |
           (std::uint32_t{static_cast<std::uint8_t>(s[at + 2])} << 8) | static_cast<std::uint8_t>(s[at + 3]);
}

void put_be32(std::string& s, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
}

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        fields.push_back(line.substr(start, comma - start));
        if (comma == std::string::npos) return fields;
        start = comma + 1;
    }
}

template <typename T>
T parse(const std::string& field, const std::string& where, int base = 10) {
    T value{};
    const char* first = field.data();
    const char* last = field.data() + field.size();
    if (base == 16 && field.size() > 2 && field[0] == '0' && (field[1] == 'x' || field[1] == 'X')) first += 2;
    const auto [end, error] = std::from_chars(first, last, value, base);
    if (error != std::errc{} || end != last) throw GoldenError(where + ": bad number '" + field + "'");
    return value;
}

// Lines after the header, each split into fields; checks the header and the field count.
std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path, const std::string& header,
                                               std::size_t columns) {
    std::istringstream in(read_all(path));
    std::string line;
    if (!std::getline(in, line) || line != header)
        throw GoldenError(path.string() + ": expected the header '" + header + "'");
    std::vector<std::vector<std::string>> rows;
    int number = 1;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty()) continue;
        auto fields = split(line);
        if (fields.size() != columns)
            throw GoldenError(path.string() + ":" + std::to_string(number) + ": expected " +
                              std::to_string(columns) + " fields, found " + std::to_string(fields.size()));
        rows.push_back(std::move(fields));
    }
    return rows;
}

const std::string kExpectedHeader = "image,label,predicted,checksum,l0,l1,l2,l3,l4,l5,l6,l7,l8,l9";
const std::string kLayersHeader = "image,op,tensor,bytes,checksum";

std::string hex32(std::uint32_t v) {
    char text[11];
    std::snprintf(text, sizeof text, "0x%08x", v);
    return text;
}

}  // namespace

GoldenSet read_golden_set(const std::filesystem::path& dir) {
    GoldenSet set;
    const auto images_path = dir / kGoldenImagesFile;
    const std::string images = read_all(images_path);
    if (images.size() < 16 || be32(images, 0) != 0x803 || be32(images, 8) != 28 || be32(images, 12) != 28)
        throw GoldenError(images_path.string() + ": not a 28x28 IDX image file");
    const std::uint32_t count = be32(images, 4);
    if (images.size() != 16 + std::size_t{count} * kGoldenPixels)
        throw GoldenError(images_path.string() + ": size does not match its image count");

    const auto labels_path = dir / kGoldenLabelsFile;
    const std::string labels = read_all(labels_path);
    if (labels.size() < 8 || be32(labels, 0) != 0x801 || be32(labels, 4) != count || labels.size() != 8 + count)
        throw GoldenError(labels_path.string() + ": not an IDX label file for " + std::to_string(count) + " images");

    const auto expected_path = dir / kGoldenExpectedFile;
    const auto rows = read_csv(expected_path, kExpectedHeader, 14);
    if (rows.size() != count)
        throw GoldenError(expected_path.string() + ": " + std::to_string(rows.size()) + " rows for " +
                          std::to_string(count) + " images");
    for (std::uint32_t i = 0; i < count; ++i) {
        const auto& row = rows[i];
        const std::string where = expected_path.string() + ":" + std::to_string(i + 2);
        GoldenImage image;
        std::copy_n(images.begin() + 16 + std::ptrdiff_t{i} * kGoldenPixels, kGoldenPixels, image.pixels.begin());
        image.label = static_cast<std::uint8_t>(labels[8 + i]);
        if (parse<std::uint32_t>(row[0], where) != i) throw GoldenError(where + ": images out of order");
        if (parse<int>(row[1], where) != image.label) throw GoldenError(where + ": label disagrees with the IDX file");
        image.predicted = parse<int>(row[2], where);
        image.checksum = parse<std::uint32_t>(row[3], where, 16);
        for (int k = 0; k < 10; ++k) {
            const int logit = parse<int>(row[4 + k], where);
            if (logit < -128 || logit > 127) throw GoldenError(where + ": logit outside int8");
            image.logits[k] = static_cast<std::int8_t>(logit);
        }
        set.images.push_back(image);
    }

    const auto layers_path = dir / kGoldenLayersFile;
    if (std::filesystem::exists(layers_path)) {
        for (const auto& row : read_csv(layers_path, kLayersHeader, 5)) {
            const std::string where = layers_path.string();
            for (const char c : row[2])
                if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '+'))
                    throw GoldenError(where + ": bad tensor name '" + row[2] + "'");
            set.layers.push_back({parse<int>(row[0], where), parse<int>(row[1], where), row[2],
                                  parse<std::uint32_t>(row[3], where), parse<std::uint32_t>(row[4], where, 16)});
        }
    }
    return set;
}

std::string expected_csv(const GoldenSet& set) {
    std::string out = kExpectedHeader + "\n";
    for (std::size_t i = 0; i < set.images.size(); ++i) {
        const auto& image = set.images[i];
        out += std::to_string(i);
        out += ',';
        out += std::to_string(image.label);
        out += ',';
        out += std::to_string(image.predicted);
        out += ',';
        out += hex32(image.checksum);
        for (const std::int8_t logit : image.logits) {
            out += ',';
            out += std::to_string(logit);
        }
        out += '\n';
    }
    return out;
}

std::string layers_csv(const GoldenSet& set) {
    std::string out = kLayersHeader + "\n";
    for (const auto& layer : set.layers) {
        for (const std::string& field : {std::to_string(layer.image), std::to_string(layer.op), layer.tensor,
                                         std::to_string(layer.bytes)}) {
            out += field;
            out += ',';
        }
        out += hex32(layer.checksum);
        out += '\n';
    }
    return out;
}

std::string golden_images_idx(const GoldenSet& set) {
    std::string out;
    put_be32(out, 0x803);
    put_be32(out, static_cast<std::uint32_t>(set.images.size()));
    put_be32(out, 28);
    put_be32(out, 28);
    for (const auto& image : set.images) out.append(image.pixels.begin(), image.pixels.end());
    return out;
}

std::string golden_labels_idx(const GoldenSet& set) {
    std::string out;
    put_be32(out, 0x801);
    put_be32(out, static_cast<std::uint32_t>(set.images.size()));
    for (const auto& image : set.images) out.push_back(static_cast<char>(image.label));
    return out;
}

}  // namespace tinydigit::model_to_c
