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
uint32_t td_layer_view_arena_bytes(const td_engine* engine); /* room for td_run_operator to keep every layer whole */
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
const int8_t* td_tensor_data(const td_engine* engine, int tensor_index); /* NULL: not an activation */

/* What td_load verified, read-only (per operator: kind, shapes, MACs, output bytes, arena
 * offsets); the first fields of tinydigit::engine::OperatorInfo (not its parameters). */
typedef struct td_operator_info {
    const char* kind;        /* "Conv2D", "Conv2D+MaxPool", "FullyConnected", "MaxPool2D", "Pad" */
    const char* output_name; /* "" when the tensor has no name */
    int32_t input_tensor, output_tensor;
    int32_t input_rank, input_shape[4];
    int32_t output_rank, output_shape[4];
    uint64_t macs;
    uint32_t output_bytes;
    int32_t output_offset;
    int32_t scratch_offset;
    uint32_t scratch_bytes;
} td_operator_info;
td_status td_get_operator_info(const td_engine* engine, int index, td_operator_info* out);
uint32_t td_scratch_peak_bytes(const td_engine* engine);
uint32_t td_plan_arena_bytes(const td_engine* engine); /* the plan's arena; td_arena_bytes adds any host scratch extension */

/* Where a refused model's problem is (after td_load failed, to name it): the operator being
 * checked and the tensor concerned, -1 and "" when it is in none; same fields as
 * tinydigit::engine::VerifyFailure. Returns the same status td_load gave. */
typedef struct td_verify_failure {
    int32_t operator_index;
    const char* operator_kind;
    int32_t tensor_index;
    const char* tensor_name;
} td_verify_failure;
td_status td_verify_model(const void* model, size_t size, td_verify_failure* failure); /* failure may be NULL */

const char* td_status_message(td_status status);
const char* td_status_name(td_status status);

#ifdef __cplusplus
}
#endif

#endif
