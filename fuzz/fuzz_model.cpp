// libFuzzer target: the engine's model load (structural verifier, integrity footer, semantic
// checks; each input also once more with its footer made to match), then,
// for a model it accepts, one run into an exactly sized arena with every kernel set the CPU
// supports. Seeds are models from the engine's test builder (make_model_seeds.cpp).
//
// Beyond "no crash": every buffer whose structure the engine accepts, FlatBuffers' Verifier
// accepts too; load() returns a status with a one-line message; an accepted model binds,
// takes an input and runs without touching memory outside the model bytes and the arena
// (ASan sees both as exact-size heap blocks), argmax names an output, and every kernel set
// produces the reference kernels' output bit for bit.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "expect.hpp"
#include "tinydigit/engine/crc32.hpp"
#include "tinydigit/engine/engine.hpp"
#include "tinydigit/schema/model_generated.h"

namespace {

namespace engine = tinydigit::engine;
namespace model = tinydigit::model;
using tinydigit::fuzz::expect;

// Exact-size, 16-byte aligned heap block: a read or write one byte past it is an ASan report.
struct AlignedBlock {
    explicit AlignedBlock(std::size_t size)
        : data(static_cast<std::uint8_t*>(::operator new(size == 0 ? 1 : size, std::align_val_t{16}))) {}
    ~AlignedBlock() { ::operator delete(data, std::align_val_t{16}); }
    AlignedBlock(const AlignedBlock&) = delete;
    AlignedBlock& operator=(const AlignedBlock&) = delete;
    std::uint8_t* data;
};

// Multiply-accumulates (or window reads) of one run: only models the fuzzer can run thousands
// of times a second are run; larger ones are still loaded and verified.
constexpr std::uint64_t kMaxWork = std::uint64_t{4} << 20;
constexpr std::uint32_t kMaxArena = 16u << 20;

std::uint64_t elements(const model::Tensor* t) {
    std::uint64_t n = 1;
    for (const auto d : *t->shape()) n *= static_cast<std::uint64_t>(d);
    return n;
}

// Only called on a verified model, so every index and table is valid.
std::uint64_t work_of(const model::Model& m) {
    std::uint64_t work = 0;
    for (const auto* op : *m.operators()) {
        const auto* in = m.tensors()->Get(op->inputs()->Get(0));
        const auto* out = m.tensors()->Get(op->outputs()->Get(0));
        std::uint64_t per_output = 1;
        if (const auto* c = op->params_as_Conv2D()) {
            per_output = std::uint64_t(c->kernel_h()) * std::uint64_t(c->kernel_w()) *
                         static_cast<std::uint64_t>(in->shape()->Get(2));
            if (c->pool_h() > 0) per_output *= std::uint64_t(c->pool_h()) * std::uint64_t(c->pool_w());
        } else if (op->params_as_FullyConnected()) {
            per_output = elements(in);
        } else if (const auto* p = op->params_as_MaxPool2D()) {
            per_output = std::uint64_t(p->pool_h()) * std::uint64_t(p->pool_w());
        }
        work += elements(out) * per_output + elements(in);
    }
    return work;
}

// Runs the loaded model with `kernels` on `pixels`; returns the output bytes.
std::vector<std::int8_t> run_with(const std::uint8_t* bytes, std::size_t size, const engine::KernelSet& kernels,
                                  const std::vector<std::uint8_t>& pixels) {
    engine::Engine e;
    expect(e.load(bytes, size, kernels) == engine::Status::kOk, "a model that loads once loads with every kernel set");
    AlignedBlock arena(e.arena_bytes());
    std::memset(arena.data, 0x5A, e.arena_bytes());  // not zero: a kernel must not rely on a clean arena
    expect(e.bind_arena(arena.data, e.arena_bytes()) == engine::Status::kOk, "an arena of arena_bytes() binds");
    expect(e.set_input_pixels(pixels.data(), pixels.size()) == engine::Status::kOk, "input_size() pixels are accepted");
    expect(e.run() == engine::Status::kOk, "a bound model runs");
    const int best = e.argmax();
    expect(best >= 0 && static_cast<std::size_t>(best) < e.output_size(), "argmax names an output");
    return {e.output(), e.output() + e.output_size()};
}

// Rewrites the last 16 bytes as the integrity footer that matches the rest (docs/format.md).
void reseal(std::uint8_t* bytes, std::size_t size) {
    std::uint8_t* footer = bytes + size - engine::kFooterBytes;
    const std::uint32_t crc = engine::crc32(bytes, size - engine::kFooterBytes);
    for (std::size_t i = 0; i < 4; ++i) {
        footer[i] = static_cast<std::uint8_t>(engine::kFooterTag[i]);
        footer[4 + i] = static_cast<std::uint8_t>(static_cast<std::uint32_t>(size) >> (8 * i));
        footer[8 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
        footer[12 + i] = 0;
    }
}

void check_model(const std::uint8_t* data, std::size_t size, bool resealed) {
    // The engine reads models in place from 16-byte aligned memory (flash on the target).
    AlignedBlock bytes(size);
    if (size > 0) std::memcpy(bytes.data, data, size);
    if (resealed) reseal(bytes.data, size);

    engine::Engine e;
    const engine::Status status = e.load(bytes.data, size);
    tinydigit::fuzz::expect_one_line(engine::status_message(status));
    // load = verify_model, except that an x86 kernel set may also refuse a verified model whose
    // host scratch extension would end past 4 GiB (kTooLarge; the plan itself is valid).
    const engine::Status verified = engine::verify_model(bytes.data, size);
    expect(status == verified || (verified == engine::Status::kOk && status == engine::Status::kTooLarge &&
                                  !engine::default_kernels().fits_planned_scratch),
           "verify_model agrees with load");
    // The engine's own structural verifier (engine/src/model_layout.hpp) must be at least as
    // strict as FlatBuffers': any status past the structure means FlatBuffers accepts it too.
    if (verified != engine::Status::kNullArgument && verified != engine::Status::kMisalignedModel &&
        verified != engine::Status::kNotAModel && verified != engine::Status::kMalformedModel) {
        flatbuffers::Verifier verifier(bytes.data, size);
        expect(model::VerifyModelBuffer(verifier), "FlatBuffers' Verifier accepts every structure the engine accepts");
    }
    if (status != engine::Status::kOk) {
        expect(e.arena_bytes() == 0 && e.operator_count() == 0, "a failed load leaves the engine unloaded");
        return;
    }

    if (e.arena_bytes() > kMaxArena || work_of(*model::GetModel(bytes.data)) > kMaxWork) return;

    // A fixed, non-trivial image: a gradient with a bright square, input_size() pixels.
    std::vector<std::uint8_t> pixels(e.input_size());
    for (std::size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = static_cast<std::uint8_t>((i * 7 + (i % 28 > 8 && i % 28 < 20 ? 200 : 0)) & 0xFF);

    const engine::KernelSet* sets[8];
    const int count = engine::available_kernel_sets(sets, 8);
    expect(count >= 1 && sets[0] == &engine::reference_kernels(), "the reference set comes first");
    const auto reference = run_with(bytes.data, size, *sets[0], pixels);
    for (int i = 1; i < count; ++i)
        expect(run_with(bytes.data, size, *sets[i], pixels) == reference,
               "every kernel set gives the reference output bit for bit");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check_model(data, size, false);
    // Nearly every mutation fails the footer's CRC-32: check the same bytes once more with the
    // footer rewritten to match, so the fuzzer still reaches the checks behind it.
    if (size >= 2 * engine::kFooterBytes && size % 16 == 0) check_model(data, size, true);
    return 0;
}
