// One trainable layer built from oneDNN primitives. Layers are chained by memory descriptors:
// each is constructed with its input's descriptor (whatever layout the previous primitive chose)
// and exposes its output's, so activations stay in oneDNN's preferred layouts end to end.
#pragma once

#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "tinydigit/trainer/precision.hpp"

namespace tinydigit::trainer {

// kStatistics: BN normalizes with batch statistics and accumulates them into population
// statistics (see Network::end_bn_statistics); dropout is off; nothing is learned.
enum class Mode { kTrain, kEval, kStatistics };

// The engine and stream every layer of one network executes on (CPU, in order).
struct Device {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
    dnnl::memory::data_type activations = dnnl::memory::data_type::f32;  // see precision.hpp
    // Primitives for which oneDNN chose one of its reference ("ref:") implementations, as
    // "what (implementation)": correct, but about 100x slower than its JIT kernels.
    std::vector<std::string> reference_fallbacks;
};

// A trainable tensor: its value and gradient live in the layout the primitives chose; the
// plain user layout (OIHW, OI, X) is only used at the boundary (checkpoints, initialization).
struct Parameter {
    std::string name;
    std::vector<int> shape;        // user shape, as stored in checkpoints
    dnnl::memory::desc user_desc;  // plain layout of `shape`
    dnnl::memory value;
    dnnl::memory grad;             // same descriptor as value
    int fan_in = 0, fan_out = 0;   // for Glorot initialization; 0 = constant init
    float init_constant = 0.0f;    // used when fan_in == 0
};

// Non-trainable state (BN running statistics), plain float vectors.
struct Buffer {
    std::string name;
    std::vector<float>* values;
};

class Layer {
public:
    virtual ~Layer() = default;
    virtual const dnnl::memory::desc& dst_desc() const = 0;
    // src has the descriptor the layer was constructed with. The returned memory is owned by
    // the layer and stays valid until its next forward().
    virtual const dnnl::memory& forward(const dnnl::memory& src, Mode mode) = 0;
    // Gradients of the parameters are overwritten (not accumulated). diff_dst has dst_desc();
    // returns the gradient w.r.t. src (empty memory when the layer was told it is not needed).
    virtual const dnnl::memory& backward(const dnnl::memory& diff_dst) = 0;
    virtual std::vector<Parameter*> parameters() { return {}; }
    virtual std::vector<Buffer> buffers() { return {}; }
};

// Helpers shared by the layers.
bool is_reference(const dnnl::primitive_desc_base& pd);
// Every layer passes each primitive it creates here; reference implementations are recorded
// in device.reference_fallbacks under `what` (layer and pass, e.g. "conv1 backward-weights").
void check_implementation(Device& device, const dnnl::primitive_desc_base& pd, const std::string& what);
std::string dims_text(const dnnl::memory::desc& desc);  // "32x64x17x17", to name unnamed layers
dnnl::memory::desc any_desc(const dnnl::memory::dims& dims,
                            dnnl::memory::data_type type = dnnl::memory::data_type::f32);
dnnl::memory::desc plain_desc(const dnnl::memory::dims& dims);  // row-major, f32
// The same layout with another element type (strides count elements, so they carry over).
dnnl::memory::desc with_type(const dnnl::memory::desc& desc, dnnl::memory::data_type type);
std::size_t element_count(const dnnl::memory& m);  // physical floats, padding included
float* data_of(const dnnl::memory& m);              // m must be f32
// Copies src into a memory with descriptor `desc`, or returns src when the layouts match.
void reorder_into(Device& device, const dnnl::memory& src, const dnnl::memory& dst);

}  // namespace tinydigit::trainer
