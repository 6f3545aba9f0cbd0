// Batch-1 latency of committed model files in the native engine, every kernel set this CPU
// runs: one round of `iterations` runs each, wall clock (the browser side of
// benchmarks/web_latency/run.mjs can only measure wall clock, so both sides do).
//
//   model_latency [--iterations N] MODEL.fb...
//   prints one line per model and set: "<model> <set> <ms per inference>"
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tinydigit/engine/engine.hpp"

namespace {

namespace eng = tinydigit::engine;

struct AlignedBytes {  // the engine wants 16-byte aligned models and arenas
    std::vector<unsigned char> storage;
    unsigned char* data = nullptr;
    explicit AlignedBytes(std::size_t n) : storage(n + 16) {
        data = storage.data() + (16 - reinterpret_cast<std::uintptr_t>(storage.data()) % 16) % 16;
    }
};

int fail(const std::string& message) {
    std::fprintf(stderr, "model_latency: %s\n", message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    int iterations = 100;
    std::vector<std::string> models;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--iterations" && i + 1 < argc) {
            iterations = std::atoi(argv[++i]);
            if (iterations < 1 || iterations > 100000) return fail("--iterations needs a count from 1 to 100000");
        } else if (a.starts_with("-")) {
            std::fprintf(stderr, "usage: model_latency [--iterations N] MODEL.fb...\n");
            return 2;
        } else {
            models.push_back(a);
        }
    }
    if (models.empty()) return fail("expected at least one MODEL.fb (see --help)");
    for (const auto& path : models) {
        std::ifstream in(path, std::ios::binary);
        if (!in) return fail(path + ": cannot open");
        const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        AlignedBytes model(bytes.size());
        std::copy(bytes.begin(), bytes.end(), model.data);
        const eng::KernelSet* sets[8];
        const int count = eng::available_kernel_sets(sets, 8);
        for (int s = 0; s < count; ++s) {
            eng::Engine e;
            if (const auto st = e.load(model.data, bytes.size(), *sets[s]); st != eng::Status::kOk)
                return fail(path + ": " + eng::status_message(st));
            // The layer view, as the web page binds it: every layer whole, no row bands.
            AlignedBytes arena(e.layer_view_arena_bytes());
            e.bind_arena(arena.data, e.layer_view_arena_bytes());
            std::vector<std::uint8_t> pixels(e.input_size());
            for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i * 37 % 256);
            e.set_input_pixels(pixels.data(), pixels.size());
            e.run();  // warm caches
            const auto start = std::chrono::steady_clock::now();
            for (int i = 0; i < iterations; ++i) e.run();
            const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
            std::printf("%s %s %.4f\n", path.c_str(), sets[s]->name, elapsed.count() / iterations);
        }
    }
    return 0;
}
