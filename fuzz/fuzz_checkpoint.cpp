// libFuzzer target: trainer::load_checkpoint (best.ckpt / last.ckpt).
// Seeds are small checkpoints written by save_checkpoint (see fuzz/README.md).
//
// Beyond "no crash": whatever loads must save again and load back identical, bit for bit,
// because a resumed run saves what it loaded.
#include <unistd.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

#include "expect.hpp"
#include "memory_file.hpp"
#include "tinydigit/host/training/checkpoint.hpp"

namespace {

namespace trainer = tinydigit::trainer;
using tinydigit::fuzz::expect;

bool same_bits(float a, float b) { return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b); }

bool same(const std::vector<trainer::NamedTensor>& a, const std::vector<trainer::NamedTensor>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].shape != b[i].shape || a[i].data.size() != b[i].data.size()) return false;
        if (!a[i].data.empty() &&
            std::memcmp(a[i].data.data(), b[i].data.data(), a[i].data.size() * sizeof(float)) != 0)
            return false;
    }
    return true;
}

bool same(const trainer::CheckpointData& a, const trainer::CheckpointData& b) {
    const auto& ma = a.metrics;
    const auto& mb = b.metrics;
    bool equal = a.architecture == b.architecture && a.epoch == b.epoch && same_bits(a.learning_rate, b.learning_rate) &&
                 a.seed == b.seed && same(a.params, b.params) && same(a.buffers, b.buffers) &&
                 same_bits(ma.train_loss, mb.train_loss) && same_bits(ma.train_accuracy, mb.train_accuracy) &&
                 same_bits(ma.val_loss, mb.val_loss) && same_bits(ma.val_accuracy, mb.val_accuracy) &&
                 same_bits(ma.best_val_accuracy, mb.best_val_accuracy) && a.data.size() == b.data.size() &&
                 a.tool_version == b.tool_version && a.resume.has_value() == b.resume.has_value();
    for (std::size_t i = 0; equal && i < a.data.size(); ++i)
        equal = a.data[i].path == b.data[i].path && a.data[i].sha256 == b.data[i].sha256 &&
                a.data[i].count == b.data[i].count;
    if (equal && a.resume) {
        const auto& ra = *a.resume;
        const auto& rb = *b.resume;
        equal = ra.adam.step == rb.adam.step && same(ra.adam.m, rb.adam.m) && same(ra.adam.v, rb.adam.v) &&
                same_bits(ra.plateau.best, rb.plateau.best) &&
                ra.plateau.epochs_without_improvement == rb.plateau.epochs_without_improvement &&
                ra.rng_state == rb.rng_state;
    }
    return equal;
}

// save_checkpoint writes atomically (fsync, rename) into a real folder: use tmpfs when there
// is one so that the round trip costs no disk flushes.
class ScratchFolder {
public:
    ScratchFolder() {
        const std::filesystem::path shm = "/dev/shm";
        const auto base = std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path();
        path_ = base / ("tinydigit-fuzz-checkpoint-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path_);
    }
    ~ScratchFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static tinydigit::fuzz::MemoryFile file("last.ckpt");
    static const ScratchFolder scratch;
    file.assign(data, size);

    trainer::CheckpointData loaded;
    try {
        loaded = trainer::load_checkpoint(file.path());
    } catch (const trainer::CheckpointError& e) {
        tinydigit::fuzz::expect_one_line(e.what());
        return 0;
    }

    const auto resaved = scratch.path() / "resaved.ckpt";
    try {
        trainer::save_checkpoint(resaved, loaded);
    } catch (const trainer::CheckpointError&) {
        expect(false, "a checkpoint that loads can be saved again");
    }
    expect(same(trainer::load_checkpoint(resaved), loaded), "a resaved checkpoint loads back identical");
    return 0;
}
