#include "tinydigit/trainer/float_model.hpp"

#include <algorithm>
#include <cstring>

#include <omp.h>

#include "tinydigit/trainer/network_state.hpp"

namespace tinydigit::trainer {

namespace {

constexpr std::size_t kPixels = Architecture::kInputSize * Architecture::kInputSize;

Architecture architecture_or_throw(const std::string& name) {
    const auto arch = architecture_by_name(name);
    if (!arch) throw CheckpointError("checkpoint architecture \"" + name + "\" is not seed or compact");
    return *arch;
}

}  // namespace

void set_input(Network& net, const std::uint8_t* pixels, std::size_t count) {
    float* in = net.input();
    const std::size_t used = count * kPixels;
    for (std::size_t i = 0; i < used; ++i) in[i] = static_cast<float>(pixels[i]) / 255.0f;
    std::fill(in + used, in + static_cast<std::size_t>(net.batch()) * kPixels, 0.0f);
}

FloatModel::FloatModel(const CheckpointData& checkpoint, int threads)
    : arch_(architecture_or_throw(checkpoint.architecture)), params_(checkpoint.params), buffers_(checkpoint.buffers) {
    if (threads > 0) omp_set_num_threads(threads);
    network_for(1);  // validates the tensors now, not at the first inference
}

FloatModel::~FloatModel() = default;

Network& FloatModel::network_for(int batch) {
    auto& slot = networks_[batch];
    if (!slot) {
        slot = std::make_unique<Network>(arch_, batch);
        import_parameters(params_, buffers_, *slot);
    }
    return *slot;
}

template <typename Visit>
void FloatModel::run(const std::uint8_t* pixels, std::size_t n, Visit visit) {
    if (n == 0) return;
    Network& net = network_for(static_cast<int>(std::min<std::size_t>(n, kChunk)));
    for (std::size_t first = 0; first < n; first += static_cast<std::size_t>(net.batch())) {
        const std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(net.batch()), n - first);
        set_input(net, pixels + first * kPixels, count);
        net.forward(Mode::kEval);
        visit(net, first, count);
    }
}

std::vector<float> FloatModel::logits(const std::uint8_t* pixels, std::size_t n) {
    constexpr std::size_t classes = Architecture::kClasses;
    std::vector<float> out(n * classes);
    run(pixels, n, [&](Network& net, std::size_t first, std::size_t count) {
        const float* logits = data_of(*net.taps().back().memory);
        std::copy(logits, logits + count * classes, out.begin() + static_cast<std::ptrdiff_t>(first * classes));
    });
    return out;
}

std::map<std::string, std::vector<float>> FloatModel::activations(const std::uint8_t* pixels, std::size_t n) {
    std::map<std::string, std::vector<float>> out;
    run(pixels, n, [&](Network& net, std::size_t first, std::size_t count) {
        for (const auto& tap : net.taps()) {
            const auto dims = tap.memory->get_desc().dims();
            // NHWC for feature maps (nhwc tag over NCHW dims), row-major for dense outputs.
            const auto nhwc = dims.size() == 4
                                  ? dnnl::memory::desc(dims, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nhwc)
                                  : plain_desc(dims);
            const std::vector<float> all = net.to_user(*tap.memory, nhwc);
            const std::size_t per_image = all.size() / static_cast<std::size_t>(net.batch());
            auto& dst = out[tap.name];
            dst.resize(n * per_image);
            std::copy(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(count * per_image),
                      dst.begin() + static_cast<std::ptrdiff_t>(first * per_image));
        }
    });
    return out;
}

}  // namespace tinydigit::trainer
