#include "float_model_reference.hpp"

#include <memory>

#include "tinydigit/tools/fold.hpp"
#include "tinydigit/tools/quantize_error.hpp"
#include "tinydigit/trainer/float_model.hpp"

namespace tinydigit::tools {

FloatReference float_reference(const trainer::CheckpointData& checkpoint, int threads) {
    // fold_checkpoint validates architecture and every tensor shape with a one-line message
    // before the float model sees the data.
    (void)fold_checkpoint(checkpoint);
    auto model = std::make_shared<trainer::FloatModel>(checkpoint, threads);
    return {[model](const std::uint8_t* pixels, std::size_t n) { return model->logits(pixels, n); },
            [model](const std::uint8_t* pixels, std::size_t n) { return model->activations(pixels, n); }};
}

FoldedNetwork fold_checkpoint_file(const trainer::CheckpointData& checkpoint, const std::filesystem::path& file) {
    try {
        return fold_checkpoint(checkpoint);
    } catch (const QuantizeError& e) {
        throw QuantizeError(file.string() + ": " + e.what());
    }
}

FloatReference float_reference_from_checkpoint(const std::filesystem::path& checkpoint, int threads) {
    const trainer::CheckpointData data = trainer::load_checkpoint(checkpoint);
    try {
        return float_reference(data, threads);
    } catch (const QuantizeError& e) {  // fold_checkpoint's refusals: name the file too
        throw QuantizeError(checkpoint.string() + ": " + e.what());
    }
}

}  // namespace tinydigit::tools
