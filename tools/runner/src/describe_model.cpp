#include "tinydigit/tools/describe_model.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace tinydigit::tools {

namespace {

using engine::Engine;
using engine::OperatorInfo;
using engine::TensorInfo;

std::string format(const char* fmt, auto... args) {
    char text[512];
    std::snprintf(text, sizeof text, fmt, args...);
    return text;
}

std::string shape_text(const std::int32_t* dims, int rank) {
    std::string s;
    for (int i = 0; i < rank; ++i) {
        if (i > 0) s += 'x';
        s += std::to_string(dims[i]);
    }
    return s;
}

std::string or_unknown(const char* text) { return text[0] != '\0' ? text : "?"; }

TensorInfo tensor(const Engine& e, int index) {
    TensorInfo t{};
    e.tensor_info(index, t);
    return t;
}

OperatorInfo op(const Engine& e, int index) {
    OperatorInfo o{};
    e.operator_info(index, o);
    return o;
}

std::string quant_text(const TensorInfo& t) {
    if (t.scale_count == 0) return "-";
    if (t.scale_count == 1) return format("s=%.6g z=%d", t.scale_min, t.zero_point);
    return format("s=%.3g..%.3g (%u ch)", t.scale_min, t.scale_max, t.scale_count);
}

std::string params_text(const OperatorInfo& o) {
    const std::string kind = o.kind;
    if (kind == "MaxPool2D") return format("%dx%d/%d", o.pool_h, o.pool_w, o.pool_stride_h);
    if (kind == "Pad")
        return format("pad %d,%d,%d,%d value %d", o.pad_top, o.pad_bottom, o.pad_left, o.pad_right, o.pad_value);
    std::string s;
    if (kind.starts_with("Conv2D")) {
        s = format("%dx%d s%d pad %d,%d,%d,%d ", o.kernel_h, o.kernel_w, o.stride_h, o.pad_top, o.pad_bottom,
                   o.pad_left, o.pad_right);
        if (o.pool_h > 0) s += format("+maxpool %dx%d/%d ", o.pool_h, o.pool_w, o.pool_stride_h);
    }
    return s + format("clamp %d..%d", o.act_min, o.act_max);
}

}  // namespace

std::string with_commas(std::uint64_t value) {
    std::string digits = std::to_string(value), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

ModelSizes model_sizes(const Engine& e, std::uint64_t file_bytes) {
    ModelSizes sizes;
    sizes.file_bytes = file_bytes;
    sizes.arena_bytes = e.plan_arena_bytes();
    for (int i = 0; i < e.tensor_count(); ++i) {
        const TensorInfo t = tensor(e, i);
        if (t.is_constant) (t.is_int32 ? sizes.bias_bytes : sizes.weight_bytes) += t.bytes;
    }
    for (int i = 0; i < e.operator_count(); ++i) {
        const OperatorInfo o = op(e, i);
        sizes.requant_bytes += static_cast<std::uint64_t>(o.requant_channels) * 5;  // int32 M + int8 n
        sizes.macs += o.macs;
    }
    return sizes;
}

std::string describe_model(const Engine& e, std::uint64_t file_bytes) {
    engine::ModelInfo m{};
    e.model_info(m);
    const ModelSizes sizes = model_sizes(e, file_bytes);
    std::string out;
    out += format("tinydigit int8 model: architecture %s, format %u, %s bytes\n", or_unknown(m.architecture).c_str(),
                  m.format_version, with_commas(sizes.file_bytes).c_str());
    if (m.has_provenance) {
        out += "source: " + or_unknown(m.source_checkpoint) + " (sha256 " + or_unknown(m.source_checkpoint_sha256) + ")\n";
        out += format("calibration: %d images from %s\n", m.calibration_images, or_unknown(m.calibration_source).c_str());
        auto pct = [](float a) { return a < 0 ? std::string("not measured") : format("%.2f %%", 100.0 * a); };
        out += "MNIST test accuracy: float " + pct(m.float_test_accuracy) + ", int8 " + pct(m.int8_test_accuracy) +
               "\ntool: " + or_unknown(m.tool_version) + "\n";
    }

    const int ops = e.operator_count();
    out += "\nLayers (execution order; activations int8 HWC, batch 1)\n";
    out += format("%-3s %-15s %-8s %-11s %-11s %-38s %12s %9s  %s\n", "#", "op", "output", "in", "out", "params",
                  "MACs", "weights", "quantization (in -> weights -> out; shifts)");
    for (int i = 0; i < ops; ++i) {
        const OperatorInfo o = op(e, i);
        std::string quant = quant_text(tensor(e, o.input_tensor));
        std::uint64_t weight_count = 0;
        if (o.weights_tensor >= 0) {
            const TensorInfo w = tensor(e, o.weights_tensor);
            weight_count = w.bytes;
            quant += " -> w " + quant_text(w);
        }
        quant += " -> " + quant_text(tensor(e, o.output_tensor));
        if (o.requant_channels > 0) quant += format("; n=%d..%d", o.shift_min, o.shift_max);
        out += format("%-3d %-15s %-8s %-11s %-11s %-38s %12s %9s  %s\n", i, o.kind, or_unknown(o.output_name).c_str(),
                      shape_text(o.input_shape, o.input_rank).c_str(), shape_text(o.output_shape, o.output_rank).c_str(),
                      params_text(o).c_str(), with_commas(o.macs).c_str(), with_commas(weight_count).c_str(),
                      quant.c_str());
    }
    out += format("total: %s MACs per image\n", with_commas(sizes.macs).c_str());

    // Lifetimes: a tensor is live from the op that writes it (or the input) to its last reader.
    out += "\nArena plan (offsets in bytes; live from writer to last reader)\n";
    out += format("%-10s %10s %10s %10s  %s\n", "tensor", "offset", "bytes", "end", "live");
    constexpr int kUnused = -2;
    std::vector<int> first(static_cast<std::size_t>(e.tensor_count()), kUnused), last = first;
    auto at = [](std::vector<int>& v, int t) -> int& { return v[static_cast<std::size_t>(t)]; };
    at(first, m.input_tensor) = at(last, m.input_tensor) = -1;  // -1: the model input
    for (int i = 0; i < ops; ++i) {
        const OperatorInfo o = op(e, i);
        at(last, o.input_tensor) = i;
        if (at(first, o.output_tensor) == kUnused) at(first, o.output_tensor) = at(last, o.output_tensor) = i;
    }
    at(last, m.output_tensor) = ops;
    std::string bands;
    for (int t = 0; t < e.tensor_count(); ++t) {  // a banded chain's input and output live through both its ops
        const TensorInfo info = tensor(e, t);
        if (info.window_rows <= 0 || at(first, t) == kUnused) continue;
        const int producer = at(first, t);
        const OperatorInfo p = op(e, producer);
        at(last, p.input_tensor) = std::max(at(last, p.input_tensor), producer + 1);
        at(first, op(e, producer + 1).output_tensor) = producer;
        bands += format("band: ops %d+%d run interleaved, %d output row(s) of op %d per band; %s is never whole: a "
                        "window of %d of its %d rows\n",
                        producer, producer + 1, info.band_rows, producer + 1, or_unknown(info.name).c_str(),
                        info.window_rows, info.shape[0]);
    }
    for (int t = 0; t < e.tensor_count(); ++t) {
        if (at(first, t) == kUnused) continue;
        const TensorInfo info = tensor(e, t);
        const std::string from = at(first, t) < 0 ? "input" : "op " + std::to_string(at(first, t));
        const std::string to = at(last, t) >= ops ? "output" : "op " + std::to_string(at(last, t));
        const std::uint64_t bytes = info.window_rows > 0 ? std::uint64_t{info.bytes} / static_cast<std::uint64_t>(info.shape[0]) *
                                                               static_cast<std::uint64_t>(info.window_rows)
                                                         : info.bytes;
        out += format("%-10s %10d %10s %10s  %s .. %s%s\n", or_unknown(info.name).c_str(), info.arena_offset,
                      with_commas(bytes).c_str(), with_commas(static_cast<std::uint64_t>(info.arena_offset) + bytes).c_str(),
                      from.c_str(), to.c_str(), info.window_rows > 0 ? " (row window)" : "");
    }
    for (int i = 0; i < ops; ++i) {
        const OperatorInfo o = op(e, i);
        if (o.scratch_bytes > 0)
            out += format("%-10s %10d %10s %10s  op %d\n", ("scratch" + std::to_string(i)).c_str(), o.scratch_offset,
                          with_commas(o.scratch_bytes).c_str(),
                          with_commas(static_cast<std::uint64_t>(o.scratch_offset) + o.scratch_bytes).c_str(), i);
    }
    out += format("arena: %s bytes (activation peak %s, scratch peak %s)\n", with_commas(e.plan_arena_bytes()).c_str(),
                  with_commas(m.peak_activation_bytes).c_str(), with_commas(m.peak_scratch_bytes).c_str());
    if (m.plan_description[0] != '\0') out += std::string("plan: ") + m.plan_description + "\n";
    out += bands;

    const std::uint64_t payload = sizes.weight_bytes + sizes.bias_bytes + sizes.requant_bytes;
    out += "\nTotals\n";
    out += format("flash: %s bytes = int8 weights %s + int32 biases %s + requant (M, n) %s + format and metadata %s "
                  "(file / payload = %.4f)\n",
                  with_commas(sizes.file_bytes).c_str(), with_commas(sizes.weight_bytes).c_str(),
                  with_commas(sizes.bias_bytes).c_str(), with_commas(sizes.requant_bytes).c_str(),
                  with_commas(sizes.file_bytes - std::min(payload, sizes.file_bytes)).c_str(),
                  payload ? double(sizes.file_bytes) / double(payload) : 0.0);
    out += format("RAM: arena %s bytes (16-byte aligned; the engine's own state is not included)\n",
                  with_commas(sizes.arena_bytes).c_str());
    return out;
}

}  // namespace tinydigit::tools
