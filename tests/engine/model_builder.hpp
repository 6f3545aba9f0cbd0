// Builds int8 models in code (random weights, a valid arena plan) for engine tests and the
// latency benchmark, until the quantizer's real model.fb exists. Not part of the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "tinydigit/schema/model_generated.h"  // object API variant generated for tests

namespace tinydigit::engine::test {

struct ConvLayer {
    int out_c, kernel, pad;  // square kernel, same padding on all four sides
    bool pool;               // fused 2x2 / 2 max pool
};

struct NetSpec {
    int in_h = 28, in_w = 28, in_c = 1;
    std::vector<ConvLayer> convs;
    std::vector<int> dense;  // units of each FullyConnected after the flatten
};

NetSpec seed_spec();     // the seed network (architecture.hpp), ZeroPads folded, pools fused
NetSpec compact_spec();  // the compact network
NetSpec tiny_spec();     // small and fast, for tests that build many models

// A random model following `spec`, with a valid ping-pong arena plan (plan_arena).
std::unique_ptr<model::ModelT> make_model(const NetSpec& spec, std::uint64_t seed);
// Places activations alternately at the bottom and top of the arena, each op's scratch
// between them, and sets the plan's arena_bytes to the smallest such arena.
void plan_arena(model::ModelT& m);
// Makes op `consumer` (a Conv2D after a Conv2D without pool) the second op of a banded chain,
// `band_rows` output rows per band, with the smallest window the verifier accepts (format 3).
// The ping-pong plan no longer fits a chain's lifetimes: call plan_disjoint afterwards.
void band_chain(model::ModelT& m, int consumer, int band_rows);
// Every activation (its window when banded) and every scratch at its own offset: no two
// regions share bytes, whatever the lifetimes.
void plan_disjoint(model::ModelT& m);

// Model bytes in an exactly sized, 16-byte aligned allocation (so ASan sees any overread).
class ModelBytes {
public:
    explicit ModelBytes(std::size_t size);
    ModelBytes(const std::uint8_t* data, std::size_t size);
    ModelBytes(const ModelBytes&) = delete;
    ModelBytes& operator=(const ModelBytes&) = delete;
    ModelBytes(ModelBytes&& o) noexcept;
    ~ModelBytes();
    std::uint8_t* data() { return data_; }
    const std::uint8_t* data() const { return data_; }
    std::size_t size() const { return size_; }

private:
    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

// Serializes with every Buffer.data vector 16-byte aligned and the integrity footer, as
// tools/quantize does.
ModelBytes serialize(const model::ModelT& m);
// Rewrites the footer of bytes changed after serialize(): the engine then sees the change
// itself, not a checksum mismatch.
void reseal(ModelBytes& bytes);

// A 16-byte aligned arena of exactly `bytes`, so ASan sees a write even one byte past it.
struct Arena {
    explicit Arena(std::size_t bytes);
    ModelBytes storage;
    std::uint8_t* data;
    std::size_t size;
};

}  // namespace tinydigit::engine::test
