// Float training checkpoints (best.ckpt, last.ckpt): the in-memory form of
// schema/checkpoint.fbs, saved atomically and loaded with full validation.
// Tensor names and layouts are fixed by schema/checkpoint.fbs (conv1.weight [O,I,KH,KW], ...).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tinydigit::trainer {

// Thrown by save/load/find; what() is one line, starting with the file path for file errors.
class CheckpointError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A float32 tensor, row-major in the order `shape` lists. Valid when every dimension is >= 0
// and data.size() equals the product of the dimensions (1 for an empty shape: a scalar).
struct NamedTensor {
    std::string name;
    std::vector<int> shape;
    std::vector<float> data;
};

struct CheckpointMetrics {
    float train_loss = 0.0f;
    float train_accuracy = 0.0f;  // fraction 0..1
    float val_loss = 0.0f;
    float val_accuracy = 0.0f;
    float best_val_accuracy = 0.0f;
};

// Where training data came from, so a checkpoint names the exact files it was trained on.
struct DataSource {
    std::string path;
    std::string sha256;  // 64 lowercase hex digits (common::sha256_hex_of_file)
    int count = 0;       // images used from this file
};

// Adam: step count and first/second moments with the same names and shapes as the params.
struct AdamState {
    std::int64_t step = 0;
    std::vector<NamedTensor> m;
    std::vector<NamedTensor> v;
};

// ReduceLROnPlateau bookkeeping.
struct PlateauState {
    float best = 0.0f;
    int epochs_without_improvement = 0;
};

// The flags that shape the weights besides seed, precision and data (schema: Recipe).
struct Recipe {
    int batch = 0;
    float learning_rate = 0.0f;  // the initial --lr
    bool augment = true;
    std::uint64_t precise_bn_images = 0;
    bool final_anneal = true;
    int threads = 0;  // 0: not recorded (checkpoints written before the field)
    bool operator==(const Recipe&) const = default;
};

// Present in last.ckpt only: everything a --resume needs to continue bit for bit.
struct ResumeState {
    AdamState adam;
    PlateauState plateau;
    std::vector<std::uint8_t> rng_state;  // opaque to the checkpoint, owned by the trainer
};

struct CheckpointData {
    std::string architecture;   // "seed" or "compact" (architecture.hpp); must not be empty
    int epoch = 0;              // completed epochs
    float learning_rate = 0.0f; // the rate the next epoch would use
    std::uint64_t seed = 0;
    std::string precision = "f32";     // "f32" or "bf16"; the parameters are f32 either way
    std::vector<NamedTensor> params;   // trainable parameters
    std::vector<NamedTensor> buffers;  // BN running statistics
    CheckpointMetrics metrics;
    std::vector<DataSource> data;
    std::optional<ResumeState> resume;
    std::string tool_version;
    std::optional<Recipe> recipe;  // absent in format 1 files

    // The tensor called `name` among params, then buffers. Throws CheckpointError
    // "checkpoint has no tensor <name>" when there is none.
    const NamedTensor& find(std::string_view name) const;
};

// The tensor called `name` in `tensors`. Throws CheckpointError "checkpoint has no tensor
// <name>" when there is none.
const NamedTensor& find(const std::vector<NamedTensor>& tensors, std::string_view name);
NamedTensor& find(std::vector<NamedTensor>& tensors, std::string_view name);

// 2: the recipe and the integrity footer (docs/format.md). Format 1 files (no footer, no
// recipe: the committed models/*/best.ckpt) are still read.
inline constexpr std::uint32_t kCheckpointFormatVersion = 2;
inline constexpr std::uint32_t kOldestCheckpointFormatVersion = 1;

// Writes `checkpoint` as a FlatBuffers file (identifier "TDCK", format_version 2) ending in the
// integrity footer, with
// common::write_file_atomically: a failure leaves any previous file at `path` whole.
// Throws CheckpointError "<path>: cannot save: <reason>" when the data would not load back
// (empty architecture, empty or duplicate tensor name, negative dimension, data length not
// equal to the shape's product, Adam moments not matching the params, total size over 2 GiB),
// and common::IoError when the file cannot be written.
void save_checkpoint(const std::filesystem::path& path, const CheckpointData& checkpoint);

// Reads and validates a checkpoint. Floats come back bit for bit as saved.
// Throws common::IoError when the file cannot be read, and CheckpointError with one of:
//   "<path>: not a tinydigit checkpoint"            (wrong file identifier)
//   "<path>: truncated or corrupt checkpoint..."     (footer missing, FlatBuffers verification failed)
//   "<path>: corrupt checkpoint: checksum mismatch..." (a changed byte)
//   "<path>: checkpoint format version N is not supported (this build reads 1 and 2)"
//   "<path>: tensor conv1.weight has 10 values for shape [32,1,5,5]"
//   "<path>: <other structural problem, as listed for save_checkpoint>"
CheckpointData load_checkpoint(const std::filesystem::path& path);

}  // namespace tinydigit::trainer
