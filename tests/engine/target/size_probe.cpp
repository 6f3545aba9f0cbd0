// What a firmware links of the engine: load, bind, input, run, argmax, status message.
// check_on_qemu.sh links this alone and sums the engine objects' sections from the map.
#include "tinydigit/engine/engine.hpp"

void target_print(const char* text);

alignas(16) static unsigned char g_arena[64];
extern const unsigned char g_model[];
alignas(16) const unsigned char g_model[16] = {};

int main() {
    tinydigit::engine::Engine engine;
    const auto s = engine.load(g_model, sizeof g_model);
    if (s != tinydigit::engine::Status::kOk) {
        target_print(tinydigit::engine::status_message(s));
        return 1;
    }
    static const unsigned char pixels[784] = {};
    engine.bind_arena(g_arena, sizeof g_arena);
    engine.set_input_pixels(pixels, 784);
    engine.run();
    return engine.argmax();
}
