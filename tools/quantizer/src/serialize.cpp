#include "tinydigit/tools/serialize.hpp"

#include <limits>

#include "tinydigit/engine/scratch.hpp"
#include "tinydigit/tools/model_writer.hpp"
#include "tinydigit/tools/quantize_error.hpp"

namespace tinydigit::tools {

static_assert(engine::kArenaAlignment == kArenaAlignment, "the planner and the engine must agree on alignment");

std::vector<std::uint32_t> engine_scratch_bytes(const QuantizedModel& model) {
    std::vector<std::uint32_t> scratch;
    for (const auto& layer : model.layers) {
        const std::uint64_t bytes =
            layer.kind == LayerKind::Conv2D
                ? engine::conv2d_scratch_bytes(layer.kernel_h, layer.kernel_w, layer.input_shape.back(),
                                               layer.output_shape.back())
                : engine::fully_connected_scratch_bytes(static_cast<std::int32_t>(element_count(layer.input_shape)),
                                                        static_cast<std::int32_t>(element_count(layer.output_shape)));
        if (bytes > std::numeric_limits<std::uint32_t>::max()) throw QuantizeError(layer.name + ": scratch too large");
        scratch.push_back(static_cast<std::uint32_t>(bytes));
    }
    return scratch;
}

ChainPlan plan_model(const QuantizedModel& model) {
    return plan_chain(chain_plan_request(model, engine_scratch_bytes(model)));
}

std::vector<std::uint8_t> serialize_model(const QuantizedModel& model) {
    return write_model_flatbuffer(model, plan_model(model));
}

}  // namespace tinydigit::tools
