#include "tinydigit/tools/model_writer.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

#include "tinydigit/host/common/checksum_footer.hpp"
#include "tinydigit/schema/model_generated.h"

namespace tinydigit::tools {

namespace fbm = tinydigit::model;

namespace {

// Line buffering: a conv without pool followed by a conv (pool or not) runs in bands of
// kBandRows output rows of the second, so its output only ever needs the rows one band reads
// (the engine's rules: schema/model.fbs). One row per band is the smallest window; each band
// is one call of each kernel, a few hundred instructions against the band's MACs.
constexpr std::uint32_t kBandRows = 1;

bool pads_below_kernel(const QuantizedLayer& l) {
    return l.padding.top < l.kernel_h && l.padding.bottom < l.kernel_h;
}

Window band_window(const QuantizedLayer& producer, const QuantizedLayer& consumer) {
    if (producer.kind != LayerKind::Conv2D || consumer.kind != LayerKind::Conv2D || producer.pool != 0 ||
        !pads_below_kernel(producer) || !pads_below_kernel(consumer) || consumer.output_shape.size() != 3 ||
        static_cast<std::uint32_t>(consumer.output_shape[0]) < kBandRows)
        return {};
    const std::int64_t conv_rows = consumer.pool > 0 ? std::int64_t{kBandRows - 1} * consumer.pool + consumer.pool : kBandRows;
    const std::int64_t need = (conv_rows - 1) * consumer.stride + consumer.kernel_h;
    const auto height = static_cast<std::int64_t>(producer.output_shape[0]);
    const auto rows = static_cast<std::uint32_t>(std::min(need, height));
    const auto row_bytes = static_cast<std::uint32_t>(element_count(producer.output_shape) / static_cast<std::size_t>(height));
    return Window{rows, rows * row_bytes, kBandRows};
}

}  // namespace

ChainPlanRequest chain_plan_request(const QuantizedModel& model, std::vector<std::uint32_t> scratch_bytes) {
    if (scratch_bytes.size() != model.layers.size())
        throw std::invalid_argument("one scratch size per layer expected");
    ChainPlanRequest request;
    request.activation_bytes.push_back(static_cast<std::uint32_t>(element_count(model.input_shape)));
    for (const auto& layer : model.layers)
        request.activation_bytes.push_back(static_cast<std::uint32_t>(element_count(layer.output_shape)));
    request.scratch_bytes = std::move(scratch_bytes);
    // Chains never touch: a chain's second op does not start another one.
    request.windows.resize(model.layers.size() + 1);
    for (std::size_t i = 1; i < model.layers.size(); ++i)
        if (request.windows[i - 1].rows == 0) request.windows[i] = band_window(model.layers[i - 1], model.layers[i]);
    return request;
}

namespace {

class Writer {
public:
    Writer(const QuantizedModel& model, const ChainPlan& plan) : model_(model), plan_(plan) {}

    std::vector<std::uint8_t> write() {
        if (plan_.activation_offset.size() != model_.layers.size() + 1 ||
            plan_.scratch_offset.size() != model_.layers.size() ||
            plan_.scratch_bytes.size() != model_.layers.size() || plan_.windows.size() != model_.layers.size() + 1)
            throw std::invalid_argument("the memory plan does not match the model");
        // Constant data first: the big vectors go at the end of the file, each 16-aligned.
        add_activation("input", model_.input_shape, model_.input, plan_.activation_offset[0], 0);
        for (std::size_t i = 0; i < model_.layers.size(); ++i) add_layer(i);

        auto plan = fbm::CreateMemoryPlan(builder_, plan_.arena_bytes, plan_.peak_activation_bytes,
                                          plan_.peak_scratch_bytes, builder_.CreateString(plan_.description));
        std::vector<flatbuffers::Offset<flatbuffers::String>> labels;
        for (const auto& label : model_.labels) labels.push_back(builder_.CreateString(label));
        const auto& p = model_.provenance;
        auto provenance = fbm::CreateProvenance(
            builder_, builder_.CreateString(p.source_checkpoint), builder_.CreateString(p.source_checkpoint_sha256),
            p.calibration_images, builder_.CreateString(p.calibration_source), p.float_test_accuracy,
            p.int8_test_accuracy, builder_.CreateString(p.tool_version));
        auto root = fbm::CreateModel(builder_, kModelFormatVersion, builder_.CreateString(model_.architecture),
                                     builder_.CreateVector(tensors_), builder_.CreateVector(buffers_),
                                     builder_.CreateVector(operators_), /*input=*/0, last_activation_, plan,
                                     builder_.CreateVector(labels), provenance);
        // Pads the front so the total size is a multiple of the largest alignment (16): offsets
        // aligned relative to the end are then aligned relative to the start as well.
        builder_.Finish(root, fbm::ModelIdentifier());
        std::vector<std::uint8_t> bytes(builder_.GetBufferPointer(), builder_.GetBufferPointer() + builder_.GetSize());
        common::append_checksum_footer(bytes);
        return bytes;
    }

private:
    template <typename T>
    std::int32_t add_buffer(const std::vector<T>& values) {
        const std::size_t bytes = values.size() * sizeof(T);
        builder_.ForceVectorAlignment(bytes, 1, kConstantAlignment);
        std::vector<std::uint8_t> raw(bytes);
        // Little-endian hosts only: the file stores int32 little-endian, as the engine reads it.
        static_assert(std::endian::native == std::endian::little);
        if (bytes != 0) std::memcpy(raw.data(), values.data(), bytes);
        auto data = builder_.CreateVector(raw);
        buffers_.push_back(fbm::CreateBuffer(builder_, data));
        return static_cast<std::int32_t>(buffers_.size() - 1);
    }

    std::int32_t add_activation(const std::string& name, const std::vector<int>& shape, ActivationQuant q,
                                std::uint32_t offset, std::uint32_t window_rows) {
        auto quant = fbm::CreateQuantization(builder_, builder_.CreateVector(std::vector<float>{q.scale}),
                                             builder_.CreateVector(std::vector<std::int32_t>{q.zero_point}));
        tensors_.push_back(fbm::CreateTensor(builder_, builder_.CreateString(name), fbm::ElementType::INT8,
                                             builder_.CreateVector(shape), quant, -1,
                                             static_cast<std::int32_t>(offset), static_cast<std::int32_t>(window_rows)));
        last_activation_ = static_cast<std::int32_t>(tensors_.size() - 1);
        return last_activation_;
    }

    void add_layer(std::size_t index) {
        const QuantizedLayer& layer = model_.layers[index];
        const std::int32_t input = last_activation_;

        // Weights: symmetric per output channel; no zero_point vector means 0 for every channel.
        const std::int32_t weight_buffer = add_buffer(layer.weights);
        auto weight_quant = fbm::CreateQuantization(builder_, builder_.CreateVector(layer.weight_scales), 0, 0);
        tensors_.push_back(fbm::CreateTensor(builder_, builder_.CreateString(layer.name + ".weight"),
                                             fbm::ElementType::INT8, builder_.CreateVector(layer.weight_shape),
                                             weight_quant, weight_buffer, -1));
        const auto weights = static_cast<std::int32_t>(tensors_.size() - 1);

        // Bias: int32, scale input.scale * weight_scales[o] (implied, so not stored), zero point 0.
        const std::int32_t bias_buffer = add_buffer(layer.bias);
        tensors_.push_back(fbm::CreateTensor(
            builder_, builder_.CreateString(layer.name + ".bias"), fbm::ElementType::INT32,
            builder_.CreateVector(std::vector<int>{static_cast<int>(layer.bias.size())}), 0, bias_buffer, -1));
        const auto bias = static_cast<std::int32_t>(tensors_.size() - 1);

        const std::int32_t output =
            add_activation(layer.output_name, layer.output_shape, layer.output, plan_.activation_offset[index + 1],
                           plan_.windows[index + 1].rows);

        flatbuffers::Offset<void> params;
        fbm::OpParams type = fbm::OpParams::NONE;
        if (layer.kind == LayerKind::Conv2D) {
            const int pool = layer.pool;
            params = fbm::CreateConv2D(builder_, layer.kernel_h, layer.kernel_w, layer.stride, layer.stride,
                                       layer.padding.top, layer.padding.bottom, layer.padding.left,
                                       layer.padding.right, layer.act_min, layer.act_max, pool, pool, pool, pool)
                         .Union();
            type = fbm::OpParams::Conv2D;
        } else {
            params = fbm::CreateFullyConnected(builder_, layer.act_min, layer.act_max).Union();
            type = fbm::OpParams::FullyConnected;
        }
        auto requant = fbm::CreateRequantization(builder_, builder_.CreateVector(layer.multiplier),
                                                 builder_.CreateVector(layer.shift));
        const std::int32_t scratch_offset = plan_.scratch_offset[index];
        const std::uint32_t scratch_bytes = scratch_offset < 0 ? 0 : plan_.scratch_bytes[index];
        operators_.push_back(fbm::CreateOperator(builder_, type, params,
                                                 builder_.CreateVector(std::vector<std::int32_t>{input, weights, bias}),
                                                 builder_.CreateVector(std::vector<std::int32_t>{output}), requant,
                                                 scratch_offset, static_cast<std::int32_t>(scratch_bytes),
                                                 static_cast<std::int32_t>(plan_.windows[index].band_rows)));
    }

    const QuantizedModel& model_;
    const ChainPlan& plan_;
    flatbuffers::FlatBufferBuilder builder_{1 << 16};
    std::vector<flatbuffers::Offset<fbm::Tensor>> tensors_;
    std::vector<flatbuffers::Offset<fbm::Buffer>> buffers_;
    std::vector<flatbuffers::Offset<fbm::Operator>> operators_;
    std::int32_t last_activation_ = -1;
};

}  // namespace

std::vector<std::uint8_t> write_model_flatbuffer(const QuantizedModel& model, const ChainPlan& plan) {
    return Writer(model, plan).write();
}

}  // namespace tinydigit::tools
