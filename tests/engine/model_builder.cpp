#include "model_builder.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <random>
#include <string>

#include "tinydigit/engine/crc32.hpp"
#include "tinydigit/engine/scratch.hpp"

namespace tinydigit::engine::test {
namespace {

std::size_t align16(std::size_t v) { return (v + 15) / 16 * 16; }

std::int64_t count(const std::vector<std::int32_t>& shape) {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

struct Builder {
    model::ModelT& m;
    std::mt19937_64 rng;

    int add_activation(std::vector<std::int32_t> shape, std::int32_t zero_point, float scale) {
        auto t = std::make_unique<model::TensorT>();
        t->name = "act" + std::to_string(m.tensors.size());
        t->type = model::ElementType::INT8;
        t->shape = std::move(shape);
        t->quantization = std::make_unique<model::QuantizationT>();
        t->quantization->scale = {scale};
        t->quantization->zero_point = {zero_point};
        t->arena_offset = 0;  // plan_arena places it
        m.tensors.push_back(std::move(t));
        return static_cast<int>(m.tensors.size() - 1);
    }

    int add_constant(std::vector<std::int32_t> shape, model::ElementType type, std::vector<std::uint8_t> bytes) {
        auto b = std::make_unique<model::BufferT>();
        b->data = std::move(bytes);
        m.buffers.push_back(std::move(b));
        auto t = std::make_unique<model::TensorT>();
        t->name = "const" + std::to_string(m.tensors.size());
        t->type = type;
        t->shape = std::move(shape);
        t->quantization = std::make_unique<model::QuantizationT>();
        t->quantization->zero_point = std::vector<std::int32_t>(1, 0);
        t->buffer = static_cast<std::int32_t>(m.buffers.size() - 1);
        m.tensors.push_back(std::move(t));
        return static_cast<int>(m.tensors.size() - 1);
    }

    std::int32_t uniform(std::int32_t lo, std::int32_t hi) {
        return std::uniform_int_distribution<std::int32_t>(lo, hi)(rng);
    }

    int weights(std::vector<std::int32_t> shape) {
        std::vector<std::uint8_t> bytes(static_cast<std::size_t>(count(shape)));
        for (auto& b : bytes) b = static_cast<std::uint8_t>(static_cast<std::int8_t>(uniform(-127, 127)));
        return add_constant(std::move(shape), model::ElementType::INT8, std::move(bytes));
    }

    int bias(std::int32_t channels) {
        std::vector<std::uint8_t> bytes(static_cast<std::size_t>(channels) * 4);
        for (std::int32_t o = 0; o < channels; ++o) {
            const std::int32_t v = uniform(-20000, 20000);
            std::memcpy(bytes.data() + 4 * o, &v, 4);
        }
        return add_constant({channels}, model::ElementType::INT32, std::move(bytes));
    }

    // Multipliers and shifts that map this layer's accumulator range onto about int8.
    std::unique_ptr<model::RequantizationT> requant(std::int32_t channels, std::int64_t k) {
        auto rq = std::make_unique<model::RequantizationT>();
        int shift = 31 + 8;  // sqrt-ish growth of random sums: log2(k)/2 + 14 bits, scaled to 7
        for (std::int64_t v = k; v > 1; v >>= 2) ++shift;
        for (std::int32_t o = 0; o < channels; ++o) {
            rq->multiplier.push_back(uniform(1 << 30, 2147483647));
            rq->shift.push_back(static_cast<std::int8_t>(shift));
        }
        return rq;
    }

    void add_op(model::OpParamsUnion params, std::vector<std::int32_t> inputs, std::int32_t output,
                std::unique_ptr<model::RequantizationT> rq, std::uint64_t scratch) {
        auto op = std::make_unique<model::OperatorT>();
        op->params = std::move(params);
        op->inputs = std::move(inputs);
        op->outputs = {output};
        op->requant = std::move(rq);
        op->scratch_bytes = static_cast<std::int32_t>(scratch);
        m.operators.push_back(std::move(op));
    }
};

}  // namespace

NetSpec seed_spec() {
    return NetSpec{28, 28, 1, {{32, 5, 3, false}, {32, 5, 2, true}, {64, 3, 2, false}, {64, 3, 1, true},
                               {256, 3, 1, false}, {256, 3, 1, true}}, {128, 10}};
}
NetSpec compact_spec() {
    return NetSpec{28, 28, 1, {{16, 5, 3, false}, {16, 5, 2, true}, {32, 3, 2, false}, {32, 3, 1, true},
                               {64, 3, 1, false}, {64, 3, 1, true}}, {64, 10}};
}
NetSpec tiny_spec() { return NetSpec{8, 8, 1, {{4, 3, 1, false}, {8, 3, 2, true}}, {10}}; }

std::unique_ptr<model::ModelT> make_model(const NetSpec& spec, std::uint64_t seed) {
    auto m = std::make_unique<model::ModelT>();
    m->format_version = 2;
    m->architecture = "test";
    m->plan = std::make_unique<model::MemoryPlanT>();
    m->plan->description = "ping-pong test plan";
    Builder b{*m, std::mt19937_64(seed)};
    int h = spec.in_h, w = spec.in_w, c = spec.in_c;
    int current = b.add_activation({h, w, c}, -128, 1.0f / 255);
    m->input = current;
    for (const ConvLayer& layer : spec.convs) {
        const int ch = h + 2 * layer.pad - layer.kernel + 1, cw = w + 2 * layer.pad - layer.kernel + 1;
        const int oh = layer.pool ? (ch - 2) / 2 + 1 : ch, ow = layer.pool ? (cw - 2) / 2 + 1 : cw;
        const int wt = b.weights({layer.out_c, layer.kernel, layer.kernel, c});
        const int bt = b.bias(layer.out_c);
        const int out = b.add_activation({oh, ow, layer.out_c}, b.uniform(-128, -100), 0.05f);
        model::Conv2DT conv;
        conv.kernel_h = conv.kernel_w = layer.kernel;
        conv.pad_top = conv.pad_bottom = conv.pad_left = conv.pad_right = layer.pad;
        conv.act_min = static_cast<std::int8_t>(m->tensors[static_cast<std::size_t>(out)]->quantization->zero_point[0]);
        if (layer.pool) conv.pool_h = conv.pool_w = conv.pool_stride_h = conv.pool_stride_w = 2;
        model::OpParamsUnion params;
        params.Set(conv);
        const std::int64_t k = std::int64_t{layer.kernel} * layer.kernel * c;
        b.add_op(std::move(params), {current, wt, bt}, out, b.requant(layer.out_c, k),
                 conv2d_scratch_bytes(layer.kernel, layer.kernel, c, layer.out_c));
        current = out;
        h = oh;
        w = ow;
        c = layer.out_c;
    }
    std::int32_t in_count = h * w * c;
    for (std::size_t i = 0; i < spec.dense.size(); ++i) {
        const int units = spec.dense[i];
        const bool last = i + 1 == spec.dense.size();
        const int wt = b.weights({units, in_count});
        const int bt = b.bias(units);
        const int out = b.add_activation({units}, last ? b.uniform(-20, 20) : -128, last ? 0.1f : 0.05f);
        model::FullyConnectedT fc;
        if (!last) fc.act_min = -128;  // ReLU at zero point -128
        model::OpParamsUnion params;
        params.Set(fc);
        b.add_op(std::move(params), {current, wt, bt}, out, b.requant(units, in_count),
                 fully_connected_scratch_bytes(in_count, units));
        current = out;
        in_count = units;
    }
    m->output = current;
    for (int d = 0; d < 10; ++d) m->labels.push_back(std::to_string(d));
    plan_arena(*m);
    return m;
}

void plan_arena(model::ModelT& m) {
    auto bytes_of = [&](std::int32_t t) {
        return align16(static_cast<std::size_t>(count(m.tensors[static_cast<std::size_t>(t)]->shape)));
    };
    std::size_t arena = 16;
    for (const auto& op : m.operators)
        arena = std::max(arena, bytes_of(op->inputs[0]) + align16(static_cast<std::size_t>(op->scratch_bytes)) +
                                    bytes_of(op->outputs[0]));
    m.tensors[static_cast<std::size_t>(m.input)]->arena_offset = 0;
    bool input_at_bottom = true;
    std::size_t peak_scratch = 0, peak_act = 0;
    for (auto& op : m.operators) {
        const std::size_t in = bytes_of(op->inputs[0]), out = bytes_of(op->outputs[0]);
        auto& out_t = *m.tensors[static_cast<std::size_t>(op->outputs[0])];
        out_t.arena_offset = static_cast<std::int32_t>(input_at_bottom ? arena - out : 0);
        op->scratch_offset = op->scratch_bytes > 0 ? static_cast<std::int32_t>(input_at_bottom ? in : out) : -1;
        peak_scratch = std::max(peak_scratch, static_cast<std::size_t>(op->scratch_bytes));
        peak_act = std::max(peak_act, in + out);
        input_at_bottom = !input_at_bottom;
    }
    m.plan->arena_bytes = static_cast<std::uint32_t>(arena);
    m.plan->peak_activation_bytes = static_cast<std::uint32_t>(peak_act);
    m.plan->peak_scratch_bytes = static_cast<std::uint32_t>(peak_scratch);
}

ModelBytes::ModelBytes(std::size_t size)
    : data_(static_cast<std::uint8_t*>(::operator new[](size == 0 ? 1 : size, std::align_val_t{16}))), size_(size) {}
ModelBytes::ModelBytes(const std::uint8_t* data, std::size_t size) : ModelBytes(size) {
    if (size) std::memcpy(data_, data, size);
}
ModelBytes::ModelBytes(ModelBytes&& o) noexcept : data_(o.data_), size_(o.size_) {
    o.data_ = nullptr;
    o.size_ = 0;
}
ModelBytes::~ModelBytes() {
    if (data_) ::operator delete[](data_, std::align_val_t{16});
}

ModelBytes serialize(const model::ModelT& m) {
    flatbuffers::FlatBufferBuilder fbb(1 << 16);
    std::vector<flatbuffers::Offset<model::Buffer>> buffers;
    for (const auto& b : m.buffers) {
        fbb.ForceVectorAlignment(b->data.size(), 1, 16);
        const auto data = fbb.CreateVector(b->data);
        buffers.push_back(model::CreateBuffer(fbb, data));
    }
    std::vector<flatbuffers::Offset<model::Tensor>> tensors;
    for (const auto& t : m.tensors) tensors.push_back(model::CreateTensor(fbb, t.get()));
    std::vector<flatbuffers::Offset<model::Operator>> ops;
    for (const auto& op : m.operators) ops.push_back(model::CreateOperator(fbb, op.get()));
    const auto plan = m.plan ? model::CreateMemoryPlan(fbb, m.plan.get()) : 0;
    std::vector<flatbuffers::Offset<flatbuffers::String>> labels;
    for (const auto& l : m.labels) labels.push_back(fbb.CreateString(l));
    const auto arch = fbb.CreateString(m.architecture);
    const auto tv = fbb.CreateVector(tensors);
    const auto bv = fbb.CreateVector(buffers);
    const auto ov = fbb.CreateVector(ops);
    const auto lv = fbb.CreateVector(labels);
    model::ModelBuilder mb(fbb);
    mb.add_format_version(m.format_version);
    mb.add_architecture(arch);
    mb.add_tensors(tv);
    mb.add_buffers(bv);
    mb.add_operators(ov);
    mb.add_input(m.input);
    mb.add_output(m.output);
    if (!plan.IsNull()) mb.add_plan(plan);
    mb.add_labels(lv);
    fbb.Finish(mb.Finish(), model::ModelIdentifier());
    ModelBytes bytes((fbb.GetSize() + 15) / 16 * 16 + kFooterBytes);
    std::memset(bytes.data(), 0, bytes.size());
    std::memcpy(bytes.data(), fbb.GetBufferPointer(), fbb.GetSize());
    reseal(bytes);
    return bytes;
}

void reseal(ModelBytes& bytes) {
    std::uint8_t* footer = bytes.data() + bytes.size() - kFooterBytes;
    auto put = [](std::uint8_t* p, std::uint32_t v) {
        for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
    };
    std::memcpy(footer, kFooterTag, 4);
    put(footer + 4, static_cast<std::uint32_t>(bytes.size()));
    put(footer + 8, crc32(bytes.data(), bytes.size() - kFooterBytes));
    put(footer + 12, 0);
}

Arena::Arena(std::size_t bytes) : storage(bytes), data(storage.data()), size(bytes) {}

void band_chain(model::ModelT& m, int consumer, int band_rows) {
    auto& op = *m.operators[static_cast<std::size_t>(consumer)];
    const auto& c = *op.params.AsConv2D();
    auto& window = *m.tensors[static_cast<std::size_t>(op.inputs[0])];
    const int conv_rows = c.pool_h > 0 ? (band_rows - 1) * c.pool_stride_h + c.pool_h : band_rows;
    op.band_rows = band_rows;
    window.window_rows = std::min(window.shape[0], (conv_rows - 1) * c.stride_h + c.kernel_h);
    m.format_version = 3;
}

void plan_disjoint(model::ModelT& m) {
    std::uint32_t end = 0;
    for (auto& t : m.tensors) {
        if (t->arena_offset < 0) continue;
        std::int64_t bytes = t->window_rows > 0 ? t->window_rows : t->shape[0];
        for (std::size_t d = 1; d < t->shape.size(); ++d) bytes *= t->shape[d];
        t->arena_offset = static_cast<std::int32_t>(end);
        end += static_cast<std::uint32_t>((bytes + 15) / 16 * 16);
    }
    for (auto& o : m.operators) {
        if (o->scratch_bytes == 0) continue;
        o->scratch_offset = static_cast<std::int32_t>(end);
        end += static_cast<std::uint32_t>((o->scratch_bytes + 15) / 16 * 16);
    }
    m.plan->arena_bytes = end;
}

}  // namespace tinydigit::engine::test
