// Activation ranges from float inference on training images (never the test set).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tinydigit/tools/float_reference.hpp"
#include "tinydigit/tools/quantize_network.hpp"

namespace tinydigit::tools {

// The range of each named activation over `count` images, its ends rounded outward to 8
// significant bits so that last-place differences between float backends (thread count, ISA)
// do not change the model's bytes. Throws QuantizeError when an activation is missing or not
// finite.
// - Non-negative (ReLU) activations: [0, c] where c minimizes the expected squared error over
//   a 2048-bin histogram of the calibration values (rounding error step^2/12 inside, (x - c)^2
//   for clipped values). A second float pass builds the histograms.
// - The logits (`logits_name`, n x classes): only the top of a row decides the argmax, so the
//   range runs from the lowest second-largest logit of any calibration image to the largest
//   logit. Lower logits saturate at -128; the resolution where two classes compete is finer
//   (fewer int8 ties).
// - Anything else: min and max.
Ranges calibrate(FloatReference& reference, const std::uint8_t* pixels, std::size_t count,
                 const std::vector<std::string>& names, const std::string& logits_name = {},
                 std::size_t classes = 10);

// v rounded away from zero to 8 significant bits (0 stays 0).
float round_outward(float v);

}  // namespace tinydigit::tools
