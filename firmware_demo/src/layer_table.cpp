#include "layer_table.hpp"

#include "tinydigit/schema/model_generated.h"

namespace {

namespace tm = tinydigit::model;

std::int32_t dim(const tm::Tensor& tensor, unsigned axis) {
    const auto* shape = tensor.shape();
    return axis < shape->size() ? shape->Get(axis) : 1;
}

std::uint32_t element_count(const tm::Tensor& tensor) {
    std::uint32_t count = 1;
    for (const std::int32_t d : *tensor.shape()) count *= static_cast<std::uint32_t>(d);
    return count;
}

// Conv map size (before any fused pool) along one axis.
std::int64_t conv_extent(std::int32_t in, std::int32_t pad_a, std::int32_t pad_b, std::int32_t kernel,
                         std::int32_t stride) {
    return (in + pad_a + pad_b - kernel) / stride + 1;
}

}  // namespace

LayerInfo describe_layer(const tm::Model& model, int op_index) {
    const tm::Operator& op = *model.operators()->Get(static_cast<unsigned>(op_index));
    const int out_index = op.outputs()->Get(0);
    const tm::Tensor& out = *model.tensors()->Get(static_cast<unsigned>(out_index));
    LayerInfo info{};
    info.output_tensor = out_index;
    info.output_name = out.name() != nullptr ? out.name()->c_str() : "?";
    const bool image = out.shape()->size() == 3;
    info.height = image ? dim(out, 0) : 1;
    info.width = image ? dim(out, 1) : 1;
    info.channels = image ? dim(out, 2) : static_cast<std::int32_t>(element_count(out));
    info.output_bytes = element_count(out);

    const tm::Tensor& in = *model.tensors()->Get(static_cast<unsigned>(op.inputs()->Get(0)));
    switch (op.params_type()) {
        case tm::OpParams::Conv2D: {
            const tm::Conv2D& conv = *op.params_as_Conv2D();
            const tm::Tensor& weights = *model.tensors()->Get(static_cast<unsigned>(op.inputs()->Get(1)));
            const std::int64_t conv_h =
                conv_extent(dim(in, 0), conv.pad_top(), conv.pad_bottom(), conv.kernel_h(), conv.stride_h());
            const std::int64_t conv_w =
                conv_extent(dim(in, 1), conv.pad_left(), conv.pad_right(), conv.kernel_w(), conv.stride_w());
            // weights are OHWI: every output cell takes O x KH x KW x I products.
            info.kind = conv.pool_h() > 0 ? "Conv2D+MaxPool" : "Conv2D";
            info.macs = static_cast<std::uint64_t>(conv_h * conv_w) * element_count(weights);
            break;
        }
        case tm::OpParams::FullyConnected: {
            const tm::Tensor& weights = *model.tensors()->Get(static_cast<unsigned>(op.inputs()->Get(1)));
            info.kind = "FullyConnected";
            info.macs = element_count(weights);
            break;
        }
        case tm::OpParams::MaxPool2D:
            info.kind = "MaxPool2D";
            break;
        case tm::OpParams::Pad:
            info.kind = "Pad";
            break;
        default:
            info.kind = "?";
            break;
    }
    return info;
}
