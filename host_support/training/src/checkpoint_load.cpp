#include <flatbuffers/flatbuffers.h>

#include <bit>
#include <cstring>

#include "checkpoint_rules.hpp"
#include "tinydigit/host/common/checksum_footer.hpp"
#include "tinydigit/host/common/read_file.hpp"
#include "tinydigit/schema/checkpoint_generated.h"

namespace tinydigit::trainer {

namespace {

namespace fb = tinydigit::ckpt;

// Verifies only the root table and its format_version field, so that a file from a newer
// format whose other fields no longer verify under this schema is reported as a version
// problem rather than as corruption.
struct VersionProbe : private flatbuffers::Table {
    bool Verify(flatbuffers::Verifier& verifier) const {
        return VerifyTableStart(verifier) &&
               VerifyField<std::uint32_t>(verifier, fb::Checkpoint::VT_FORMAT_VERSION, 4) && verifier.EndTable();
    }
    std::uint32_t format_version() const { return GetField<std::uint32_t>(fb::Checkpoint::VT_FORMAT_VERSION, 0); }
};

std::vector<NamedTensor> tensors(const flatbuffers::Vector<flatbuffers::Offset<fb::Tensor>>* stored) {
    std::vector<NamedTensor> out;
    if (!stored) return out;
    out.reserve(stored->size());
    for (const auto* t : *stored) {
        NamedTensor tensor;
        tensor.name = t->name()->str();
        tensor.shape.assign(t->shape()->begin(), t->shape()->end());
        // Bytes copied as stored (little-endian, like the host): NaN payloads survive too.
        tensor.data.resize(t->data()->size());
        if (!tensor.data.empty())
            std::memcpy(tensor.data.data(), t->data()->Data(), tensor.data.size() * sizeof(float));
        out.push_back(std::move(tensor));
    }
    return out;
}

std::string str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

CheckpointData convert(const fb::Checkpoint& stored) {
    CheckpointData c;
    c.architecture = stored.architecture()->str();
    c.epoch = stored.epoch();
    c.learning_rate = stored.learning_rate();
    c.seed = stored.seed();
    if (stored.precision()) c.precision = stored.precision()->str();
    c.params = tensors(stored.params());
    c.buffers = tensors(stored.buffers());
    if (const auto* m = stored.metrics())
        c.metrics = {m->train_loss(), m->train_accuracy(), m->val_loss(), m->val_accuracy(), m->best_val_accuracy()};
    if (const auto* sources = stored.data())
        for (const auto* d : *sources) c.data.push_back({str(d->path()), str(d->sha256()), d->count()});
    if (const auto* optimizer = stored.optimizer()) {
        ResumeState resume;
        resume.adam.step = optimizer->step();
        resume.adam.m = tensors(optimizer->m());
        resume.adam.v = tensors(optimizer->v());
        if (const auto* plateau = stored.plateau())
            resume.plateau = {plateau->best(), plateau->epochs_without_improvement()};
        if (const auto* rng = stored.rng_state()) resume.rng_state.assign(rng->begin(), rng->end());
        c.resume = std::move(resume);
    }
    c.tool_version = str(stored.tool_version());
    if (const auto* r = stored.recipe())
        c.recipe = Recipe{r->batch(), r->learning_rate(), r->augment(), r->precise_bn_images(), r->final_anneal(),
                          r->threads()};
    return c;
}

}  // namespace

CheckpointData load_checkpoint(const std::filesystem::path& path) {
    const std::vector<std::byte> file = common::read_file(path);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(file.data());
    const std::string where = path.string() + ": ";

    // A root offset plus the 4-byte identifier is the least any FlatBuffers file holds.
    if (file.empty()) throw CheckpointError(where + "empty file, not a tinydigit checkpoint");
    if (file.size() < 8) throw CheckpointError(where + "truncated or corrupt checkpoint");
    if (!fb::CheckpointBufferHasIdentifier(bytes)) throw CheckpointError(where + "not a tinydigit checkpoint");

    // Format 2 ends in the integrity footer; format 1 had none.
    const auto footer = common::check_checksum_footer({bytes, file.size()});
    if (footer == common::FooterCheck::kBadChecksum || footer == common::FooterCheck::kLengthDiffers)
        throw CheckpointError(where + "corrupt checkpoint: " + common::footer_problem(footer));
    const bool sealed = footer == common::FooterCheck::kOk;
    const std::size_t size = sealed ? file.size() - common::kChecksumFooterBytes : file.size();

    flatbuffers::Verifier probe(bytes, size);
    if (!probe.VerifyBuffer<VersionProbe>(fb::CheckpointIdentifier()))
        throw CheckpointError(where + "truncated or corrupt checkpoint");
    const std::uint32_t version = flatbuffers::GetRoot<VersionProbe>(bytes)->format_version();
    if (version < kOldestCheckpointFormatVersion || version > kCheckpointFormatVersion)
        throw CheckpointError(where + "checkpoint format version " + std::to_string(version) +
                              " is not supported (this build reads " + std::to_string(kOldestCheckpointFormatVersion) +
                              " to " + std::to_string(kCheckpointFormatVersion) + ")");
    if (version >= 2 && !sealed)
        throw CheckpointError(where + "truncated or corrupt checkpoint: " + common::footer_problem(footer));

    flatbuffers::Verifier verifier(bytes, size);
    if (!fb::VerifyCheckpointBuffer(verifier)) throw CheckpointError(where + "truncated or corrupt checkpoint");

    CheckpointData checkpoint = convert(*fb::GetCheckpoint(bytes));
    if (const auto problem = detail::checkpoint_problem(checkpoint); !problem.empty())
        throw CheckpointError(where + problem);
    return checkpoint;
}

}  // namespace tinydigit::trainer
