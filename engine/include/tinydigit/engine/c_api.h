/* C interface to the tinydigit int8 engine, for C firmware. Same rules as the C++ API
 * (engine.hpp): no heap, the model is read in place, the caller provides every buffer.
 *
 *   static td_engine engine;                       // storage only; no constructor to run
 *   _Alignas(16) static uint8_t arena[ARENA_BYTES];
 *   if (td_load(&engine, model, model_size) != TD_OK) ...   // td_status_message() says why
 *   if (td_bind_arena(&engine, arena, sizeof arena) != TD_OK) ...
 *   td_set_input_pixels(&engine, pixels, 784);
 *   td_run(&engine);
 *   int digit = td_argmax(&engine);
 */
#ifndef TINYDIGIT_ENGINE_C_API_H
#define TINYDIGIT_ENGINE_C_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The numbers equal tinydigit::engine::Status; td_status_message() gives the reason. */
typedef int td_status;
#define TD_OK 0

/* Opaque storage for one engine; zero-initialize it (static storage does) before td_load. */
typedef struct td_engine {
    union {
        void* pointers[8];
        uint64_t align;
    } opaque;
} td_engine;

td_status td_load(td_engine* engine, const void* model, size_t size);
uint32_t td_arena_bytes(const td_engine* engine);
td_status td_bind_arena(td_engine* engine, void* arena, size_t size);
size_t td_input_size(const td_engine* engine);
size_t td_output_size(const td_engine* engine);
td_status td_set_input_pixels(td_engine* engine, const uint8_t* pixels, size_t count);
td_status td_set_input_int8(td_engine* engine, const int8_t* values, size_t count);
td_status td_run(td_engine* engine);
int td_operator_count(const td_engine* engine);
td_status td_run_operator(td_engine* engine, int index);
const int8_t* td_output(const td_engine* engine); /* int8 logits; NULL until an arena is bound */
int td_argmax(const td_engine* engine);            /* lowest index among ties; -1 until bound */
td_status td_probabilities(const td_engine* engine, float* out, size_t count);
const char* td_status_message(td_status status);
const char* td_status_name(td_status status);

/* What td_load verified, without the model's schema (operator_info.hpp has the C++ form):
 * per operator its kind, tensors, shapes, output bytes and arena offset, scratch and MACs
 * (every kernel tap of the full conv map, padding included); and the memory plan. */
typedef struct td_op_info {
    int kind;              /* tinydigit::engine::OpKind: 0 Conv2D, 1 Conv2D+MaxPool, 2 FullyConnected, 3 MaxPool2D, 4 Pad */
    const char* kind_name; /* "Conv2D", "Conv2D+MaxPool", ... */
    const char* output_name; /* the model's tensor name, "" if none */
    int32_t input_tensor, output_tensor;
    int32_t input_rank, input_dims[4]; /* rank 1 (a vector) or 3 (height, width, channels) */
    int32_t output_rank, output_dims[4];
    uint32_t output_bytes, output_offset, scratch_bytes, scratch_offset;
    uint64_t macs;
} td_op_info;
typedef struct td_plan_info {
    uint32_t arena_bytes, peak_activation_bytes, peak_scratch_bytes;
} td_plan_info;
td_status td_operator_info(const td_engine* engine, int index, td_op_info* out);
td_status td_plan(const td_engine* engine, td_plan_info* out); /* the "not loaded" status before td_load */

#ifdef __cplusplus
}
#endif

#endif
