// Images per second of real training steps of the seed network: background batch preparation
// with augmentation, forward, loss, backward, Adam — exactly what `train` does per batch.
// usage: train_speed BATCH STEPS [WARMUP] [--arch seed|compact] [--precision f32|bf16] [--no-augment]
//        train_speed --isa   (prints the instruction set oneDNN runs here, e.g. avx2)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <string>

#include "tinydigit/host/dataset/sources.hpp"
#include "tinydigit/trainer/counter_rng.hpp"
#include "tinydigit/trainer/training.hpp"

using namespace tinydigit::trainer;

int main(int argc, char** argv) {
    if (argc == 2 && std::string(argv[1]) == "--isa") {
        std::printf("%s\n", std::string(onednn_isa_name()).c_str());
        return 0;
    }
    if (argc < 3) {
        std::fprintf(stderr, "usage: train_speed BATCH STEPS [WARMUP] [--arch seed|compact] [--precision f32|bf16] [--no-augment]\n"
                             "       train_speed --isa\n");
        return 2;
    }
    const int batch = std::atoi(argv[1]);
    const int steps = std::atoi(argv[2]);
    const int warmup = argc > 3 && argv[3][0] != '-' ? std::atoi(argv[3]) : 5;
    Architecture arch = kSeed;
    Precision precision = Precision::kF32;
    bool augment = true;
    for (int i = 3; i < argc; ++i) {
        const std::string a = argv[i];
        // A misspelt value must not quietly time something else.
        if (a == "--arch" && i + 1 < argc) {
            const auto chosen = architecture_by_name(argv[++i]);
            if (!chosen) {
                std::fprintf(stderr, "train_speed: --arch: expected seed or compact\n");
                return 2;
            }
            arch = *chosen;
        } else if (a == "--precision" && i + 1 < argc) {
            const auto chosen = precision_by_name(argv[++i]);
            if (!chosen) {
                std::fprintf(stderr, "train_speed: --precision: expected f32 or bf16\n");
                return 2;
            }
            precision = *chosen;
        } else if (a == "--no-augment") {
            augment = false;
        }
    }
    const auto files = tinydigit::dataset::mnist_files();
    const auto data = tinydigit::dataset::load_source(files.train_images);
    const std::size_t total = static_cast<std::size_t>(batch) * static_cast<std::size_t>(steps + warmup);
    std::vector<std::size_t> order(total);
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (auto& i : order) i %= data.count();

    Network net(arch, batch, precision);
    net.initialize(1);
    Adam adam(net.parameters());
    BatchSource source(data, order, static_cast<std::size_t>(batch), 1, 0, augment);
    std::vector<float> diff;
    std::chrono::steady_clock::time_point start;
    for (int s = 0; s < steps + warmup; ++s) {
        if (s == warmup) start = std::chrono::steady_clock::now();
        train_step(net, adam, source.get(static_cast<std::size_t>(s)),
                   stream_key(1, 0, static_cast<std::uint64_t>(s), Purpose::kDropout), 1e-3f, diff);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%.1f\n", static_cast<double>(batch) * steps / seconds);
    return 0;
}
