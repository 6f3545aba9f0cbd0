// The float network the quantizer calibrates on and compares against, as two functions so the
// quantizer does not depend on how the float forward pass is computed (trainer::FloatModel,
// oneDNN, in the tools; anything in tests).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tinydigit::tools {

struct FloatReference {
    // n x 10 logits for n 28x28 images (pixels 0..255, normalized x = p / 255 inside).
    std::function<std::vector<float>(const std::uint8_t* pixels, std::size_t n)> logits;
    // Named NHWC activations (conv1..conv6, pool1..pool3, dense1, dense2), n images each.
    std::function<std::map<std::string, std::vector<float>>(const std::uint8_t* pixels, std::size_t n)> activations;
};

}  // namespace tinydigit::tools
