// Bit-exactness of a kernel set against the reference kernels over random cases.
// Freestanding on purpose: no doctest, no heap, no exceptions, no I/O, so the firmware's
// target test (Cortex-M4 under QEMU) runs exactly this code with a static work buffer:
//
//   alignas(16) static std::uint8_t work[tinydigit::engine::test::kEquivalenceWorkBytes];
//   auto r = tinydigit::engine::test::check_equivalence(seed, tinydigit::engine::default_kernels(),
//                                                       200, work, sizeof work);
//   if (!r.pass) print(r.message);
//
// Each case draws shapes, paddings, strides, pooling, zero points, multipliers, shifts,
// biases (including int32 extremes, so accumulators wrap) and activation clamps, fills the
// inputs with random or extreme values, runs both kernels and compares every output byte,
// plus guard bytes after the output (a kernel must not write past its tensor).
#pragma once

#include <cstddef>
#include <cstdint>

#include "tinydigit/engine/kernels.hpp"
#include "tinydigit/engine/scratch.hpp"

namespace tinydigit::engine::test {

inline constexpr std::size_t kEquivalenceWorkBytes = 64 * 1024;

struct EquivalenceResult {
    bool pass;
    int cases_run;
    char message[200];  // first mismatch, empty when pass
};

namespace equivalence_detail {

struct Rng {  // splitmix64: tiny, good enough, identical on every target
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    std::int32_t range(std::int32_t lo, std::int32_t hi) {  // inclusive
        return lo + static_cast<std::int32_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
    }
    bool chance(int percent) { return range(0, 99) < percent; }
};

// Bump allocator over the caller's work buffer, 16-byte aligned blocks.
struct Work {
    std::uint8_t* base;
    std::size_t size, used;
    void* take(std::size_t bytes) {
        const std::size_t start = (used + 15) / 16 * 16;
        if (start + bytes > size) return nullptr;
        used = start + bytes;
        return base + start;
    }
};

inline void fill_int8(Rng& rng, std::int8_t* p, std::int64_t n, int mode) {
    for (std::int64_t i = 0; i < n; ++i) {
        switch (mode) {
            case 0: p[i] = static_cast<std::int8_t>(rng.range(-128, 127)); break;
            case 1: p[i] = rng.chance(50) ? std::int8_t{-128} : std::int8_t{127}; break;
            default: p[i] = static_cast<std::int8_t>(rng.range(-3, 3)); break;
        }
    }
}

inline void fill_weights(Rng& rng, std::int8_t* p, std::int64_t n) {
    const int mode = rng.range(0, 2);
    for (std::int64_t i = 0; i < n; ++i)
        p[i] = static_cast<std::int8_t>(mode == 1 ? (rng.chance(50) ? -127 : 127) : rng.range(-127, 127));
}

struct Requantization {
    std::int32_t* multiplier;
    std::int8_t* shift;
    std::int32_t* bias;
};

inline bool make_requant(Rng& rng, Work& work, std::int32_t channels, std::int64_t k, Requant& rq, Requantization& rz) {
    rz.multiplier = static_cast<std::int32_t*>(work.take(4 * static_cast<std::size_t>(channels)));
    rz.shift = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(channels)));
    rz.bias = static_cast<std::int32_t*>(work.take(4 * static_cast<std::size_t>(channels)));
    if (!rz.multiplier || !rz.shift || !rz.bias) return false;
    // A shift that maps the accumulator range onto about int8: log2(k * 255 * 127) + 31 - 7.
    std::int32_t natural = 24 + 15;
    for (std::int64_t v = k; v > 1; v >>= 1) ++natural;
    for (std::int32_t o = 0; o < channels; ++o) {
        const int m = rng.range(0, 9);
        rz.multiplier[o] = m == 0 ? (std::int32_t{1} << 30) : m == 1 ? 2147483647 : rng.range(1 << 30, 2147483647);
        const int s = rng.range(0, 9);
        std::int32_t shift = s == 0 ? 1 : s == 1 ? 62 : s == 2 ? rng.range(1, 62) : natural + rng.range(-6, 3);
        if (shift < 1) shift = 1;
        if (shift > 62) shift = 62;
        rz.shift[o] = static_cast<std::int8_t>(shift);
        const int b = rng.range(0, 9);
        rz.bias[o] = b == 0 ? 2147483647 : b == 1 ? (-2147483647 - 1) : rng.range(-100000, 100000);
    }
    rq.multiplier = rz.multiplier;
    rq.shift = rz.shift;
    rq.out_zero_point = rng.range(-128, 127);
    std::int32_t lo = rng.chance(60) ? -128 : rng.range(-128, 127);
    std::int32_t hi = rng.chance(60) ? 127 : rng.range(-128, 127);
    if (lo > hi) {
        const std::int32_t t = lo;
        lo = hi;
        hi = t;
    }
    rq.act_min = static_cast<std::int8_t>(lo);
    rq.act_max = static_cast<std::int8_t>(hi);
    return true;
}

inline void put(char*& dst, const char* end, const char* s) {
    while (*s && dst + 1 < end) *dst++ = *s++;
    *dst = 0;
}
inline void put(char*& dst, const char* end, std::int64_t v) {
    char digits[24];
    int n = 0;
    const bool neg = v < 0;
    std::uint64_t u = neg ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    do {
        digits[n++] = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg && dst + 1 < end) *dst++ = '-';
    while (n && dst + 1 < end) *dst++ = digits[--n];
    *dst = 0;
}

constexpr std::int8_t kGuard = 0x5a;
constexpr std::int64_t kGuardBytes = 16;

// Compares the two outputs (and the candidate's guard bytes); describes the first mismatch.
inline bool compare(const std::int8_t* ref, const std::int8_t* got, std::int64_t n, const char* what,
                    std::int64_t case_index, EquivalenceResult& r, const char* shape) {
    for (std::int64_t i = 0; i < n + kGuardBytes; ++i) {
        const bool bad = i < n ? ref[i] != got[i] : got[i] != kGuard;
        if (!bad) continue;
        char* d = r.message;
        const char* e = r.message + sizeof r.message;
        put(d, e, what);
        put(d, e, " case ");
        put(d, e, case_index);
        put(d, e, i < n ? ": output " : ": wrote past the output at ");
        put(d, e, i);
        if (i < n) {
            put(d, e, " reference ");
            put(d, e, ref[i]);
            put(d, e, " variant ");
            put(d, e, got[i]);
        }
        put(d, e, " ");
        put(d, e, shape);
        r.pass = false;
        return false;
    }
    return true;
}

// The scratch a candidate gets: its own stated need, or the planned size if larger (what the
// engine hands it), followed by guard bytes. A microcontroller set must fit the plan.
inline std::uint8_t* take_scratch(Work& work, std::uint64_t planned, std::uint64_t need, std::uint64_t& bytes) {
    bytes = need > planned ? need : planned;
    auto* s = static_cast<std::uint8_t*>(work.take(static_cast<std::size_t>(bytes + kGuardBytes)));
    if (s != nullptr)
        for (std::int64_t i = 0; i < kGuardBytes; ++i) s[bytes + static_cast<std::uint64_t>(i)] = static_cast<std::uint8_t>(kGuard);
    return s;
}

inline bool scratch_ok(const KernelSet& cand, const std::uint8_t* scratch, std::uint64_t planned, std::uint64_t need,
                       std::uint64_t bytes, const char* what, std::int64_t case_index, EquivalenceResult& r) {
    const char* problem = nullptr;
    if (cand.fits_planned_scratch && need > planned) problem = ": needs more scratch than the plan gives, ";
    for (std::int64_t i = 0; i < kGuardBytes && problem == nullptr; ++i)
        if (scratch[bytes + static_cast<std::uint64_t>(i)] != static_cast<std::uint8_t>(kGuard))
            problem = ": wrote past its stated scratch, ";
    if (problem == nullptr) return true;
    char* d = r.message;
    const char* e = r.message + sizeof r.message;
    put(d, e, what);
    put(d, e, " case ");
    put(d, e, case_index);
    put(d, e, problem);
    put(d, e, static_cast<std::int64_t>(need));
    put(d, e, " bytes stated, planned ");
    put(d, e, static_cast<std::int64_t>(planned));
    r.pass = false;
    return false;
}

inline void describe_conv(char* buf, std::size_t size, const Conv2DParams& p) {
    char* d = buf;
    const char* e = buf + size;
    const std::int64_t v[] = {p.in_h, p.in_w, p.in_c, p.out_c, p.kernel_h, p.kernel_w, p.stride_h, p.stride_w,
                              p.pad_top, p.pad_left, p.conv_h, p.conv_w, p.pool_h, p.pool_w, p.pool_stride_h,
                              p.pool_stride_w};
    const char* names[] = {"in ", "x", "x", " out_c ", " k ", "x", " s ", "x", " pad_tl ", ",", " conv ",
                           "x", " pool ", "x", "/", ","};
    for (int i = 0; i < 16; ++i) {
        put(d, e, names[i]);
        put(d, e, v[i]);
    }
}

// Random conv shape (in <= 12x12x32, k <= 800); false when the draw is not a valid layer.
inline bool draw_conv_shape(Rng& rng, Conv2DParams& p) {
    p = Conv2DParams{};
    p.in_h = rng.range(1, 12);
    p.in_w = rng.range(1, 12);
    p.in_c = rng.chance(50) ? 4 * rng.range(1, 8) : rng.range(1, 9);
    p.out_c = rng.chance(15) ? rng.range(21, 70) : rng.range(1, 20);  // wide layers reach other code paths
    p.kernel_h = rng.range(1, 5);
    p.kernel_w = rng.range(1, 5);
    p.stride_h = rng.range(1, 3);
    p.stride_w = rng.range(1, 3);
    const std::int32_t pt = rng.range(0, 3), pb = rng.range(0, 3), pl = rng.range(0, 3), pr = rng.range(0, 3);
    if (p.kernel_h > p.in_h + pt + pb || p.kernel_w > p.in_w + pl + pr) return false;
    p.pad_top = pt;
    p.pad_left = pl;
    p.conv_h = (p.in_h + pt + pb - p.kernel_h) / p.stride_h + 1;
    p.conv_w = (p.in_w + pl + pr - p.kernel_w) / p.stride_w + 1;
    p.out_h = p.conv_h;
    p.out_w = p.conv_w;
    if (rng.chance(40)) {
        p.pool_h = rng.range(1, 3);
        p.pool_w = rng.range(1, 3);
        p.pool_stride_h = rng.range(1, 3);
        p.pool_stride_w = rng.range(1, 3);
        if (p.pool_h > p.conv_h || p.pool_w > p.conv_w) {
            p.pool_h = p.pool_w = p.pool_stride_h = p.pool_stride_w = 0;
        } else {
            p.out_h = (p.conv_h - p.pool_h) / p.pool_stride_h + 1;
            p.out_w = (p.conv_w - p.pool_w) / p.pool_stride_w + 1;
        }
    }
    return true;
}

// One conv case of the given shape (shape fields of p; zero points, requantization, data
// drawn from rng). Cases that do not fit the work buffer are skipped (not counted).
inline bool run_conv_case(Rng& rng, Work& work, const KernelSet& cand, Conv2DParams p, std::int64_t index,
                          EquivalenceResult& r) {
    p.in_zero_point = rng.chance(20) ? (rng.chance(50) ? -128 : 127) : rng.range(-128, 127);
    const std::int64_t k = std::int64_t{p.kernel_h} * p.kernel_w * p.in_c;
    const std::int64_t in_n = std::int64_t{p.in_h} * p.in_w * p.in_c, out_n = std::int64_t{p.out_h} * p.out_w * p.out_c;
    auto* in = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(in_n)));
    auto* w = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(k * p.out_c)));
    auto* ref = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(out_n + kGuardBytes)));
    auto* got = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(out_n + kGuardBytes)));
    const std::uint64_t planned = conv2d_scratch_bytes(p.kernel_h, p.kernel_w, p.in_c, p.out_c);
    const std::uint64_t need = cand.conv2d_scratch_bytes(p);
    std::uint64_t scratch_bytes = 0;
    std::uint8_t* scratch = take_scratch(work, planned, need, scratch_bytes);
    // A set that keeps packed weights gets them as the engine gives them (packed at bind).
    void* packed = cand.conv2d_pack ? work.take(static_cast<std::size_t>(cand.conv2d_packed_bytes(p))) : nullptr;
    Requantization rz{};
    if (!in || !w || !ref || !got || !scratch || (cand.conv2d_pack && !packed) ||
        !make_requant(rng, work, p.out_c, k, p.requant, rz))
        return true;
    fill_int8(rng, in, in_n, rng.range(0, 2));
    fill_weights(rng, w, k * p.out_c);
    p.weights = w;
    p.bias = rz.bias;
    if (cand.conv2d_pack) {
        cand.conv2d_pack(p, packed);
        p.packed = packed;
    }
    for (std::int64_t i = 0; i < out_n + kGuardBytes; ++i) ref[i] = got[i] = kGuard;
    conv2d_reference_s8(p, in, ref, nullptr);
    cand.conv2d(p, in, got, scratch);
    ++r.cases_run;
    char shape[160];
    describe_conv(shape, sizeof shape, p);
    return compare(ref, got, out_n, "conv2d", index, r, shape) &&
           scratch_ok(cand, scratch, planned, need, scratch_bytes, "conv2d", index, r);
}

inline bool run_fc_case(Rng& rng, Work& work, const KernelSet& cand, FullyConnectedParams p, std::int64_t index,
                        EquivalenceResult& r) {
    p.in_zero_point = rng.range(-128, 127);
    auto* in = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(p.in_count)));
    auto* w = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(p.in_count) * static_cast<std::size_t>(p.out_count)));
    auto* ref = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(p.out_count + kGuardBytes)));
    auto* got = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(p.out_count + kGuardBytes)));
    const std::uint64_t planned = fully_connected_scratch_bytes(p.in_count, p.out_count);
    const std::uint64_t need = cand.fully_connected_scratch_bytes(p);
    std::uint64_t scratch_bytes = 0;
    std::uint8_t* scratch = take_scratch(work, planned, need, scratch_bytes);
    Requantization rz{};
    if (!in || !w || !ref || !got || !scratch || !make_requant(rng, work, p.out_count, p.in_count, p.requant, rz))
        return true;
    fill_int8(rng, in, p.in_count, rng.range(0, 2));
    fill_weights(rng, w, std::int64_t{p.in_count} * p.out_count);
    p.weights = w;
    p.bias = rz.bias;
    for (std::int64_t i = 0; i < p.out_count + kGuardBytes; ++i) ref[i] = got[i] = kGuard;
    fully_connected_reference_s8(p, in, ref, nullptr);
    cand.fully_connected(p, in, got, scratch);
    ++r.cases_run;
    char shape[64];
    char* d = shape;
    put(d, shape + sizeof shape, "in ");
    put(d, shape + sizeof shape, p.in_count);
    put(d, shape + sizeof shape, " out ");
    put(d, shape + sizeof shape, p.out_count);
    return compare(ref, got, p.out_count, "fully_connected", index, r, shape) &&
           scratch_ok(cand, scratch, planned, need, scratch_bytes, "fully_connected", index, r);
}

inline bool pool_pad_case(Rng& rng, Work& work, const KernelSet& cand, std::int64_t index, EquivalenceResult& r) {
    const std::int32_t h = rng.range(1, 12), wd = rng.range(1, 12), c = rng.range(1, 40);
    auto* in = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(h * wd * c)));
    if (!in) return true;
    fill_int8(rng, in, h * wd * c, rng.range(0, 2));
    char shape[32];
    char* d = shape;
    put(d, shape + sizeof shape, "in ");
    put(d, shape + sizeof shape, h);
    put(d, shape + sizeof shape, "x");
    put(d, shape + sizeof shape, wd);
    put(d, shape + sizeof shape, "x");
    put(d, shape + sizeof shape, c);
    if (rng.chance(50)) {
        MaxPool2DParams p{h, wd, c, rng.range(1, 3), rng.range(1, 3), rng.range(1, 3), rng.range(1, 3), 0, 0};
        if (p.pool_h > h || p.pool_w > wd) return true;
        p.out_h = (h - p.pool_h) / p.stride_h + 1;
        p.out_w = (wd - p.pool_w) / p.stride_w + 1;
        const std::int64_t n = std::int64_t{p.out_h} * p.out_w * c;
        auto* ref = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(n + kGuardBytes)));
        auto* got = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(n + kGuardBytes)));
        if (!ref || !got) return true;
        for (std::int64_t i = 0; i < n + kGuardBytes; ++i) ref[i] = got[i] = kGuard;
        max_pool2d_reference_s8(p, in, ref);
        cand.max_pool2d(p, in, got);
        ++r.cases_run;
        return compare(ref, got, n, "max_pool2d", index, r, shape);
    }
    PadParams p{h, wd, c, rng.range(0, 3), rng.range(0, 3), rng.range(0, 3), rng.range(0, 3),
                static_cast<std::int8_t>(rng.range(-128, 127))};
    const std::int64_t n = std::int64_t{h + p.pad_top + p.pad_bottom} * (wd + p.pad_left + p.pad_right) * c;
    auto* ref = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(n + kGuardBytes)));
    auto* got = static_cast<std::int8_t*>(work.take(static_cast<std::size_t>(n + kGuardBytes)));
    if (!ref || !got) return true;
    for (std::int64_t i = 0; i < n + kGuardBytes; ++i) ref[i] = got[i] = kGuard;
    pad_reference_s8(p, in, ref);
    cand.pad(p, in, got);
    ++r.cases_run;
    return compare(ref, got, n, "pad", index, r, shape);
}

inline bool conv_case(Rng& rng, Work& work, const KernelSet& cand, std::int64_t index, EquivalenceResult& r) {
    Conv2DParams p{};
    if (!draw_conv_shape(rng, p)) return true;  // invalid: skip
    return run_conv_case(rng, work, cand, p, index, r);
}

inline bool fc_case(Rng& rng, Work& work, const KernelSet& cand, std::int64_t index, EquivalenceResult& r) {
    FullyConnectedParams p{};
    p.in_count = rng.chance(50) ? 4 * rng.range(1, 300) : rng.range(1, 300);
    p.out_count = rng.range(1, 24);
    return run_fc_case(rng, work, cand, p, index, r);
}

}  // namespace equivalence_detail

// Runs `cases` random cases (conv2d 60 %, fully connected 20 %, max pool / pad 20 %) drawn
// from `seed`. work must be 16-byte aligned; kEquivalenceWorkBytes is enough for every case
// (a case that would not fit is skipped).
inline EquivalenceResult check_equivalence(std::uint64_t seed, const KernelSet& candidate, int cases,
                                           std::uint8_t* work, std::size_t work_bytes) {
    using namespace equivalence_detail;
    EquivalenceResult r{true, 0, {0}};
    Rng rng{seed};
    for (int i = 0; i < cases; ++i) {
        Work w{work, work_bytes, 0};
        const int kind = rng.range(0, 9);
        const bool ok = kind < 6   ? conv_case(rng, w, candidate, i, r)
                        : kind < 8 ? fc_case(rng, w, candidate, i, r)
                                   : pool_pad_case(rng, w, candidate, i, r);
        if (!ok) return r;
    }
    return r;
}

// One case of a fixed conv or fully connected shape (shape fields set; zero points,
// requantization and data drawn from `seed`): code paths that random shapes do not reach.
inline EquivalenceResult check_conv_shape(std::uint64_t seed, const KernelSet& candidate, const Conv2DParams& shape,
                                          std::uint8_t* work, std::size_t work_bytes) {
    using namespace equivalence_detail;
    EquivalenceResult r{true, 0, {0}};
    Rng rng{seed};
    Work w{work, work_bytes, 0};
    run_conv_case(rng, w, candidate, shape, 0, r);
    return r;
}

inline EquivalenceResult check_fully_connected_shape(std::uint64_t seed, const KernelSet& candidate,
                                                     const FullyConnectedParams& shape, std::uint8_t* work,
                                                     std::size_t work_bytes) {
    using namespace equivalence_detail;
    EquivalenceResult r{true, 0, {0}};
    Rng rng{seed};
    Work w{work, work_bytes, 0};
    run_fc_case(rng, w, candidate, shape, 0, r);
    return r;
}

}  // namespace tinydigit::engine::test
