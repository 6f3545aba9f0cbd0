#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

#include "tinydigit/host/common/atomic_file.hpp"
#include "tinydigit/host/common/read_file.hpp"
#include "tinydigit/host/training/history.hpp"

namespace tinydigit::trainer {

namespace {

void append_number(std::string& out, double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

template <typename T>
bool parse_number(std::string_view field, T& value) {
    const auto result = std::from_chars(field.data(), field.data() + field.size(), value);
    return result.ec == std::errc() && result.ptr == field.data() + field.size();
}

std::vector<std::string_view> split(std::string_view line, char separator) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = line.find(separator, start);
        fields.push_back(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return fields;
        start = end + 1;
    }
}

}  // namespace

std::string history_csv(const std::vector<HistoryRow>& rows, const std::vector<std::string>& source_names) {
    std::string out = kHistoryHeader;
    for (const auto& name : source_names) out += ",val_acc[" + name + "]";
    out += '\n';
    for (const auto& r : rows) {
        out += std::to_string(r.epoch);
        for (const double v : {r.loss, r.acc, r.val_loss, r.val_acc, r.lr, r.seconds, r.images_per_s, r.elapsed_s}) {
            out += ',';
            append_number(out, v);
        }
        for (std::size_t i = 0; i < source_names.size(); ++i) {
            out += ',';
            append_number(out, i < r.source_val_acc.size() ? r.source_val_acc[i] : std::nan(""));
        }
        out += '\n';
    }
    return out;
}

void write_history_csv(const std::filesystem::path& path, const std::vector<HistoryRow>& rows,
                       const std::vector<std::string>& source_names) {
    common::write_file_atomically(path, history_csv(rows, source_names));
}

std::vector<HistoryRow> read_history_csv(const std::filesystem::path& path) {
    const auto bytes = common::read_file(path);
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    std::vector<HistoryRow> rows;
    std::size_t line_number = 0, sources = 0;
    auto fail = [&](const std::string& reason) {
        return HistoryError(path.string() + ":" + std::to_string(line_number) + ": " + reason);
    };

    std::size_t columns = 9;
    auto lines = split(text, '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the final newline
    for (std::string_view line : lines) {
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line_number == 1) {
            // The fixed columns (without elapsed_s in older files), then any number of
            // per-source "val_acc[NAME]" columns.
            std::string_view extra;
            if (line.starts_with(kHistoryHeader)) {
                extra = line.substr(std::string_view(kHistoryHeader).size());
            } else if (line.starts_with(kHistoryHeaderWithoutElapsed)) {
                columns = 8;
                extra = line.substr(std::string_view(kHistoryHeaderWithoutElapsed).size());
            } else {
                throw fail(std::string("expected the header ") + kHistoryHeader);
            }
            if (!extra.empty()) {
                const auto names = split(extra.substr(1), ',');
                if (extra[0] != ',') throw fail(std::string("expected the header ") + kHistoryHeader);
                for (const auto name : names)
                    if (!name.starts_with("val_acc[") || !name.ends_with("]") || name.size() < 10)
                        throw fail("expected a per-source column val_acc[NAME], found '" + std::string(name.substr(0, 40)) + "'");
                sources = names.size();
            }
            continue;
        }
        const auto fields = split(line, ',');
        if (fields.size() != columns + sources)
            throw fail("expected " + std::to_string(columns + sources) + " fields, found " + std::to_string(fields.size()));
        HistoryRow r;
        r.elapsed_s = std::numeric_limits<double>::quiet_NaN();
        if (!parse_number(fields[0], r.epoch) || r.epoch < 1)
            throw fail("epoch is not a positive integer: '" + std::string(fields[0].substr(0, 40)) + "'");
        if (!rows.empty() && r.epoch <= rows.back().epoch) throw fail("epochs must increase down the file");
        double* values[] = {&r.loss, &r.acc, &r.val_loss, &r.val_acc, &r.lr, &r.seconds, &r.images_per_s, &r.elapsed_s};
        static constexpr const char* kNames[] = {"loss",    "acc",          "val_loss", "val_acc", "lr",
                                                 "seconds", "images_per_s", "elapsed_s"};
        for (std::size_t i = 0; i + 1 < columns; ++i)
            if (!parse_number(fields[i + 1], *values[i]))
                throw fail(std::string(kNames[i]) + " is not a number: '" + std::string(fields[i + 1].substr(0, 40)) + "'");
        r.source_val_acc.resize(sources);
        for (std::size_t i = 0; i < sources; ++i)
            if (!parse_number(fields[columns + i], r.source_val_acc[i]))
                throw fail("a source's val_acc is not a number: '" + std::string(fields[columns + i].substr(0, 40)) + "'");
        rows.push_back(r);
    }
    if (line_number == 0) throw HistoryError(path.string() + ": empty file, expected the header " + kHistoryHeader);
    return rows;
}

const HistoryRow* first_reaching(const std::vector<HistoryRow>& rows, double accuracy) {
    for (const auto& r : rows)
        if (r.val_acc >= accuracy) return &r;
    return nullptr;
}

}  // namespace tinydigit::trainer
