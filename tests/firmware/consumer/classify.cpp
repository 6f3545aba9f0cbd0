// The README's example: load the embedded model, bind a static arena, classify one digit.
#include "board.h"                       // this board's console (firmware_demo/board)
#include "embedded_model.h"              // model_to_c: kModel, kArenaBytes, golden digits
#include "tinydigit/engine/engine.hpp"

namespace td = tinydigit::engine;

alignas(16) static std::uint8_t arena[embedded::kArenaBytes];  // sized by the model's plan
static td::Engine engine;

int main() {
    td::Status status = engine.load(embedded::kModel, sizeof embedded::kModel);  // verifies
    if (status == td::Status::kOk) status = engine.bind_arena(arena, sizeof arena);
    if (status == td::Status::kOk) status = engine.set_input_pixels(embedded::kGoldenPixels[0], 784);
    if (status == td::Status::kOk) status = engine.run();
    if (status != td::Status::kOk) {
        console_write(td::status_message(status));
        console_write("\n");
        return 10 + static_cast<int>(status);
    }
    // The host engine's logits for this digit (golden files) must be reproduced exactly.
    bool equal = true;
    for (int k = 0; k < 10; ++k) equal = equal && engine.output()[k] == embedded::kGoldenLogits[0][k];
    console_write("classify: digit ");
    console_int(engine.argmax());
    console_write(equal ? ", logits equal the host engine's\n" : ", logits DIFFER from the host engine's\n");
    return equal ? 0 : 1;
}
