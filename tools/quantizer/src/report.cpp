#include "tinydigit/tools/report.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <thread>

#include "tinydigit/tools/int8_runner.hpp"
#include "tinydigit/tools/quantize_error.hpp"

namespace tinydigit::tools {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

struct ErrorSums {
    double signal = 0.0, noise = 0.0, max_abs = 0.0, float_max = 0.0;
    std::size_t values = 0, saturated = 0;
};

}  // namespace

QuantizeReport measure_report(const ModelFile& model, FloatReference& reference, const dataset::Images& test,
                              std::size_t layer_images) {
    if (!test.labeled()) throw QuantizeError(test.source + ": the report needs labeled test images");
    constexpr std::size_t kBatch = 250;
    QuantizeReport report;
    Int8Runner runner(model);

    std::vector<int> float_predictions(test.count());
    auto start = Clock::now();
    for (std::size_t first = 0; first < test.count(); first += kBatch) {
        const std::size_t n = std::min(kBatch, test.count() - first);
        const auto logits = reference.logits(test.image(first), n);
        if (logits.size() != n * 10) throw QuantizeError("the float model returned the wrong number of logits");
        for (std::size_t i = 0; i < n; ++i) {
            float_predictions[first + i] = argmax(logits.data() + i * 10, 10);
            report.float_eval.add(test.labels[first + i], float_predictions[first + i]);
        }
    }
    report.float_eval.seconds = seconds_since(start);

    // On every core, as evaluate does: on CPUs without VNNI (and under sanitizers) this pass
    // was most of quantize's time.
    start = Clock::now();
    const auto int8 = int8_logits(model, test, static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 64u)));
    for (std::size_t i = 0; i < test.count(); ++i) {
        const int predicted = argmax(int8.data() + i * 10, 10);
        report.int8_eval.add(test.labels[i], predicted);
        if (predicted == float_predictions[i]) ++report.argmax_agreement;
    }
    report.int8_eval.seconds = seconds_since(start);

    // Per-layer error: the int8 output of each op (fed by the int8 layers before it), dequantized.
    report.layer_images = std::min(layer_images, test.count());
    const auto ops = static_cast<std::size_t>(runner.engine().operator_count());
    std::vector<ErrorSums> sums(ops);
    std::vector<std::string> names(ops);
    for (std::size_t first = 0; first < report.layer_images; first += 100) {
        const std::size_t n = std::min<std::size_t>(100, report.layer_images - first);
        const auto activations = reference.activations(test.image(first), n);
        for (std::size_t i = 0; i < n; ++i) {
            runner.run_layers(test.image(first + i), [&](int op, int index, std::span<const std::int8_t> out) {
                engine::TensorInfo t{};
                runner.engine().tensor_info(index, t);
                names[op] = *t.name ? t.name : "?";
                const auto it = activations.find(names[op]);
                if (it == activations.end() || it->second.size() != n * out.size())
                    throw QuantizeError("the float model has no activation matching int8 tensor " + names[op]);
                if (t.scale_count == 0) throw QuantizeError("int8 tensor " + names[op] + " records no scale");
                const float scale = t.scale_min;  // one scale per activation
                const int zero = t.zero_point;
                const float* f = it->second.data() + i * out.size();
                ErrorSums& s = sums[static_cast<std::size_t>(op)];
                // Half a step beyond the int8 ends still rounds onto them: not saturated.
                const double lowest = double{scale} * (-128.5 - zero), highest = double{scale} * (127.5 - zero);
                for (std::size_t k = 0; k < out.size(); ++k) {
                    ++s.values;
                    if (f[k] < lowest || f[k] > highest) {
                        ++s.saturated;
                        continue;
                    }
                    const double deq = double{scale} * (out[k] - zero);
                    const double err = deq - f[k];
                    s.signal += double{f[k]} * f[k];
                    s.noise += err * err;
                    s.max_abs = std::max(s.max_abs, std::abs(err));
                    s.float_max = std::max(s.float_max, std::abs(double{f[k]}));
                }
            });
        }
    }
    for (std::size_t op = 0; op < sums.size() && report.layer_images > 0; ++op) {
        const auto& s = sums[op];
        const double snr = s.noise > 0 ? 10.0 * std::log10(s.signal / s.noise) : std::numeric_limits<double>::infinity();
        report.layers.push_back({names[op], s.max_abs, s.float_max, snr,
                                 s.values ? double(s.saturated) / double(s.values) : 0.0});
    }
    return report;
}

std::string QuantizeReport::text() const {
    char line[256];
    std::string out = "Quantization report (MNIST test set)\n";
    std::snprintf(line, sizeof line, "images: %zu\nfloat accuracy: %.2f %% (%zu correct)\nint8 accuracy:  %.2f %% (%zu correct)\n",
                  int8_eval.count, 100.0 * float_eval.accuracy(), float_eval.correct, 100.0 * int8_eval.accuracy(),
                  int8_eval.correct);
    out += line;
    std::snprintf(line, sizeof line, "difference: %+.2f percentage points\nargmax agreement: %.2f %% (%zu of %zu)\n",
                  100.0 * (int8_eval.accuracy() - float_eval.accuracy()), 100.0 * agreement(), argmax_agreement,
                  int8_eval.count);
    out += line;
    std::snprintf(line, sizeof line,
                  "\nPer-layer error of int8 outputs (dequantized, fed by the int8 layers before them) vs float\n"
                  "(first %zu test images; error over values inside the int8 range, saturated values counted)\n"
                  "%-8s %14s %14s %10s %11s\n",
                  layer_images, "tensor", "max |error|", "max |float|", "SNR dB", "saturated");
    out += line;
    for (const auto& l : layers) {
        std::snprintf(line, sizeof line, "%-8s %14.6f %14.6f %10.2f %10.4f%%\n", l.tensor.c_str(), l.max_abs_error,
                      l.float_max_abs, l.snr_db, 100.0 * l.saturated);
        out += line;
    }
    out += "Logits below the lowest second-largest calibration logit saturate by design (docs/format.md).\n";
    return out;
}

}  // namespace tinydigit::tools
