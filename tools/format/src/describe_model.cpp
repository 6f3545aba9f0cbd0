#include "tinydigit/tools/describe_model.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "tinydigit/schema/model_generated.h"

namespace tinydigit::tools {

namespace fbm = tinydigit::model;

namespace {

std::string format(const char* fmt, auto... args) {
    char text[512];
    std::snprintf(text, sizeof text, fmt, args...);
    return text;
}

std::string shape_text(const flatbuffers::Vector<std::int32_t>* shape) {
    std::string s;
    for (std::uint32_t i = 0; i < shape->size(); ++i) {
        if (i > 0) s += 'x';
        s += std::to_string(shape->Get(i));
    }
    return s;
}

std::uint64_t elements(const fbm::Tensor& t) {
    std::uint64_t n = 1;
    for (const auto d : *t.shape()) n *= d > 0 ? static_cast<std::uint64_t>(d) : 0;
    return n;
}

std::string name_of(const fbm::Tensor& t) { return t.name() ? t.name()->str() : std::string("?"); }

std::string quant_text(const fbm::Tensor& t) {
    const auto* q = t.quantization();
    if (!q || !q->scale() || q->scale()->size() == 0) return "-";
    if (q->scale()->size() == 1) {
        const int zp = q->zero_point() && q->zero_point()->size() > 0 ? q->zero_point()->Get(0) : 0;
        return format("s=%.6g z=%d", q->scale()->Get(0), zp);
    }
    const auto [lo, hi] = std::minmax_element(q->scale()->begin(), q->scale()->end());
    return format("s=%.3g..%.3g (%u ch)", *lo, *hi, q->scale()->size());
}

std::uint64_t op_macs(const fbm::Model& m, const fbm::Operator& op) {
    if (op.inputs()->size() < 2) return 0;
    const auto& weights = *m.tensors()->Get(op.inputs()->Get(1));
    const auto& out = *m.tensors()->Get(op.outputs()->Get(0));
    if (op.params_type() == fbm::OpParams::FullyConnected) return elements(weights);
    const auto* conv = op.params_as_Conv2D();
    if (!conv || out.shape()->size() != 3) return 0;
    const std::uint64_t ph = conv->pool_h() > 0 ? static_cast<std::uint64_t>(conv->pool_h()) : 1;
    const std::uint64_t pw = conv->pool_w() > 0 ? static_cast<std::uint64_t>(conv->pool_w()) : 1;
    // Conv positions the floor-mode pool reads, times the whole kernel (padding taps included).
    return static_cast<std::uint64_t>(out.shape()->Get(0)) * ph * static_cast<std::uint64_t>(out.shape()->Get(1)) * pw *
           elements(weights);
}

std::string op_text(const fbm::Operator& op) {
    switch (op.params_type()) {
        case fbm::OpParams::Conv2D: {
            const auto* c = op.params_as_Conv2D();
            std::string s = format("%dx%d s%d pad %d,%d,%d,%d", c->kernel_h(), c->kernel_w(), c->stride_h(),
                                   c->pad_top(), c->pad_bottom(), c->pad_left(), c->pad_right());
            if (c->pool_h() > 0) s += format(" +maxpool %dx%d/%d", c->pool_h(), c->pool_w(), c->pool_stride_h());
            return s + format(" clamp %d..%d", c->act_min(), c->act_max());
        }
        case fbm::OpParams::FullyConnected: {
            const auto* f = op.params_as_FullyConnected();
            return format("clamp %d..%d", f->act_min(), f->act_max());
        }
        case fbm::OpParams::MaxPool2D: {
            const auto* p = op.params_as_MaxPool2D();
            return format("%dx%d/%d", p->pool_h(), p->pool_w(), p->stride_h());
        }
        case fbm::OpParams::Pad: {
            const auto* p = op.params_as_Pad();
            return format("pad %d,%d,%d,%d value %d", p->pad_top(), p->pad_bottom(), p->pad_left(), p->pad_right(),
                          p->value());
        }
        default:
            return "?";
    }
}

const char* op_name(const fbm::Operator& op) {
    if (op.params_type() == fbm::OpParams::Conv2D)
        return op.params_as_Conv2D()->pool_h() > 0 ? "Conv2D+MaxPool" : "Conv2D";
    return fbm::EnumNameOpParams(op.params_type());
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

ModelSizes model_sizes(const ModelFile& file) {
    const auto& m = file.model();
    ModelSizes sizes;
    sizes.file_bytes = file.bytes().size();
    sizes.arena_bytes = m.plan()->arena_bytes();
    for (const auto* t : *m.tensors()) {
        if (t->buffer() < 0) continue;
        const auto bytes = m.buffers()->Get(static_cast<std::uint32_t>(t->buffer()))->data();
        const std::uint64_t n = bytes ? bytes->size() : 0;
        (t->type() == fbm::ElementType::INT32 ? sizes.bias_bytes : sizes.weight_bytes) += n;
    }
    for (const auto* op : *m.operators()) {
        if (const auto* r = op->requant()) sizes.requant_bytes += r->multiplier()->size() * 4 + r->shift()->size();
        sizes.macs += op_macs(m, *op);
    }
    return sizes;
}

std::string describe_model(const ModelFile& file) {
    const auto& m = file.model();
    const ModelSizes sizes = model_sizes(file);
    std::string out;
    out += format("tinydigit int8 model: architecture %s, format %u, %s bytes\n",
                  m.architecture() ? m.architecture()->c_str() : "?", m.format_version(),
                  with_commas(sizes.file_bytes).c_str());
    if (const auto* p = m.provenance()) {
        auto str = [](const flatbuffers::String* s) { return s ? s->str() : std::string("?"); };
        out += "source: " + str(p->source_checkpoint()) + " (sha256 " + str(p->source_checkpoint_sha256()) + ")\n";
        out += format("calibration: %d images from %s\n", p->calibration_images(), str(p->calibration_source()).c_str());
        auto pct = [](float a) { return a < 0 ? std::string("not measured") : format("%.2f %%", 100.0 * a); };
        out += "MNIST test accuracy: float " + pct(p->float_test_accuracy()) + ", int8 " + pct(p->int8_test_accuracy()) +
               "\ntool: " + str(p->tool_version()) + "\n";
    }

    out += "\nLayers (execution order; activations int8 HWC, batch 1)\n";
    out += format("%-3s %-15s %-8s %-11s %-11s %-38s %12s %9s  %s\n", "#", "op", "output", "in", "out", "params",
                  "MACs", "weights", "quantization (in -> weights -> out; shifts)");
    for (std::uint32_t i = 0; i < m.operators()->size(); ++i) {
        const auto& op = *m.operators()->Get(i);
        const auto& in = *m.tensors()->Get(op.inputs()->Get(0));
        const auto& o = *m.tensors()->Get(op.outputs()->Get(0));
        std::string quant = quant_text(in);
        std::uint64_t weight_count = 0;
        if (op.inputs()->size() >= 2) {
            const auto& w = *m.tensors()->Get(op.inputs()->Get(1));
            weight_count = elements(w);
            quant += " -> w " + quant_text(w);
        }
        quant += " -> " + quant_text(o);
        if (const auto* r = op.requant(); r && r->shift()->size() > 0) {
            const auto [lo, hi] = std::minmax_element(r->shift()->begin(), r->shift()->end());
            quant += format("; n=%d..%d", *lo, *hi);
        }
        out += format("%-3u %-15s %-8s %-11s %-11s %-38s %12s %9s  %s\n", i, op_name(op), name_of(o).c_str(),
                      shape_text(in.shape()).c_str(), shape_text(o.shape()).c_str(), op_text(op).c_str(),
                      with_commas(op_macs(m, op)).c_str(), with_commas(weight_count).c_str(), quant.c_str());
    }
    out += format("total: %s MACs per image\n", with_commas(sizes.macs).c_str());

    // Lifetimes: a tensor is live from the op that writes it (or the input) to its last reader.
    out += "\nArena plan (offsets in bytes; live from writer to last reader)\n";
    out += format("%-10s %10s %10s %10s  %s\n", "tensor", "offset", "bytes", "end", "live");
    std::map<std::int32_t, std::pair<int, int>> live;  // tensor -> (first op, last op); -1 = model input
    live[m.input()] = {-1, -1};
    for (std::uint32_t i = 0; i < m.operators()->size(); ++i) {
        const auto& op = *m.operators()->Get(i);
        for (const auto t : *op.inputs())
            if (m.tensors()->Get(t)->arena_offset() >= 0) live[t].second = static_cast<int>(i);
        const auto t = op.outputs()->Get(0);
        if (!live.contains(t)) live[t] = {static_cast<int>(i), static_cast<int>(i)};
    }
    live[m.output()].second = static_cast<int>(m.operators()->size());
    std::string bands;
    for (std::uint32_t i = 1; i < m.operators()->size(); ++i) {  // a banded chain's tensors live through both ops
        const auto& op = *m.operators()->Get(i);
        if (op.band_rows() <= 0) continue;
        const auto& producer = *m.operators()->Get(i - 1);
        auto& in = live[producer.inputs()->Get(0)].second;
        in = std::max(in, static_cast<int>(i));
        live[op.outputs()->Get(0)].first = static_cast<int>(i - 1);
        const auto& window = *m.tensors()->Get(op.inputs()->Get(0));
        bands += format("band: ops %u+%u run interleaved, %d output row(s) of op %u per band; %s is never whole: a window of "
                        "%d of its %d rows\n",
                        i - 1, i, op.band_rows(), i, name_of(window).c_str(), window.window_rows(), window.shape()->Get(0));
    }
    for (const auto& [index, span] : live) {
        const auto& t = *m.tensors()->Get(index);
        const std::string from = span.first < 0 ? "input" : "op " + std::to_string(span.first);
        const std::string to = span.second >= static_cast<int>(m.operators()->size()) ? "output" : "op " + std::to_string(span.second);
        const std::uint64_t bytes = t.window_rows() > 0 && t.shape()->size() == 3
                                        ? elements(t) / static_cast<std::uint64_t>(t.shape()->Get(0)) * static_cast<std::uint64_t>(t.window_rows())
                                        : elements(t);
        out += format("%-10s %10d %10s %10s  %s .. %s%s\n", name_of(t).c_str(), t.arena_offset(), with_commas(bytes).c_str(),
                      with_commas(static_cast<std::uint64_t>(t.arena_offset()) + bytes).c_str(), from.c_str(), to.c_str(),
                      t.window_rows() > 0 ? " (row window)" : "");
    }
    for (std::uint32_t i = 0; i < m.operators()->size(); ++i) {
        const auto& op = *m.operators()->Get(i);
        if (op.scratch_bytes() > 0)
            out += format("%-10s %10d %10s %10s  op %u\n", ("scratch" + std::to_string(i)).c_str(), op.scratch_offset(),
                          with_commas(static_cast<std::uint64_t>(op.scratch_bytes())).c_str(),
                          with_commas(static_cast<std::uint64_t>(op.scratch_offset()) + static_cast<std::uint64_t>(op.scratch_bytes())).c_str(), i);
    }
    const auto* plan = m.plan();
    out += format("arena: %s bytes (activation peak %s, scratch peak %s)\n", with_commas(plan->arena_bytes()).c_str(),
                  with_commas(plan->peak_activation_bytes()).c_str(), with_commas(plan->peak_scratch_bytes()).c_str());
    if (plan->description()) out += "plan: " + plan->description()->str() + "\n";
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
