#include <flatbuffers/flatbuffers.h>

#include <bit>
#include <span>

#include "checkpoint_rules.hpp"
#include "tinydigit/host/common/atomic_file.hpp"
#include "tinydigit/host/common/checksum_footer.hpp"
#include "tinydigit/schema/checkpoint_generated.h"

namespace tinydigit::trainer {

static_assert(std::endian::native == std::endian::little, "checkpoint floats are stored little-endian as in memory");

namespace {

namespace fb = tinydigit::ckpt;

// FlatBuffers cannot address past 2 GiB; a margin covers tables, strings and alignment.
constexpr std::size_t kMaxPayloadBytes = (std::size_t{1} << 31) - (std::size_t{1} << 24);

std::size_t payload_bytes(const CheckpointData& c) {
    std::size_t bytes = c.architecture.size() + c.tool_version.size();
    auto add = [&](const std::vector<NamedTensor>& tensors) {
        for (const auto& t : tensors) bytes += t.name.size() + 4 * t.shape.size() + 4 * t.data.size() + 64;
    };
    add(c.params);
    add(c.buffers);
    if (c.resume) {
        add(c.resume->adam.m);
        add(c.resume->adam.v);
        add(c.resume->training_params);
        bytes += c.resume->rng_state.size();
    }
    for (const auto& d : c.data) bytes += d.path.size() + d.sha256.size() + d.name.size() + 64;
    return bytes;
}

flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::Tensor>>> tensors(
    flatbuffers::FlatBufferBuilder& b, const std::vector<NamedTensor>& tensors) {
    std::vector<flatbuffers::Offset<fb::Tensor>> offsets;
    offsets.reserve(tensors.size());
    for (const auto& t : tensors) {
        const auto data = b.CreateVector(t.data);
        const auto shape = b.CreateVector(t.shape);
        const auto name = b.CreateString(t.name);
        offsets.push_back(fb::CreateTensor(b, name, shape, data));
    }
    return b.CreateVector(offsets);
}

}  // namespace

void save_checkpoint(const std::filesystem::path& path, const CheckpointData& c) {
    if (const auto problem = detail::checkpoint_problem(c); !problem.empty())
        throw CheckpointError(path.string() + ": cannot save: " + problem);
    const std::size_t payload = payload_bytes(c);
    if (payload > kMaxPayloadBytes)
        throw CheckpointError(path.string() + ": cannot save: " + std::to_string(payload) +
                              " bytes exceed the 2 GiB FlatBuffers limit");

    flatbuffers::FlatBufferBuilder b(payload + 1024);
    // Scalars equal to their schema default are written too: otherwise -0.0 (== 0.0, the
    // default) is left out and loads back as +0.0, and a resaved checkpoint differs in bits.
    b.ForceDefaults(true);
    // FlatBuffers fills from the end: the first object built ends the file. Starting with a
    // float vector (no alignment padding after it) means that cutting even one byte off the
    // file breaks a referenced object, so the verifier reports every truncation.
    const auto params = tensors(b, c.params);
    const auto architecture = b.CreateString(c.architecture);
    const auto buffers = tensors(b, c.buffers);
    const auto metrics = fb::CreateMetrics(b, c.metrics.train_loss, c.metrics.train_accuracy, c.metrics.val_loss,
                                           c.metrics.val_accuracy, c.metrics.best_val_accuracy);
    std::vector<flatbuffers::Offset<fb::DataSource>> sources;
    for (const auto& d : c.data)
        sources.push_back(fb::CreateDataSource(b, b.CreateString(d.path), b.CreateString(d.sha256), d.count, d.weight,
                                               b.CreateString(d.name)));
    const auto data = b.CreateVector(sources);

    flatbuffers::Offset<fb::OptimizerState> optimizer;
    flatbuffers::Offset<fb::PlateauState> plateau;
    flatbuffers::Offset<flatbuffers::Vector<std::uint8_t>> rng_state;
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::Tensor>>> training_params;
    if (c.resume) {
        if (!c.resume->training_params.empty()) training_params = tensors(b, c.resume->training_params);
        const auto m = tensors(b, c.resume->adam.m);
        const auto v = tensors(b, c.resume->adam.v);
        optimizer = fb::CreateOptimizerState(b, c.resume->adam.step, m, v);
        plateau = fb::CreatePlateauState(b, c.resume->plateau.best, c.resume->plateau.epochs_without_improvement);
        rng_state = b.CreateVector(c.resume->rng_state);
    }
    const auto tool_version = b.CreateString(c.tool_version);
    const auto precision = b.CreateString(c.precision);
    flatbuffers::Offset<fb::Recipe> recipe;
    if (c.recipe) {
        // Absent unless --init was given, so a random-init recipe stays byte for byte as before.
        flatbuffers::Offset<flatbuffers::String> init_sha256, init_path;
        if (!c.recipe->init_sha256.empty()) init_sha256 = b.CreateString(c.recipe->init_sha256);
        if (!c.recipe->init_path.empty()) init_path = b.CreateString(c.recipe->init_path);
        recipe = fb::CreateRecipe(b, c.recipe->batch, c.recipe->learning_rate, c.recipe->augment,
                                  c.recipe->precise_bn_images, c.recipe->final_anneal, c.recipe->schedule,
                                  c.recipe->label_smoothing, c.recipe->ema_decay, c.recipe->threads, init_sha256,
                                  init_path);
    }

    fb::CheckpointBuilder root(b);
    root.add_format_version(kCheckpointFormatVersion);
    root.add_architecture(architecture);
    root.add_epoch(c.epoch);
    root.add_learning_rate(c.learning_rate);
    root.add_seed(c.seed);
    root.add_precision(precision);
    root.add_params(params);
    root.add_buffers(buffers);
    root.add_metrics(metrics);
    root.add_data(data);
    if (c.resume) {
        root.add_optimizer(optimizer);
        root.add_plateau(plateau);
        root.add_rng_state(rng_state);
        if (!c.resume->training_params.empty()) root.add_training_params(training_params);
    }
    root.add_tool_version(tool_version);
    if (c.recipe) root.add_recipe(recipe);
    fb::FinishCheckpointBuffer(b, root.Finish());

    std::vector<std::uint8_t> bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
    common::append_checksum_footer(bytes);
    common::write_file_atomically(path, std::as_bytes(std::span(bytes)));
}

}  // namespace tinydigit::trainer
