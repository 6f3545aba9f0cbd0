// The "padded-conv" network family, defined once for the trainer and the quantizer.
//
//   input 28x28x1 -> ZeroPad(1) -> conv1 5x5 same -> BN -> ReLU -> conv2 5x5 same -> BN -> ReLU
//   -> MaxPool 2x2 -> ZeroPad(1) -> Dropout -> conv3 3x3 same -> BN -> ReLU -> conv4 3x3 same
//   -> BN -> ReLU -> MaxPool 2x2 -> Dropout -> conv5 3x3 same -> BN -> ReLU -> conv6 3x3 same
//   -> BN -> ReLU -> MaxPool 2x2 -> Dropout -> Flatten -> dense1 -> ReLU -> Dropout -> dense2
//
// Conv -> BN -> ReLU (not the Keras seed's ReLU -> BN) so that BN folds into the conv for int8.
// Each ZeroPad is folded into the padding of the conv after it: conv1 pads 1 + 2 = 3 on every
// side, conv3 pads 1 + 1 = 2. Spatial sizes: 28 -> 30 -> 30 -> 15 -> 17 -> 17 -> 8 -> 8 -> 4.
//
// Flatten order (normative for the checkpoint, the quantizer and the engine): the checkpoint's
// dense1.weight is [O, C, H, W] over the last pooled map (C, 4, 4); the int8 model stores it
// as [O, H*W*C] in HWC order, the engine's activation layout. tools/quantize does that permutation.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace tinydigit::trainer {

struct ConvSpec {
    int kernel;    // square kernel, stride 1
    int padding;   // on every side, ZeroPad folded in
    bool pool_after;  // MaxPool 2x2 / 2 follows BN + ReLU
    float dropout_after;  // dropout rate applied after this block (0 = none)
};

struct Architecture {
    std::string_view name;
    std::array<int, 6> conv_channels;
    int dense_units;
    float dense_dropout;
    static constexpr int kInputSize = 28;
    static constexpr int kClasses = 10;
    // Kernel, padding, pooling and dropout are shared by the whole family.
    static constexpr std::array<ConvSpec, 6> kConvs{{
        {5, 3, false, 0.0f},
        {5, 2, true, 0.2f},  // the seed's Dropout(0.2) sits after ZeroPad; same thing
        {3, 2, false, 0.0f},
        {3, 1, true, 0.2f},
        {3, 1, false, 0.0f},
        {3, 1, true, 0.3f},
    }};
};

// The Kaggle seed network: 1,346,794 trainable parameters, 87.45 M MACs per image.
inline constexpr Architecture kSeed{"seed", {32, 32, 64, 64, 256, 256}, 128, 0.4f};
// Narrow enough that the int8 model (about 142 K weights) fits a 256 KB-flash / 64 KB-RAM MCU.
inline constexpr Architecture kCompact{"compact", {16, 16, 32, 32, 64, 64}, 64, 0.4f};

inline std::optional<Architecture> architecture_by_name(std::string_view name) {
    if (name == kSeed.name) return kSeed;
    if (name == kCompact.name) return kCompact;
    return std::nullopt;
}

}  // namespace tinydigit::trainer
