// The int8 engine: verify a model in place, bind the caller's arena, run.
//
//   alignas(16) static std::uint8_t arena[kModelArenaBytes];
//   tinydigit::engine::Engine engine;
//   if (engine.load(model_bytes, model_size) != Status::kOk) ...   // every check happens here
//   if (engine.bind_arena(arena, sizeof arena) != Status::kOk) ...
//   engine.set_input_pixels(pixels, 784);                          // uint8 0..255
//   engine.run();
//   int digit = engine.argmax();
//
// No heap, no exceptions, no static constructors. The model bytes must stay alive and
// unchanged while the engine uses them (they are read in place, e.g. from flash).
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/status.hpp"

namespace tinydigit::model {
struct Model;
struct Operator;
}

namespace tinydigit::engine {

// Limits that keep verification bounded in time and stack whatever the bytes say.
inline constexpr int kMaxTensors = 128;
inline constexpr int kMaxOperators = 64;

// One operator as load() verified it (read-only, for viewers: inspect, the web page).
struct OperatorInfo {
    const char* kind;  // "Conv2D", "Conv2D+MaxPool", "FullyConnected", "MaxPool2D" or "Pad"
    const char* output_name;  // the output tensor's name in the model ("" when it has none)
    std::int32_t input_tensor, output_tensor;  // tensor indices (tensor_data() reads them)
    std::int32_t input_rank, input_shape[4];   // unused dimensions are 1
    std::int32_t output_rank, output_shape[4];
    std::uint64_t macs;  // per image, kernel taps on padding included (as inspect counts them)
    std::uint32_t output_bytes;
    std::int32_t output_offset;  // in the arena (the model's memory plan)
    std::int32_t scratch_offset;
    std::uint32_t scratch_bytes;  // 0: no scratch
    // Parameters, 0 where the kind has none (in the order of the schema's parameter tables).
    std::int32_t weights_tensor, bias_tensor;  // -1: none (MaxPool2D, Pad)
    std::int32_t kernel_h, kernel_w, stride_h, stride_w;              // Conv2D
    std::int32_t pad_top, pad_bottom, pad_left, pad_right;            // Conv2D, Pad
    std::int32_t act_min, act_max;                                    // Conv2D, FullyConnected clamp
    std::int32_t pool_h, pool_w, pool_stride_h, pool_stride_w;        // MaxPool2D, a Conv2D's fused pool
    std::int32_t pad_value;                                           // Pad
    std::int32_t requant_channels, shift_min, shift_max;              // per-channel (M, n) pairs, n's range
};

// One tensor as load() verified it (read-only, for viewers).
struct TensorInfo {
    const char* name;  // "" when it has none
    bool is_int32;     // a bias; otherwise int8
    std::int32_t rank, shape[4];  // unused dimensions are 1
    std::uint32_t bytes;          // elements x element size
    bool is_constant;             // its bytes are stored in the model (weights, biases)
    std::int32_t arena_offset;    // activations: where in the arena; -1 otherwise
    // A banded chain's window (line buffering): > 0 only rows of it live at arena_offset
    // (window_rows x shape[1] x shape[2] bytes), and the op reading it computes band_rows
    // output rows per band. 0: the tensor is whole.
    std::int32_t window_rows, band_rows;
    std::uint32_t scale_count;    // 0: no scale recorded (the engine needs none)
    float scale_min, scale_max;   // over the per-channel scales (equal for one)
    std::int32_t zero_point;      // the first entry; 0 when none
};

// What the model records beside its graph (the engine runs without it): "" / -1 when absent.
struct ModelInfo {
    const char* architecture;
    std::uint32_t format_version;
    std::int32_t input_tensor, output_tensor;
    std::uint32_t peak_activation_bytes, peak_scratch_bytes;  // as the plan records them
    const char* plan_description;
    bool has_provenance;
    const char* source_checkpoint;
    const char* source_checkpoint_sha256;
    std::int32_t calibration_images;
    const char* calibration_source;
    float float_test_accuracy, int8_test_accuracy;  // -1: not measured
    const char* tool_version;
};

class Engine {
public:
    // Verifies `size` bytes at `model` (16-byte aligned) and keeps a pointer to them.
    // On failure the engine is left unloaded.
    Status load(const void* model, std::size_t size) noexcept;
    // Same, running with an explicit kernel set (tests and benchmarks compare variants).
    Status load(const void* model, std::size_t size, const KernelSet& kernels) noexcept;

    // Bytes of arena the loaded model needs with the chosen kernel set: its
    // MemoryPlan.arena_bytes, plus on the host the scratch extension of an x86 set whose
    // kernels need more than the planned scratch (scratch.hpp); 0 when unloaded.
    std::uint32_t arena_bytes() const noexcept;
    // `arena` must be 16-byte aligned and at least arena_bytes() long; it is used for
    // activations and scratch until the next load/bind. On x86 hosts an arena of at least
    // the model's plan (MemoryPlan.arena_bytes, what model_to_c headers give) but shorter
    // than arena_bytes() also binds: the engine then runs the portable kernels (kernels()
    // says so; results are bit-identical, only slower). A set that keeps packed conv weights
    // (KernelSet::conv2d_pack) writes them into the arena's end here, once: bind again after
    // writing into the arena yourself.
    Status bind_arena(void* arena, std::size_t size) noexcept;

    std::size_t input_size() const noexcept;   // elements of the input tensor (784 for MNIST)
    std::size_t output_size() const noexcept;  // number of logits
    // Pixels 0..255 become q = pixel - 128 (the model's input has scale 1/255, zero point -128).
    Status set_input_pixels(const std::uint8_t* pixels, std::size_t count) noexcept;
    Status set_input(const std::int8_t* values, std::size_t count) noexcept;

    // Runs every operator. No checks beyond "loaded and bound": load() verified everything.
    // A banded chain (schema/model.fbs) runs interleaved in row bands, as the plan says,
    // unless the arena has room for the layer view (below): then every operator runs whole.
    Status run() noexcept;
    // The same, one operator at a time (per-layer timing in firmware, layer-by-layer tests).
    // With an arena of layer_view_arena_bytes() every operator runs whole and each windowed
    // tensor is kept whole after the plan (tensor_data() shows it); with a smaller arena a
    // banded chain runs whole at its second operator, its first one does nothing, and
    // tensor_data() of the windowed tensor is null. The logits are the same either way.
    int operator_count() const noexcept;
    Status run_operator(int index) noexcept;
    // arena_bytes() plus room for the largest windowed tensor whole (= arena_bytes() when the
    // plan has no banded chain): what a layer-by-layer viewer binds, and what a host with
    // memory to spare binds for speed (the x86 kernels prepare weights per call, per band).
    std::uint32_t layer_view_arena_bytes() const noexcept;

    const std::int8_t* output() const noexcept;  // int8 logits, null until bound
    int argmax() const noexcept;                 // lowest index among ties; -1 until bound
    // Dequantized logits s * (q - z) and their softmax (float helpers, not the int8 path).
    Status dequantized_logits(float* out, std::size_t count) const noexcept;
    Status probabilities(float* out, std::size_t count) const noexcept;

    // The verified model, read-only: one operator (kBadParameter for an index out of range,
    // kNotLoaded before load), and the plan's largest scratch block (the arena is arena_bytes()).
    Status operator_info(int index, OperatorInfo& out) const noexcept;
    std::uint32_t scratch_peak_bytes() const noexcept;
    // The plan's arena (MemoryPlan.arena_bytes, what model_to_c headers give; arena_bytes()
    // adds any x86 scratch extension); 0 when unloaded.
    std::uint32_t plan_arena_bytes() const noexcept;
    // Every tensor (activations and constants) and the model's own description.
    int tensor_count() const noexcept;
    Status tensor_info(int index, TensorInfo& out) const noexcept;
    Status model_info(ModelInfo& out) const noexcept;

    // Any activation tensor's bytes (layer-by-layer comparisons); null if not an activation.
    const std::int8_t* tensor_data(int tensor_index) const noexcept;
    const KernelSet& kernels() const noexcept;  // the set run() uses

private:
    const model::Model* model_ = nullptr;
    const KernelSet* kernels_ = nullptr;
    std::uint8_t* arena_ = nullptr;
    std::uint32_t arena_bytes_ = 0;
#if defined(TINYDIGIT_ENGINE_X86_KERNELS)  // host builds only: td_engine holds 8 pointers
    std::uint32_t extension_offset_ = 0;    // host scratch beyond the plan (see load)
    std::uint64_t extended_ops_ = 0;        // bit i: op i's scratch is the extension
    bool plan_only_ = false;                // bound arena lacks the extension: portable set
    std::uint32_t packed_offset_ = 0;       // packed conv weights of a set that keeps them (see load)
    std::uint64_t packed_offset(int index) const noexcept;
#endif
    std::uint32_t view_offset_ = 0;  // 0, or where windowed tensors live whole (layer view)
    std::int32_t output_offset_ = 0;
    std::uint32_t input_count_ = 0;
    std::uint32_t output_count_ = 0;

    const model::Operator& operator_at(int index) const noexcept;  // of a loaded model, index in range
    std::int8_t* activation(std::int32_t tensor_index) const noexcept;
    void* scratch(int index, const model::Operator& op) const noexcept;  // op: operator `index`
    // packed_at: where the next conv's packed weights start (x86 sets that pack; unused
    // elsewhere), advanced past those each op uses.
    Conv2DParams conv_params(const model::Operator& op, std::uint64_t& packed_at) const noexcept;
    void step(int index, std::uint64_t& packed_at) noexcept;
};

// The semantic checks alone (load() calls this): the structure (as FlatBuffers' Verifier checks
// it), then everything a structural check cannot see. Exposed for tools that only validate.
Status verify_model(const void* model, std::size_t size) noexcept;

// Where verify_model found the problem, so a tool can name it: the operator being checked
// (index and kind, as OperatorInfo::kind) and the tensor concerned. -1 and "" when the problem
// is not in one (a bad checksum is in no operator; a bad parameter concerns no single tensor).
// The strings point into the model bytes or are static.
struct VerifyFailure {
    std::int32_t operator_index = -1;
    const char* operator_kind = "";
    std::int32_t tensor_index = -1;
    const char* tensor_name = "";
};
// The same checks, filling `failure` (when not null) if the model is refused.
Status verify_model(const void* model, std::size_t size, VerifyFailure* failure) noexcept;

}  // namespace tinydigit::engine
