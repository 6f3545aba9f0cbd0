/* Compiled as C: the C header must stand on its own. Calls every td_* function of c_api.h,
 * with a NULL engine, before td_load, before td_bind_arena and on a loaded model, and compares
 * the statuses with the numbers documented in engine/README.md (C firmware compares with those
 * numbers, so they are written out here rather than taken from the C++ enum). Called from
 * test_engine.cpp, which reports the line of the first failed expectation. */
#include <math.h>
#include <string.h>

#include "tinydigit/engine/c_api.h"

enum {
    kNullArgument = 1,
    kMisalignedModel = 2,
    kNotAModel = 3,
    kBadParameter = 24,
    kNotLoaded = 33,
    kArenaNotBound = 34,
    kArenaTooSmall = 35,
    kMisalignedArena = 36,
    kSizeMismatch = 37
};

static int first_failure; /* line of the first failed EXPECT, 0 while all hold */
#define EXPECT(condition)                                      \
    do {                                                       \
        if (!(condition) && first_failure == 0) first_failure = __LINE__; \
    } while (0)

static void with_null_engine(void) {
    float p[10];
    uint8_t byte = 0;
    int8_t value = 0;
    EXPECT(td_load(NULL, &byte, 1) == kNullArgument);
    EXPECT(td_arena_bytes(NULL) == 0);
    EXPECT(td_bind_arena(NULL, &byte, 1) == kNullArgument);
    EXPECT(td_input_size(NULL) == 0);
    EXPECT(td_output_size(NULL) == 0);
    EXPECT(td_set_input_pixels(NULL, &byte, 1) == kNullArgument);
    EXPECT(td_set_input_int8(NULL, &value, 1) == kNullArgument);
    EXPECT(td_run(NULL) == kNullArgument);
    EXPECT(td_operator_count(NULL) == 0);
    EXPECT(td_run_operator(NULL, 0) == kNullArgument);
    EXPECT(td_output(NULL) == NULL);
    EXPECT(td_argmax(NULL) == -1);
    EXPECT(td_probabilities(NULL, p, 10) == kNullArgument);
}

static void before_load(td_engine* e, void* arena, size_t arena_size) {
    float p[10];
    uint8_t pixel = 0;
    int8_t value = 0;
    EXPECT(td_arena_bytes(e) == 0);
    EXPECT(td_input_size(e) == 0);
    EXPECT(td_output_size(e) == 0);
    EXPECT(td_operator_count(e) == 0);
    EXPECT(td_bind_arena(e, arena, arena_size) == kNotLoaded);
    EXPECT(td_set_input_pixels(e, &pixel, 1) == kNotLoaded);
    EXPECT(td_set_input_int8(e, &value, 1) == kNotLoaded);
    EXPECT(td_run(e) == kNotLoaded);
    EXPECT(td_run_operator(e, 0) == kNotLoaded);
    EXPECT(td_output(e) == NULL);
    EXPECT(td_argmax(e) == -1);
    EXPECT(td_probabilities(e, p, 10) == kNotLoaded);
}

static void loaded_not_bound(td_engine* e, const uint8_t* pixels) {
    float p[10];
    EXPECT(td_input_size(e) == 784);
    EXPECT(td_output_size(e) == 10);
    EXPECT(td_operator_count(e) > 0);
    EXPECT(td_set_input_pixels(e, pixels, 784) == kArenaNotBound);
    EXPECT(td_run(e) == kArenaNotBound);
    EXPECT(td_run_operator(e, 0) == kArenaNotBound);
    EXPECT(td_output(e) == NULL);
    EXPECT(td_argmax(e) == -1);
    EXPECT(td_probabilities(e, p, 10) == kArenaNotBound);
}

/* logits = the engine's int8 output for `pixels`: run() on pixels equals run_operator() on int8. */
static void run_two_ways(td_engine* e, void* arena, size_t arena_size, const uint8_t* pixels, int8_t* logits) {
    int8_t values[784];
    int i;
    EXPECT(td_set_input_pixels(e, pixels, 783) == kSizeMismatch);
    EXPECT(td_set_input_pixels(e, NULL, 784) == kNullArgument);
    EXPECT(td_set_input_pixels(e, pixels, 784) == TD_OK);
    EXPECT(td_run(e) == TD_OK);
    memcpy(logits, td_output(e), 10);
    for (i = 0; i < 784; ++i) values[i] = (int8_t)(pixels[i] - 128); /* the documented pixel mapping */
    memset(arena, 0x5A, arena_size); /* the second run must compute everything again */
    EXPECT(td_set_input_int8(e, values, 784) == TD_OK);
    for (i = 0; i < td_operator_count(e); ++i) EXPECT(td_run_operator(e, i) == TD_OK);
    EXPECT(td_run_operator(e, td_operator_count(e)) == kBadParameter);
    EXPECT(td_run_operator(e, -1) == kBadParameter);
    EXPECT(memcmp(logits, td_output(e), 10) == 0);
}

static void probabilities(const td_engine* e, const int8_t* logits, float scale, int zero_point) {
    float p[10], expected[10], top = -INFINITY, sum = 0.0f;
    int i, best = 0;
    EXPECT(td_probabilities(e, p, 9) == kSizeMismatch);
    EXPECT(td_probabilities(e, NULL, 10) == kNullArgument);
    EXPECT(td_probabilities(e, p, 10) == TD_OK);
    /* the softmax of s * (q - z), written out independently of the engine */
    for (i = 0; i < 10; ++i) top = fmaxf(top, scale * (float)(logits[i] - zero_point));
    for (i = 0; i < 10; ++i) sum += expected[i] = (float)exp((double)(scale * (float)(logits[i] - zero_point) - top));
    for (i = 0; i < 10; ++i) EXPECT(fabsf(p[i] - expected[i] / sum) <= 1e-6f + 1e-5f * expected[i] / sum);
    for (i = 1; i < 10; ++i)
        if (logits[i] > logits[best]) best = i;
    EXPECT(td_argmax(e) == best);
}

/* arena_size = td_arena_bytes() for this model; plan_bytes = its MemoryPlan.arena_bytes (the
 * least any arena may have). */
int c_api_check_everything(const void* model, size_t size, void* arena, size_t arena_size, size_t plan_bytes,
                           const uint8_t* pixels, float output_scale, int output_zero_point) {
    static td_engine engine; /* zero-initialized storage, as firmware would have */
    int8_t logits[10];
    td_verify_failure where;
    first_failure = 0;
    memset(&engine, 0, sizeof engine);
    EXPECT(TD_OK == 0);

    with_null_engine();
    before_load(&engine, arena, arena_size);
    EXPECT(td_load(&engine, model, 3) == kNotAModel);
    EXPECT(td_load(&engine, (const uint8_t*)model + 1, size - 1) == kMisalignedModel);
    EXPECT(td_arena_bytes(&engine) == 0); /* a failed load leaves the engine unloaded */
    EXPECT(td_verify_model(model, 3, &where) == kNotAModel); /* no operator or tensor to name */
    EXPECT(where.operator_index == -1 && where.tensor_index == -1 && strcmp(where.operator_kind, "") == 0);
    EXPECT(td_verify_model(model, size, NULL) == TD_OK);
    EXPECT(td_load(&engine, model, size) == TD_OK);
    EXPECT(td_arena_bytes(&engine) == arena_size);
    loaded_not_bound(&engine, pixels);
    EXPECT(td_bind_arena(&engine, NULL, arena_size) == kNullArgument);
    EXPECT(td_bind_arena(&engine, (uint8_t*)arena + 8, arena_size) == kMisalignedArena);
    EXPECT(td_bind_arena(&engine, arena, plan_bytes - 1) == kArenaTooSmall);
    EXPECT(td_bind_arena(&engine, arena, arena_size) == TD_OK);
    run_two_ways(&engine, arena, arena_size, pixels, logits);
    probabilities(&engine, logits, output_scale, output_zero_point);
    return first_failure;
}

/* The C view of the status strings: numbers the enum does not have get a fixed answer. */
const char* c_api_message(int status) { return td_status_message(status); }
const char* c_api_name(int status) { return td_status_name(status); }
