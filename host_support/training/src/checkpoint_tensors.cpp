#include <cstddef>
#include <set>
#include <string>

#include "checkpoint_rules.hpp"

namespace tinydigit::trainer {

namespace detail {

std::string shape_text(const std::vector<int>& shape) {
    // Real shapes have at most 4 dimensions; a corrupt file may list thousands, and the
    // message must stay one readable line.
    constexpr std::size_t kMaxShown = 6;
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size() && i < kMaxShown; ++i) {
        if (i > 0) text += ',';
        text += std::to_string(shape[i]);
    }
    if (shape.size() > kMaxShown) text += ",... " + std::to_string(shape.size()) + " dimensions";
    return text + "]";
}

std::string printable(std::string_view name) {
    constexpr std::size_t kMaxLength = 80;
    std::string text;
    for (const char c : name.substr(0, kMaxLength)) {
        const auto u = static_cast<unsigned char>(c);
        text += (u < 0x20 || u == 0x7F) ? '?' : c;
    }
    if (name.size() > kMaxLength) text += "...";
    return text;
}

namespace {

std::string tensor_problem(const NamedTensor& t) {
    if (t.name.empty()) return "a tensor has an empty name";
    std::size_t count = 1;
    bool overflow = false;
    for (const int d : t.shape) {
        if (d < 0) return "tensor " + printable(t.name) + " has a negative dimension in shape " + shape_text(t.shape);
        overflow = overflow || __builtin_mul_overflow(count, static_cast<std::size_t>(d), &count);
    }
    if (overflow || count != t.data.size())
        return "tensor " + printable(t.name) + " has " + std::to_string(t.data.size()) + " values for shape " +
               shape_text(t.shape);
    return {};
}

std::string group_problem(const std::vector<NamedTensor>& tensors, std::set<std::string_view>& seen) {
    for (const auto& t : tensors) {
        if (auto problem = tensor_problem(t); !problem.empty()) return problem;
        if (!seen.insert(t.name).second) return "tensor name " + printable(t.name) + " appears twice";
    }
    return {};
}

// Adam moments and the training weights beside a weight average mirror the parameters one
// for one: same names, same shapes. `group` names the whole ("Adam state"), `which` its
// tensors ("Adam m").
std::string mirror_problem(const std::vector<NamedTensor>& mirror, const std::string& group, const std::string& which,
                           const std::vector<NamedTensor>& params) {
    std::set<std::string_view> seen;
    if (auto problem = group_problem(mirror, seen); !problem.empty()) return problem;
    if (mirror.size() != params.size())
        return group + " has " + std::to_string(mirror.size()) + " " + which.substr(which.rfind(' ') + 1) +
               " tensors for " + std::to_string(params.size()) + " parameters";
    for (const auto& tensor : mirror) {
        const NamedTensor* param = nullptr;
        for (const auto& p : params)
            if (p.name == tensor.name) param = &p;
        if (!param) return which + " tensor " + printable(tensor.name) + " is not a parameter";
        if (param->shape != tensor.shape)
            return which + " tensor " + printable(tensor.name) + " has shape " + shape_text(tensor.shape) +
                   " but the parameter has " + shape_text(param->shape);
    }
    return {};
}

}  // namespace

std::string checkpoint_problem(const CheckpointData& checkpoint) {
    if (checkpoint.architecture.empty()) return "architecture name is empty";
    std::set<std::string_view> seen;
    if (auto problem = group_problem(checkpoint.params, seen); !problem.empty()) return problem;
    if (auto problem = group_problem(checkpoint.buffers, seen); !problem.empty()) return problem;
    if (checkpoint.resume) {
        const auto& resume = *checkpoint.resume;
        if (auto problem = mirror_problem(resume.adam.m, "Adam state", "Adam m", checkpoint.params); !problem.empty())
            return problem;
        if (auto problem = mirror_problem(resume.adam.v, "Adam state", "Adam v", checkpoint.params); !problem.empty())
            return problem;
        if (!resume.training_params.empty()) {
            if (auto problem = mirror_problem(resume.training_params, "the weight average's training state", "training weight",
                                              checkpoint.params);
                !problem.empty())
                return problem;
        }
    }
    return {};
}

}  // namespace detail

namespace {

template <typename Tensors>
auto& find_in(Tensors& tensors, std::string_view name) {
    for (auto& t : tensors)
        if (t.name == name) return t;
    throw CheckpointError("checkpoint has no tensor " + detail::printable(name));
}

}  // namespace

const NamedTensor& find(const std::vector<NamedTensor>& tensors, std::string_view name) {
    return find_in(tensors, name);
}

NamedTensor& find(std::vector<NamedTensor>& tensors, std::string_view name) { return find_in(tensors, name); }

const NamedTensor& CheckpointData::find(std::string_view name) const {
    for (const auto* group : {&params, &buffers})
        for (const auto& t : *group)
            if (t.name == name) return t;
    throw CheckpointError("checkpoint has no tensor " + detail::printable(name));
}

}  // namespace tinydigit::trainer
