#include "tinydigit/model_to_c/engine_refusal.hpp"

#include "tinydigit/engine/engine.hpp"

namespace tinydigit::model_to_c {

std::string engine_refusal(const void* model, std::size_t size, engine::Status status) {
    engine::VerifyFailure where;
    // load() may refuse for a reason beyond verification (the host scratch extension): then
    // verify_model passes and there is no place to name.
    const bool located = engine::verify_model(model, size, &where) == status;
    std::string place;
    if (located && where.operator_index >= 0)
        place += "operator " + std::to_string(where.operator_index) + " " + where.operator_kind;
    if (located && where.tensor_index >= 0) {
        place += place.empty() ? "tensor " : ", tensor ";
        place += std::to_string(where.tensor_index);
        if (where.tensor_name[0] != '\0') place += " '" + std::string(where.tensor_name) + "'";
    }
    return std::string("the engine refuses the model: ") + engine::status_message(status) + " (" +
           engine::status_name(status) + (place.empty() ? "" : "; " + place) + ")";
}

}  // namespace tinydigit::model_to_c
