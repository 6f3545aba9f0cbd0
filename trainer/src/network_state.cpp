#include "tinydigit/trainer/network_state.hpp"

#include <algorithm>
#include <sstream>

namespace tinydigit::trainer {

namespace {

std::string shape_text(const std::vector<int>& shape) {
    std::ostringstream out;
    out << '[';
    for (std::size_t i = 0; i < shape.size(); ++i) out << (i ? "," : "") << shape[i];
    out << ']';
    return out.str();
}

const NamedTensor& checked(const std::vector<NamedTensor>& tensors, const std::string& name,
                           const std::vector<int>& shape, const Network& net) {
    const NamedTensor& t = find(tensors, name);
    if (t.shape != shape) {
        throw CheckpointError("tensor " + name + " has shape " + shape_text(t.shape) + ", the " +
                              std::string(net.architecture().name) + " network needs " + shape_text(shape));
    }
    return t;
}

std::vector<NamedTensor> export_layouted(Network& net, const std::vector<std::vector<float>*>& values) {
    std::vector<NamedTensor> out;
    const auto& params = net.parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
        const Parameter& p = *params[i];
        dnnl::memory m(p.value.get_desc(), net.engine(), values[i]->data());
        out.push_back({p.name, p.shape, net.to_user(m, p.user_desc)});
    }
    return out;
}

}  // namespace

std::vector<NamedTensor> export_parameters(Network& net) {
    std::vector<NamedTensor> out;
    for (const Parameter* p : net.parameters()) out.push_back({p->name, p->shape, net.to_user(p->value, p->user_desc)});
    return out;
}

std::vector<NamedTensor> export_buffers(Network& net) {
    std::vector<NamedTensor> out;
    for (const Buffer& b : net.buffers()) out.push_back({b.name, {static_cast<int>(b.values->size())}, *b.values});
    return out;
}

void import_parameters(const std::vector<NamedTensor>& params, const std::vector<NamedTensor>& buffers,
                       Network& net) {
    for (const Parameter* p : net.parameters()) {
        net.from_user(checked(params, p->name, p->shape, net).data, p->user_desc, p->value);
    }
    for (const Buffer& b : net.buffers()) {
        const auto& t = checked(buffers, b.name, {static_cast<int>(b.values->size())}, net);
        // Copy in place: the BN primitives hold pointers to these vectors' storage.
        std::copy(t.data.begin(), t.data.end(), b.values->begin());
    }
}

AdamState export_adam(Network& net, Adam& adam) {
    std::vector<std::vector<float>*> m, v;
    for (std::size_t i = 0; i < net.parameters().size(); ++i) {
        m.push_back(&adam.m(i));
        v.push_back(&adam.v(i));
    }
    return {adam.steps(), export_layouted(net, m), export_layouted(net, v)};
}

void import_adam(const AdamState& state, Network& net, Adam& adam) {
    const auto& params = net.parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
        const Parameter& p = *params[i];
        const dnnl::engine& engine = net.engine();
        net.from_user(checked(state.m, p.name, p.shape, net).data, p.user_desc,
                      dnnl::memory(p.value.get_desc(), engine, adam.m(i).data()));
        net.from_user(checked(state.v, p.name, p.shape, net).data, p.user_desc,
                      dnnl::memory(p.value.get_desc(), engine, adam.v(i).data()));
    }
    adam.set_steps(state.step);
}

void copy_state(Network& from, Network& to) { import_parameters(export_parameters(from), export_buffers(from), to); }

}  // namespace tinydigit::trainer
