// Writes a quantized compact model with random weights (for the model_to_c compile test).
#include <cstdio>
#include <fstream>

#include "checkpoint_fixtures.hpp"
#include "tinydigit/tools/fold.hpp"
#include "tinydigit/tools/quantize_network.hpp"
#include "tinydigit/tools/serialize.hpp"

int main(int argc, char** argv) {
    using namespace tinydigit::tools;
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_fixture_model OUT.fb\n");
        return 2;
    }
    const auto net = fold_checkpoint(tinydigit::testing::random_checkpoint("compact", 31));
    Ranges ranges;
    for (const auto& layer : net.layers) ranges[layer.output_name] = layer.relu ? Range{0.0f, 2.0f} : Range{-6.0f, 6.0f};
    const auto bytes = serialize_model(quantize_network(net, ranges));
    std::ofstream out(argv[1], std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return out ? 0 : 1;
}
