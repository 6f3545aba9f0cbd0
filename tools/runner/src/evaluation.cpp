#include "tinydigit/tools/evaluation.hpp"

#include <cstdio>

namespace tinydigit::tools {

namespace {

std::string number(double v, const char* fmt = "%.6f") {
    char text[64];
    std::snprintf(text, sizeof text, fmt, v);
    return text;
}

}  // namespace

void Evaluation::add(int label, int predicted) {
    ++count;
    if (label == predicted) ++correct;
    if (label >= 0 && label < 10 && predicted >= 0 && predicted < 10) ++confusion[label][predicted];
}

double Evaluation::class_accuracy(int label) const {
    std::uint64_t total = 0;
    for (const auto n : confusion[label]) total += n;
    return total ? double(confusion[label][label]) / double(total) : 0.0;
}

// Built by appending only: GCC 12 at -O3 warns falsely (-Wrestrict) on "literal" + std::string.
std::string Evaluation::text() const {
    std::string out = "images: ";
    out += std::to_string(count);
    out += "\naccuracy: ";
    out += number(100.0 * accuracy(), "%.2f");
    out += " % (";
    out += std::to_string(correct);
    out += " correct)\nper class:";
    for (int c = 0; c < 10; ++c) out += number(c, " %.0f:") + number(100.0 * class_accuracy(c), "%.2f");
    out += "\nconfusion (rows: label, columns: predicted)\n      ";
    for (int c = 0; c < 10; ++c) out += number(c, "%6.0f");
    out += "\n";
    for (int r = 0; r < 10; ++r) {
        out += number(r, "%6.0f");
        for (int c = 0; c < 10; ++c) out += number(double(confusion[r][c]), "%6.0f");
        out += "\n";
    }
    out += "speed: ";
    out += number(images_per_second(), "%.1f");
    out += " images/s\n";
    return out;
}

std::string Evaluation::json() const {
    std::string out = "{\"count\":";
    out += std::to_string(count);
    out += ",\"accuracy\":";
    out += number(accuracy());
    out += ",\"per_class_accuracy\":[";
    for (int c = 0; c < 10; ++c) {
        if (c) out += ',';
        out += number(class_accuracy(c));
    }
    out += "],\"confusion\":[";
    for (int r = 0; r < 10; ++r) {
        if (r) out += ',';
        out += '[';
        for (int c = 0; c < 10; ++c) {
            if (c) out += ',';
            out += std::to_string(confusion[r][c]);
        }
        out += ']';
    }
    out += "],\"images_per_second\":";
    out += number(images_per_second(), "%.1f");
    out += '}';
    return out;
}

}  // namespace tinydigit::tools
