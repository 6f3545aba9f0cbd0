#include "tinydigit/host/dataset/csv.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <string_view>

namespace tinydigit::dataset {
namespace {

struct Layout {
    bool header = false;
    bool labeled = false;
};

// The first line tells the layout: a header names the columns, otherwise the column count does.
Layout detect_layout(std::string_view first, const std::filesystem::path& path) {
    std::size_t columns = 1;
    for (char c : first) columns += c == ',';
    Layout layout;
    layout.header = !first.empty() && (first[0] < '0' || first[0] > '9');
    if (layout.header) {
        layout.labeled = first.substr(0, 5) == "label";
    } else {
        layout.labeled = columns == kPixels + 1;
    }
    const std::size_t expected = kPixels + (layout.labeled ? 1 : 0);
    if (columns != expected) {
        throw DataError(path.string() + ":1: " + std::to_string(columns) +
                        " columns; expected 785 (label + 784 pixels) or 784 (pixels only)");
    }
    return layout;
}

// A field quoted in a one-line message: cut short, control characters shown as '?', so that
// whatever the file holds cannot make the message long or break the line.
std::string quoted(std::string_view field) {
    constexpr std::size_t kMaxShown = 20;
    std::string text = "'";
    for (const char c : field.substr(0, kMaxShown)) {
        const auto u = static_cast<unsigned char>(c);
        text += (u < 0x20 || u == 0x7F) ? '?' : c;
    }
    return text + (field.size() > kMaxShown ? "...'" : "'");
}

}  // namespace

Images read_csv(const std::filesystem::path& path) {
    std::ifstream in = open_data_file(path, std::ios::in);
    Images out;
    out.source = path.string();

    std::string line;
    if (!std::getline(in, line)) throw DataError(path.string() + ": empty file");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // Spreadsheet programs save "UTF-8 CSV" with a byte order mark; it is not part of the data.
    if (line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    const Layout layout = detect_layout(line, path);
    const std::size_t columns = kPixels + (layout.labeled ? 1 : 0);

    std::size_t line_no = 1;
    bool have_line = !layout.header;
    while (have_line || std::getline(in, line)) {
        if (!have_line) ++line_no;
        have_line = false;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        const auto where = [&] { return path.string() + ":" + std::to_string(line_no) + ": "; };
        const char* p = line.data();
        const char* end = line.data() + line.size();
        for (std::size_t col = 0; col < columns; ++col) {
            unsigned value = 0;
            auto [next, ec] = std::from_chars(p, end, value);
            if (ec != std::errc() || next == p || (next != end && *next != ',')) {
                const char* field_end = std::find(p, end, ',');
                throw DataError(where() + "column " + std::to_string(col + 1) + ": " +
                                quoted(std::string_view(p, static_cast<std::size_t>(field_end - p))) +
                                " is not a non-negative integer");
            }
            const bool is_label = layout.labeled && col == 0;
            if (is_label && value > 9) {
                throw DataError(where() + "label " + std::to_string(value) + " is outside 0..9");
            }
            if (!is_label && value > 255) {
                throw DataError(where() + "column " + std::to_string(col + 1) + ": pixel " +
                                std::to_string(value) + " is outside 0..255");
            }
            (is_label ? out.labels : out.pixels).push_back(static_cast<std::uint8_t>(value));
            p = next;
            if (col + 1 < columns) {
                if (p == end) {
                    throw DataError(where() + std::to_string(col + 1) + " columns; expected " +
                                    std::to_string(columns));
                }
                ++p;  // the comma
            }
        }
        if (p != end) {
            throw DataError(where() + "more than " + std::to_string(columns) + " columns");
        }
    }
    if (out.pixels.empty()) throw DataError(path.string() + ": no images");
    return out;
}

}  // namespace tinydigit::dataset
