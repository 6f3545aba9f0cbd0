// Runs a model.fb through the engine on the host: the int8 path of evaluate, the report and
// the golden files.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tinydigit/engine/engine.hpp"
#include "tinydigit/host/dataset/images.hpp"
#include "tinydigit/tools/model_file.hpp"

namespace tinydigit::tools {

class Int8Runner {
public:
    // Throws ModelFileError "<name>: <reason>" when the engine refuses the model: a damaged file
    // (integrity footer), or the engine's status with the operator and tensor concerned.
    explicit Int8Runner(const ModelFile& file, const engine::KernelSet& kernels = engine::default_kernels());
    Int8Runner(const Int8Runner&) = delete;
    Int8Runner& operator=(const Int8Runner&) = delete;

    std::size_t classes() const { return engine_.output_size(); }
    // int8 logits of one 28x28 image (pixels 0..255).
    std::span<const std::int8_t> run(const std::uint8_t* pixels);
    // The same, calling visit(op index, output tensor index, output bytes) after every op.
    std::span<const std::int8_t> run_layers(
        const std::uint8_t* pixels, const std::function<void(int, int, std::span<const std::int8_t>)>& visit);
    const engine::Engine& engine() const { return engine_; }

private:
    struct Free {
        void operator()(std::uint8_t* p) const;
    };
    engine::Engine engine_;
    std::unique_ptr<std::uint8_t[], Free> arena_;
};

// int8 logits of every image, 10 per image in the images' order, from `threads` workers each
// running its own engine over an interleaved share of the images (the engine keeps no state
// between images, so the count changes only the speed). Throws ModelFileError if the engine
// refuses the model or it does not output 10 classes.
std::vector<std::int8_t> int8_logits(const ModelFile& file, const dataset::Images& images, int threads);

}  // namespace tinydigit::tools
