// Activation ranges from float inference on training images (never the test set).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tinydigit/tools/float_reference.hpp"
#include "tinydigit/tools/quantize_network.hpp"

namespace tinydigit::tools {

// Min and max of each named activation over `count` images, rounded outward to 8 significant
// bits so that last-place differences between float backends (thread count, ISA) do not
// change the model's bytes. Throws QuantizeError when an activation is missing or not finite.
//
// The logits (`logits_name`, n x classes) are different: only the top of each row decides the
// argmax, so their range starts at the smallest *second-largest* logit of any calibration
// image instead of the smallest logit. Lower logits saturate at the bottom of the int8 range,
// and the resolution where two classes compete roughly doubles (fewer int8 ties).
Ranges calibrate(FloatReference& reference, const std::uint8_t* pixels, std::size_t count,
                 const std::vector<std::string>& names, const std::string& logits_name = {},
                 std::size_t classes = 10);

// v rounded away from zero to 8 significant bits (0 stays 0).
float round_outward(float v);

}  // namespace tinydigit::tools
