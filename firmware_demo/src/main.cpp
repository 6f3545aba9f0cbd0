// The demo firmware: the engine classifying embedded MNIST digits on a bare-metal Cortex-M.
//
// On boot it verifies the embedded model, binds a static arena sized by the model's plan,
// runs every golden digit operator by operator, and prints per image the predicted digit
// and the checksum of its int8 logits (compared with what the host engine produced), then
// the accuracy, the executed instructions per layer and per inference (QEMU -icount: one
// instruction per ns of virtual time, read from the board's timer), the footprint, and exits
// with a status.
#include <cstddef>
#include <cstdint>

#include "board.h"
#include "embedded_model.h"
#include "tinydigit/engine/checksum.hpp"
#include "tinydigit/engine/crc32.hpp"
#include "tinydigit/engine/engine.hpp"

namespace {

using tinydigit::engine::Engine;
using tinydigit::engine::Status;

// QEMU's exit status, so a test sees which check failed.
enum ExitStatus : int {
    kPassed = 0,
    kModelRejected = 1,     // load(): the embedded model failed verification
    kArenaRejected = 2,     // bind_arena(): the static arena does not fit the plan
    kRunFailed = 3,         // set_input_pixels() or run_operator() returned an error
    kChecksumMismatch = 4,  // some image's logits differ from the host engine's
    kStackOverflow = 5,     // the deepest stack use reached the end of the reservation
};

alignas(16) std::uint8_t arena[embedded::kArenaBytes];
Engine engine;
std::uint64_t layer_ticks[tinydigit::engine::kMaxOperators];  // summed over all images

int fail(const char* step, Status status, ExitStatus exit_status) {
    console_write(step);
    console_write(" failed: ");
    console_write(tinydigit::engine::status_name(status));
    console_write(" (");
    console_write(tinydigit::engine::status_message(status));
    console_write(")\n");
    return exit_status;
}

const embedded::GoldenLayerChecksum* golden_layer(std::size_t image, int op) {
    for (const auto& layer : embedded::kGoldenLayers)
        if (layer.image == image && layer.op == op) return &layer;
    return nullptr;
}

// Compares an operator's output with the host's while it is still in the arena (later
// operators reuse the bytes). Returns false on a difference.
bool check_layer(std::size_t image, int op) {
    const auto* expected = golden_layer(image, op);
    if (expected == nullptr) return true;
    tinydigit::engine::OperatorInfo layer{};
    engine.operator_info(op, layer);  // the engine's view of what it verified, made on request
    const std::int8_t* data = engine.tensor_data(layer.output_tensor);
    console_write("layer image ");
    console_uint(image);
    console_write(" op ");
    console_uint(static_cast<std::uint64_t>(op));
    console_write(" tensor ");
    console_write(layer.output_name);
    console_write(" bytes ");
    console_uint(layer.output_bytes);
    if (data == nullptr) {  // a banded chain's window: this output never exists whole
        console_write(" banded, never whole\n");
        return true;
    }
    const std::uint32_t checksum = tinydigit::engine::fnv1a32(data, layer.output_bytes);
    const bool equal = checksum == expected->checksum && layer.output_bytes == expected->bytes;
    console_write(" checksum ");
    console_hex32(checksum);
    console_write(equal ? " ok\n" : " DIFFERS\n");
    return equal;
}

void print_cost(std::size_t images) {
    std::uint64_t total_ticks = 0;
    std::uint64_t total_macs = 0;
    const int ops = engine.operator_count();
    console_write("cost per inference, in executed instructions (QEMU -icount: 1 ns each).\n"
                  "MACs count every kernel tap of the conv positions computed (those a fused pool reads), padding included.\n");
    std::uint64_t banded_macs = 0;  // a banded chain's first op: it runs inside the next op's bands
    for (int op = 0; op < ops; ++op) {
        tinydigit::engine::OperatorInfo layer{};
        engine.operator_info(op, layer);
        const bool image = layer.output_rank == 3;  // else a vector: 1 x 1 x count
        const bool banded = engine.tensor_data(layer.output_tensor) == nullptr;
        total_ticks += layer_ticks[op];
        total_macs += layer.macs;
        console_write("cost op ");
        console_uint(static_cast<std::uint64_t>(op));
        console_write(" ");
        console_write(layer.kind);
        console_write(" ");
        console_write(layer.output_name);
        console_write(" ");
        console_uint(static_cast<std::uint64_t>(image ? layer.output_shape[0] : 1));
        console_write("x");
        console_uint(static_cast<std::uint64_t>(image ? layer.output_shape[1] : 1));
        console_write("x");
        console_uint(static_cast<std::uint64_t>(image ? layer.output_shape[2] : layer.output_shape[0]));
        console_write(" MACs ");
        console_uint(layer.macs);
        if (banded) {
            console_write(" runs in the bands of op ");
            console_uint(static_cast<std::uint64_t>(op + 1));
            console_write("\n");
            banded_macs = layer.macs;
            continue;
        }
        console_write(" instructions ");
        console_ratio(cost_clock_instructions(layer_ticks[op]), images, 0);
        if (banded_macs != 0) console_write(" with the previous op's");
        if (layer.macs != 0) {
            console_write(" per-MAC ");
            console_ratio(cost_clock_instructions(layer_ticks[op]), (layer.macs + banded_macs) * images, 3);
        }
        banded_macs = 0;
        console_write("\n");
    }
    console_write("instructions per inference ");
    console_ratio(cost_clock_instructions(total_ticks), images, 0);
    console_write("\ninstructions per MAC ");
    console_ratio(cost_clock_instructions(total_ticks), total_macs * images, 3);
    console_write(" (");
    console_uint(total_macs);
    console_write(" MACs per inference)\n");
}

}  // namespace

int main() {
    cost_clock_start();
    console_write("tinydigit firmware demo: model ");
    console_uint(embedded::kModelBytes);
    console_write(" bytes, arena ");
    console_uint(embedded::kArenaBytes);
    console_write(" bytes, ");
    console_uint(embedded::kGoldenCount);
    console_write(" digits, kernels ");

    const std::uint64_t load_start = cost_clock_ticks();
    Status status = engine.load(embedded::kModel, embedded::kModelBytes);
    const std::uint64_t load_ticks = cost_clock_ticks() - load_start;
    console_write(engine.kernels().name);
    console_write("\n");
    if (status != Status::kOk) return fail("model verification", status, kModelRejected);
    console_write("model verified in ");
    console_uint(cost_clock_instructions(load_ticks));
    // The integrity footer's CRC-32 is part of that; timed alone here (once more) to show it.
    const std::uint64_t crc_start = cost_clock_ticks();
    const volatile std::uint32_t crc =
        tinydigit::engine::crc32(embedded::kModel, embedded::kModelBytes - tinydigit::engine::kFooterBytes);
    const std::uint64_t crc_ticks = cost_clock_ticks() - crc_start;
    static_cast<void>(crc);
    console_write(" instructions, of which the CRC-32 of the file ");
    console_uint(cost_clock_instructions(crc_ticks));
    console_write("\n");
    status = engine.bind_arena(arena, sizeof arena);
    if (status != Status::kOk) return fail("bind_arena", status, kArenaRejected);

    const int ops = engine.operator_count();

    std::size_t correct = 0;
    std::size_t matching = 0;
    std::size_t first_mismatch = embedded::kGoldenCount;
    bool layers_equal = true;
    for (std::size_t image = 0; image < embedded::kGoldenCount; ++image) {
        status = engine.set_input_pixels(embedded::kGoldenPixels[image], sizeof embedded::kGoldenPixels[image]);
        if (status != Status::kOk) return fail("set_input_pixels", status, kRunFailed);
        std::uint64_t before = cost_clock_ticks();
        for (int op = 0; op < ops; ++op) {
            status = engine.run_operator(op);
            const std::uint64_t after = cost_clock_ticks();
            if (status != Status::kOk) return fail("run_operator", status, kRunFailed);
            layer_ticks[op] += after - before;
            layers_equal = check_layer(image, op) && layers_equal;
            before = cost_clock_ticks();  // the check above is not part of the cost
        }
        const std::uint32_t checksum = tinydigit::engine::fnv1a32(engine.output(), engine.output_size());
        const int predicted = engine.argmax();
        correct += predicted == embedded::kGoldenLabels[image];
        const bool equal = checksum == embedded::kGoldenChecksums[image];
        matching += equal;
        if (!equal && first_mismatch == embedded::kGoldenCount) first_mismatch = image;
        console_write("image ");
        console_uint(image);
        console_write(" label ");
        console_uint(embedded::kGoldenLabels[image]);
        console_write(" predicted ");
        console_int(predicted);
        console_write(" checksum ");
        console_hex32(checksum);
        console_write(equal ? " ok\n" : " DIFFERS\n");
    }

    console_write("accuracy ");
    console_uint(correct);
    console_write("/");
    console_uint(embedded::kGoldenCount);
    console_write(" = ");
    console_ratio(correct * 100, embedded::kGoldenCount, 2);
    console_write(" %\n");
    console_write("checksums equal to the host engine: ");
    console_uint(matching);
    console_write("/");
    console_uint(embedded::kGoldenCount);
    console_write("\n");
    if (first_mismatch != embedded::kGoldenCount) {
        console_write("first differing image: ");
        console_uint(first_mismatch);
        console_write(layers_equal ? " (the per-layer reference images all match)\n"
                                   : " (see the first DIFFERS layer above)\n");
    }
    print_cost(embedded::kGoldenCount);
    console_write("footprint arena ");
    console_uint(embedded::kArenaBytes);
    console_write(" bytes, stack high-water ");
    console_uint(board_stack_high_water());
    console_write(" of ");
    console_uint(board_stack_reserved());
    console_write(" bytes\n");
    if (board_stack_high_water() >= board_stack_reserved()) {
        console_write("stack overflow: the whole reservation was used\n");
        return kStackOverflow;
    }
    return matching == embedded::kGoldenCount && layers_equal ? kPassed : kChecksumMismatch;
}
