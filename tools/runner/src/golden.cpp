#include "tinydigit/tools/golden.hpp"

#include <algorithm>
#include <stdexcept>

#include "tinydigit/host/common/atomic_file.hpp"
#include "tinydigit/host/common/io_error.hpp"
#include "tinydigit/engine/checksum.hpp"
#include "tinydigit/tools/evaluation.hpp"
#include "tinydigit/tools/int8_runner.hpp"

namespace tinydigit::tools {

model_to_c::GoldenSet make_golden_set(const ModelFile& model, const dataset::Images& source, GoldenOptions options) {
    if (!source.labeled()) throw std::invalid_argument(source.source + ": golden images need labels");
    if (source.count() < options.images)
        throw std::invalid_argument(source.source + ": has " + std::to_string(source.count()) + " images, golden files need " +
                                    std::to_string(options.images));
    Int8Runner runner(model, engine::reference_kernels());
    model_to_c::GoldenSet set;
    for (std::size_t i = 0; i < options.images; ++i) {
        model_to_c::GoldenImage image;
        std::copy_n(source.image(i), image.pixels.size(), image.pixels.begin());
        image.label = source.labels[i];
        std::span<const std::int8_t> logits;
        if (i < options.layer_images) {
            logits = runner.run_layers(source.image(i), [&](int op, int, std::span<const std::int8_t> out) {
                engine::OperatorInfo info{};
                runner.engine().operator_info(op, info);
                set.layers.push_back({static_cast<int>(i), op, *info.output_name ? info.output_name : "?",
                                      static_cast<std::uint32_t>(out.size()), engine::fnv1a32(out.data(), out.size())});
            });
        } else {
            logits = runner.run(source.image(i));
        }
        if (logits.size() != image.logits.size()) throw std::invalid_argument("golden files need a model with 10 logits");
        std::copy(logits.begin(), logits.end(), image.logits.begin());
        image.predicted = argmax(logits.data(), logits.size());
        image.checksum = engine::fnv1a32(logits.data(), logits.size());
        set.images.push_back(image);
    }
    return set;
}

void write_golden_dir(const std::filesystem::path& dir, const model_to_c::GoldenSet& set) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw common::IoError(dir.string() + ": cannot create folder: " + ec.message());
    common::write_file_atomically(dir / model_to_c::kGoldenImagesFile, model_to_c::golden_images_idx(set));
    common::write_file_atomically(dir / model_to_c::kGoldenLabelsFile, model_to_c::golden_labels_idx(set));
    common::write_file_atomically(dir / model_to_c::kGoldenExpectedFile, model_to_c::expected_csv(set));
    common::write_file_atomically(dir / model_to_c::kGoldenLayersFile, model_to_c::layers_csv(set));
}

}  // namespace tinydigit::tools
