// `quantize --report`: float vs int8 on the MNIST test set, and per-layer error of every int8
// layer output (dequantized) against the float activation at the same point.
#pragma once

#include <string>
#include <vector>

#include "tinydigit/host/dataset/images.hpp"
#include "tinydigit/tools/evaluation.hpp"
#include "tinydigit/tools/float_reference.hpp"
#include "tinydigit/tools/model_file.hpp"

namespace tinydigit::tools {

// Errors are measured over the float values the tensor's int8 range can represent; values
// outside it (saturated) are counted separately. Only the logits saturate by design (their
// range starts at the lowest second-largest logit, see calibrate.hpp); elsewhere it shows
// test images exceeding the calibration range.
struct LayerError {
    std::string tensor;
    double max_abs_error = 0.0;
    double float_max_abs = 0.0;
    double snr_db = 0.0;  // 10 log10(sum f^2 / sum (f - dequantized)^2)
    double saturated = 0.0;  // fraction of values outside the representable range
};

struct QuantizeReport {
    Evaluation float_eval;
    Evaluation int8_eval;
    std::size_t argmax_agreement = 0;
    std::size_t layer_images = 0;
    std::vector<LayerError> layers;

    double agreement() const {
        return int8_eval.count ? double(argmax_agreement) / double(int8_eval.count) : 0.0;
    }
    std::string text() const;
};

// Every image of `test` through both networks; per-layer errors over the first layer_images.
QuantizeReport measure_report(const ModelFile& model, FloatReference& reference, const dataset::Images& test,
                              std::size_t layer_images);

}  // namespace tinydigit::tools
