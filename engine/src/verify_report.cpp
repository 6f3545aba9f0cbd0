// verify_model(model, size, failure): the rules of verify_rules.hpp, recording the operator and
// tensor being checked, and where they stopped in words. In its own file: firmware that never
// asks links none of it.
#include "verify_rules.hpp"

namespace tinydigit::engine {

Status verify_model(const void* bytes, std::size_t size, VerifyFailure* failure) noexcept {
    if (failure != nullptr) *failure = VerifyFailure{};
    Site site;
    const Status status = check_model(bytes, size, site);
    // A site is only ever set after the structure was verified, to an index in range.
    if (status != Status::kOk && failure != nullptr) {
        const model::Model& m = *model::GetModel(bytes);
        if (site.op >= 0) {
            failure->operator_index = site.op;
            failure->operator_kind = detail::operator_kind(*m.operators()->Get(static_cast<flatbuffers::uoffset_t>(site.op)));
        }
        if (site.tensor >= 0) {
            failure->tensor_index = site.tensor;
            const auto* name = tensor(m, site.tensor)->name();
            failure->tensor_name = name != nullptr ? name->c_str() : "";
        }
    }
    return status;
}

}  // namespace tinydigit::engine
