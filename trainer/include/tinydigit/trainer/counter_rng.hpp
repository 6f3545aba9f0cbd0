// Counter-based randomness: every draw is a pure function of (seed, epoch, batch, purpose, index),
// so results never depend on thread timing and a resume needs only the epoch number.
#pragma once

#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

namespace tinydigit::trainer {

// What a random stream is used for; distinct purposes never share a stream.
enum class Purpose : std::uint64_t {
    kInit = 1,          // weight initialization (batch = layer index)
    kSplit = 2,         // train / validation split
    kShuffle = 3,       // per-epoch order
    kAugment = 4,       // per-image affine
    kDropout = 5,       // per-layer masks (index offset by layer)
    kOversample = 6,    // which images of a source with a fractional --data weight an epoch draws
};

constexpr std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// A 64-bit key naming one stream; mixing each field through splitmix64 keeps nearby
// (epoch, batch) pairs uncorrelated.
constexpr std::uint64_t stream_key(std::uint64_t seed, std::uint64_t epoch, std::uint64_t batch,
                                   Purpose purpose, std::uint64_t sub = 0) {
    std::uint64_t k = splitmix64(seed);
    k = splitmix64(k ^ epoch);
    k = splitmix64(k ^ batch);
    k = splitmix64(k ^ static_cast<std::uint64_t>(purpose));
    return splitmix64(k ^ sub);
}

// Draws from one stream: the i-th value is splitmix64(key + i), independent of call order.
class CounterRng {
public:
    explicit CounterRng(std::uint64_t key) : key_(key) {}
    // The i-th draw (i from 1) of stream `key`, for filling a stream's draws in parallel.
    static constexpr std::uint64_t draw(std::uint64_t key, std::uint64_t i) {
        return splitmix64(key + 0x632BE59BD9B4E019ull * i);
    }
    std::uint64_t next() { return draw(key_, ++counter_); }
    // Uniform in [0, 1) with 24 bits, exact in float.
    float uniform() { return static_cast<float>(next() >> 40) * 0x1.0p-24f; }
    float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
    // Uniform in [0, n) (n > 0); the modulo bias is below 2^-40 for the n used here (< 2^24).
    std::uint64_t below(std::uint64_t n) { return next() % n; }

private:
    std::uint64_t key_;
    std::uint64_t counter_ = 0;
};

// A Fisher-Yates permutation of 0 .. n-1 drawn from the stream `key`.
inline std::vector<std::size_t> permutation(std::size_t n, std::uint64_t key) {
    std::vector<std::size_t> p(n);
    std::iota(p.begin(), p.end(), std::size_t{0});
    CounterRng rng(key);
    for (std::size_t i = n; i > 1; --i) std::swap(p[i - 1], p[rng.below(i)]);
    return p;
}

}  // namespace tinydigit::trainer
