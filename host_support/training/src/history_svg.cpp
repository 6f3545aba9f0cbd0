// Plain-text SVG, no plotting library: two panels of two polylines each is all it takes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

#include "tinydigit/host/common/atomic_file.hpp"
#include "tinydigit/host/training/history.hpp"

namespace tinydigit::trainer {

namespace {

constexpr double kPanelWidth = 450, kHeight = 380;
constexpr double kLeft = 64, kRight = 16, kTop = 36, kBottom = 50;  // plot margins in a panel
constexpr const char* kTrainColour = "#1f77b4";
constexpr const char* kValColour = "#ff7f0e";
constexpr const char* kSourceColours[] = {"#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

std::string fixed(double v, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    return buffer;
}

// 1, 2 or 5 times a power of ten, close to span / target_ticks.
double nice_step(double span, int target_ticks) {
    const double raw = span / target_ticks;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double m = raw / power;
    return power * (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10);
}

struct Axis {
    double lo, hi, step;
    int decimals;
};

Axis value_axis(double lo, double hi, int target_ticks, bool integer) {
    if (!(lo <= hi)) lo = 0, hi = 1;  // no finite data at all
    if (hi - lo < 1e-12) {
        const double pad = integer ? 1.0 : std::max(std::abs(lo) * 0.05, 1e-3);
        lo -= pad, hi += pad;
    }
    double step = nice_step(hi - lo, target_ticks);
    if (integer) step = std::max(1.0, std::round(step));
    Axis a{std::floor(lo / step) * step, std::ceil(hi / step) * step, step, 0};
    a.decimals = integer ? 0 : std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    return a;
}

struct Series {
    const char* css_class;
    std::string label;
    const char* colour;
    const char* dash;  // stroke-dasharray, or null for a solid line
    std::function<double(const HistoryRow&)> value;
};

void panel(std::string& svg, double x0, const std::string& title, const std::string& y_label,
           const std::vector<HistoryRow>& rows, const std::vector<Series>& series, bool legend_at_bottom) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& r : rows)
        for (const auto& s : series)
            if (const double v = s.value(r); std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    const Axis y = value_axis(lo, hi, 5, false);
    const Axis x = rows.empty() ? value_axis(1, 1, 8, true)
                                : value_axis(rows.front().epoch, rows.back().epoch, 8, true);

    const double left = x0 + kLeft, right = x0 + kPanelWidth - kRight, top = kTop, bottom = kHeight - kBottom;
    auto px = [&](double v) { return left + (v - x.lo) / (x.hi - x.lo) * (right - left); };
    auto py = [&](double v) { return bottom - (v - y.lo) / (y.hi - y.lo) * (bottom - top); };

    svg += "<g class=\"panel\">\n";
    svg += "<text x=\"" + fixed((left + right) / 2, 1) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" +
           title + "</text>\n";
    svg += "<rect x=\"" + fixed(left, 1) + "\" y=\"" + fixed(top, 1) + "\" width=\"" + fixed(right - left, 1) +
           "\" height=\"" + fixed(bottom - top, 1) + "\" fill=\"none\" stroke=\"#444\"/>\n";
    for (double t = y.lo; t <= y.hi + y.step * 1e-6; t += y.step) {
        const std::string ty = fixed(py(t), 1);
        svg += "<line x1=\"" + fixed(left - 5, 1) + "\" y1=\"" + ty + "\" x2=\"" + fixed(right, 1) + "\" y2=\"" + ty +
               "\" stroke=\"#ddd\"/>\n";
        svg += "<text x=\"" + fixed(left - 8, 1) + "\" y=\"" + fixed(py(t) + 4, 1) +
               "\" text-anchor=\"end\" font-size=\"11\">" + fixed(t, y.decimals) + "</text>\n";
    }
    for (double t = x.lo; t <= x.hi + 1e-6; t += x.step) {
        const std::string tx = fixed(px(t), 1);
        svg += "<line x1=\"" + tx + "\" y1=\"" + fixed(bottom, 1) + "\" x2=\"" + tx + "\" y2=\"" + fixed(bottom + 5, 1) +
               "\" stroke=\"#444\"/>\n";
        svg += "<text x=\"" + tx + "\" y=\"" + fixed(bottom + 18, 1) + "\" text-anchor=\"middle\" font-size=\"11\">" +
               fixed(t, 0) + "</text>\n";
    }
    svg += "<text x=\"" + fixed((left + right) / 2, 1) + "\" y=\"" + fixed(kHeight - 12, 1) +
           "\" text-anchor=\"middle\" font-size=\"12\">epoch</text>\n";
    svg += "<text transform=\"translate(" + fixed(x0 + 16, 1) + "," + fixed((top + bottom) / 2, 1) +
           ") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">" + y_label + "</text>\n";

    for (const auto& s : series) {
        svg += std::string("<polyline class=\"") + s.css_class + "\" fill=\"none\" stroke=\"" + s.colour +
               "\" stroke-width=\"2\"" + (s.dash ? std::string(" stroke-dasharray=\"") + s.dash + "\"" : "") + " points=\"";
        bool first = true;
        for (const auto& r : rows) {
            const double v = s.value(r);
            if (!std::isfinite(v)) continue;
            if (!first) svg += ' ';
            svg += fixed(px(r.epoch), 2) + "," + fixed(py(v), 2);
            first = false;
        }
        svg += "\"/>\n";
    }

    // Legend in the right-hand corner the curves tend to leave free (loss falls, accuracy rises).
    const auto n = static_cast<double>(series.size());
    std::size_t longest = 0;  // about 6 px per character at font size 11, so "val NAME" fits
    for (const auto& sr : series) longest = std::max(longest, sr.label.size());
    const double legend_width = std::max(90.0, 36.0 + 6.0 * static_cast<double>(longest));
    for (std::size_t i = 0; i < series.size(); ++i) {
        const double ly = (legend_at_bottom ? bottom - 14 - 16 * (n - 1) : top + 14) + 16 * static_cast<double>(i);
        const double lx = right - legend_width;
        svg += "<line x1=\"" + fixed(lx, 1) + "\" y1=\"" + fixed(ly, 1) + "\" x2=\"" + fixed(lx + 24, 1) + "\" y2=\"" +
               fixed(ly, 1) + "\" stroke=\"" + series[i].colour + "\" stroke-width=\"2\"" +
               (series[i].dash ? std::string(" stroke-dasharray=\"") + series[i].dash + "\"" : "") + "/>\n";
        svg += "<text x=\"" + fixed(lx + 30, 1) + "\" y=\"" + fixed(ly + 4, 1) + "\" font-size=\"11\">" +
               series[i].label + "</text>\n";
    }
    svg += "</g>\n";
}

}  // namespace

std::string history_svg(const std::vector<HistoryRow>& rows, const std::vector<std::string>& source_names) {
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fixed(2 * kPanelWidth, 0) +
                      "\" height=\"" + fixed(kHeight, 0) + "\" viewBox=\"0 0 " + fixed(2 * kPanelWidth, 0) + " " +
                      fixed(kHeight, 0) + "\" font-family=\"sans-serif\">\n";
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    const std::vector<Series> loss = {
        {"train-loss", "train", kTrainColour, nullptr, [](const HistoryRow& r) { return r.loss; }},
        {"val-loss", "val", kValColour, "6,3", [](const HistoryRow& r) { return r.val_loss; }}};
    std::vector<Series> acc = {{"train-acc", "train", kTrainColour, nullptr, [](const HistoryRow& r) { return r.acc; }},
                               {"val-acc", source_names.empty() ? "val" : "val (mean)", kValColour, "6,3",
                                [](const HistoryRow& r) { return r.val_acc; }}};
    for (std::size_t i = 0; i < source_names.size(); ++i)
        acc.push_back({"val-acc-source", "val " + source_names[i], kSourceColours[i % std::size(kSourceColours)], "2,3",
                       [i](const HistoryRow& r) { return i < r.source_val_acc.size() ? r.source_val_acc[i] : std::nan(""); }});
    panel(svg, 0, "Loss", "cross-entropy loss", rows, loss, false);
    panel(svg, kPanelWidth, "Accuracy", "accuracy", rows, acc, true);
    svg += "</svg>\n";
    return svg;
}

void write_history_svg(const std::filesystem::path& path, const std::vector<HistoryRow>& rows,
                       const std::vector<std::string>& source_names) {
    common::write_file_atomically(path, history_svg(rows, source_names));
}

}  // namespace tinydigit::trainer
