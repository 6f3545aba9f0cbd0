// The README's "Use the engine in your firmware" example, verbatim in classify(), plus a main
// that checks it against the host engine's logits for the first golden digit.
#include "board.h"  // this board's console (firmware_demo/board)
#include "model.h"  // model_to_c model.fb model.h --golden DIR (namespace tinydigit_model)
#include "tinydigit/engine/engine.hpp"

namespace td = tinydigit::engine;
alignas(16) static std::uint8_t arena[tinydigit_model::kArenaBytes];  // activations + scratch, planned offline
static td::Engine engine;                                              // no constructor work, no heap

int classify(const std::uint8_t pixels[784]) {  // 28x28 grey, 0 = background
    td::Status s = engine.load(tinydigit_model::kModel, sizeof tinydigit_model::kModel);  // verifies, reads in place
    if (s == td::Status::kOk) s = engine.bind_arena(arena, sizeof arena);
    if (s == td::Status::kOk) s = engine.set_input_pixels(pixels, 784);
    if (s == td::Status::kOk) s = engine.run();
    if (s != td::Status::kOk) return -1;  // td::status_name(s), td::status_message(s) say why
    return engine.argmax();               // 0..9; engine.output() holds the 10 int8 logits
}

int main() {
    const int digit = classify(tinydigit_model::kGoldenPixels[0]);
    if (digit < 0) {
        console_write("classify failed\n");
        return 2;
    }
    bool equal = true;  // the host engine's logits for this digit must be reproduced exactly
    for (int k = 0; k < 10; ++k) equal = equal && engine.output()[k] == tinydigit_model::kGoldenLogits[0][k];
    console_write("classify: digit ");
    console_int(digit);
    console_write(equal ? ", logits equal the host engine's\n" : ", logits DIFFER from the host engine's\n");
    return equal ? 0 : 1;
}
