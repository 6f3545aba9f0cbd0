/* Compiled as C: the C header must stand on its own. Called from test_engine.cpp. */
#include "tinydigit/engine/c_api.h"

int c_api_classify(const void* model, size_t size, void* arena, size_t arena_size, const uint8_t* pixels) {
    static td_engine engine; /* zero-initialized storage, as firmware would have */
    td_status s = td_load(&engine, model, size);
    if (s != TD_OK) return -s;
    if (td_arena_bytes(&engine) > arena_size) return -1000;
    s = td_bind_arena(&engine, arena, arena_size);
    if (s != TD_OK) return -s;
    s = td_set_input_pixels(&engine, pixels, td_input_size(&engine));
    if (s != TD_OK) return -s;
    s = td_run(&engine);
    if (s != TD_OK) return -s;
    return td_argmax(&engine);
}

const char* c_api_message(int status) { return td_status_message(status); }
