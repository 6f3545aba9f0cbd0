/* The engine from plain C: classify the golden digits embedded by `model_to_c --c --golden DIR`
 * and check every digit's int8 logits against the host engine's (bit-exact on every target).
 * Builds three ways, all linking as C: the CMake package (CMakeLists.txt), pkg-config
 * (Makefile), and the source export (cmake/export/). On an MPS2 board (BOARD=1) it prints over
 * semihosting; on a host, to stdout. Exit status 0: every digit equal to the host engine's. */
#include "model.h" /* tinydigit_model_model[], TINYDIGIT_MODEL_ARENA_BYTES, golden digits */
#include "tinydigit/engine/c_api.h"

#if defined(BOARD)
#include "board.h"
static void say(const char* text) { console_write(text); }
static void say_int(long value) { console_int(value); }
#else
#include <stdio.h>
static void say(const char* text) { fputs(text, stdout); }
static void say_int(long value) { printf("%ld", value); }
#endif

/* Fewer digits on slow targets (e.g. -DGOLDEN_LIMIT=10 under QEMU); every digit by default. */
#ifndef GOLDEN_LIMIT
#define GOLDEN_LIMIT TINYDIGIT_MODEL_GOLDEN_COUNT
#endif

static td_engine engine; /* storage only; zero-initialized, no constructor */
_Alignas(16) static uint8_t arena[TINYDIGIT_MODEL_ARENA_BYTES];

static int fail(const char* what, td_status status) {
    say(what);
    say(": ");
    say(td_status_message(status));
    say("\n");
    return 2;
}

int main(void) {
    td_status s = td_load(&engine, tinydigit_model_model, sizeof tinydigit_model_model);
    if (s != TD_OK) return fail("td_load", s);
    s = td_bind_arena(&engine, arena, sizeof arena);
    if (s != TD_OK) return fail("td_bind_arena", s);

    unsigned count = GOLDEN_LIMIT, equal = 0, correct = 0;
    if (count > TINYDIGIT_MODEL_GOLDEN_COUNT) count = TINYDIGIT_MODEL_GOLDEN_COUNT;
    for (unsigned i = 0; i < count; ++i) {
        s = td_set_input_pixels(&engine, tinydigit_model_golden_pixels[i], 784);
        if (s == TD_OK) s = td_run(&engine);
        if (s != TD_OK) return fail("td_run", s);
        const int8_t* logits = td_output(&engine);
        int same = 1;
        for (int k = 0; k < 10; ++k) same = same && logits[k] == tinydigit_model_golden_logits[i][k];
        equal += same;
        /* Softmax of the logits (the call that needs libm's expf): it sums to 1 and its largest
         * entry is the argmax. */
        float p[10], sum = 0.0f;
        s = td_probabilities(&engine, p, 10);
        if (s != TD_OK) return fail("td_probabilities", s);
        const int digit = td_argmax(&engine);
        int largest = 0;
        for (int k = 0; k < 10; ++k) {
            sum += p[k];
            if (p[k] > p[largest]) largest = k;
        }
        if (sum < 0.999f || sum > 1.001f || p[largest] > p[digit]) {
            say("td_probabilities: not a softmax of the logits\n");
            return 3;
        }
        correct += digit == tinydigit_model_golden_labels[i];
    }
    say("c example: ");
    say_int((long)equal);
    say("/");
    say_int((long)count);
    say(" golden digits equal the host engine's logits, ");
    say_int((long)correct);
    say(" classified correctly\n");
    return equal == count ? 0 : 1;
}
