// extern "C" wrapper: td_engine is caller-owned storage holding an Engine by value.
#include "tinydigit/engine/c_api.h"

#include <new>

#include "tinydigit/engine/engine.hpp"

using tinydigit::engine::Engine;
using tinydigit::engine::Status;

static_assert(sizeof(Engine) <= sizeof(td_engine), "td_engine storage too small for Engine");
static_assert(alignof(Engine) <= alignof(td_engine), "td_engine storage under-aligned for Engine");

namespace {
// A zero-filled td_engine is a valid unloaded Engine (all members zero); load() constructs
// one in place so no constructor needs to run before.
Engine* get(td_engine* e) { return std::launder(reinterpret_cast<Engine*>(e)); }
const Engine* get(const td_engine* e) { return std::launder(reinterpret_cast<const Engine*>(e)); }
td_status code(Status s) { return static_cast<td_status>(s); }
}  // namespace

extern "C" {

td_status td_load(td_engine* engine, const void* model, size_t size) {
    if (engine == nullptr) return code(Status::kNullArgument);
    Engine* e = new (engine) Engine{};  // placement new: no allocation
    return code(e->load(model, size));
}
uint32_t td_arena_bytes(const td_engine* engine) { return engine ? get(engine)->arena_bytes() : 0; }
uint32_t td_layer_view_arena_bytes(const td_engine* engine) { return engine ? get(engine)->layer_view_arena_bytes() : 0; }
td_status td_bind_arena(td_engine* engine, void* arena, size_t size) {
    return engine ? code(get(engine)->bind_arena(arena, size)) : code(Status::kNullArgument);
}
size_t td_input_size(const td_engine* engine) { return engine ? get(engine)->input_size() : 0; }
size_t td_output_size(const td_engine* engine) { return engine ? get(engine)->output_size() : 0; }
td_status td_set_input_pixels(td_engine* engine, const uint8_t* pixels, size_t count) {
    return engine ? code(get(engine)->set_input_pixels(pixels, count)) : code(Status::kNullArgument);
}
td_status td_set_input_int8(td_engine* engine, const int8_t* values, size_t count) {
    return engine ? code(get(engine)->set_input(values, count)) : code(Status::kNullArgument);
}
td_status td_run(td_engine* engine) { return engine ? code(get(engine)->run()) : code(Status::kNullArgument); }
int td_operator_count(const td_engine* engine) { return engine ? get(engine)->operator_count() : 0; }
td_status td_run_operator(td_engine* engine, int index) {
    return engine ? code(get(engine)->run_operator(index)) : code(Status::kNullArgument);
}
const int8_t* td_output(const td_engine* engine) { return engine ? get(engine)->output() : nullptr; }
int td_argmax(const td_engine* engine) { return engine ? get(engine)->argmax() : -1; }
td_status td_probabilities(const td_engine* engine, float* out, size_t count) {
    return engine ? code(get(engine)->probabilities(out, count)) : code(Status::kNullArgument);
}
const int8_t* td_tensor_data(const td_engine* engine, int tensor_index) {
    return engine ? get(engine)->tensor_data(tensor_index) : nullptr;
}
td_status td_get_operator_info(const td_engine* engine, int index, td_operator_info* out) {
    if (engine == nullptr || out == nullptr) return code(Status::kNullArgument);
    tinydigit::engine::OperatorInfo info{};
    if (Status s = get(engine)->operator_info(index, info); s != Status::kOk) return code(s);
    *out = td_operator_info{info.kind,
                            info.output_name,
                            info.input_tensor,
                            info.output_tensor,
                            info.input_rank,
                            {info.input_shape[0], info.input_shape[1], info.input_shape[2], info.input_shape[3]},
                            info.output_rank,
                            {info.output_shape[0], info.output_shape[1], info.output_shape[2], info.output_shape[3]},
                            info.macs,
                            info.output_bytes,
                            info.output_offset,
                            info.scratch_offset,
                            info.scratch_bytes};
    return TD_OK;
}
uint32_t td_scratch_peak_bytes(const td_engine* engine) { return engine ? get(engine)->scratch_peak_bytes() : 0; }
uint32_t td_plan_arena_bytes(const td_engine* engine) { return engine ? get(engine)->plan_arena_bytes() : 0; }
td_status td_verify_model(const void* model, size_t size, td_verify_failure* failure) {
    tinydigit::engine::VerifyFailure where;
    const Status s = tinydigit::engine::verify_model(model, size, &where);
    if (failure != nullptr) *failure = td_verify_failure{where.operator_index, where.operator_kind, where.tensor_index, where.tensor_name};
    return code(s);
}
const char* td_status_message(td_status status) {
    if (status < 0 || status >= tinydigit::engine::kStatusCount) return "unknown status code";
    return tinydigit::engine::status_message(static_cast<Status>(status));
}
const char* td_status_name(td_status status) {
    if (status < 0 || status >= tinydigit::engine::kStatusCount) return "kUnknown";
    return tinydigit::engine::status_name(static_cast<Status>(status));
}

}  // extern "C"
