// sevenseg_digits --out DIR --count N [--seed S]: a seven-segment-display digit set for the
// fine-tuning example (README "Retrain on your own digits"): DIR/0 .. DIR/9, N PGM images each.
// Every image varies segment thickness, length, slant, the gaps between segments, the segment
// shape (pointed or rounded ends), unlit "ghost" segments, the 6/7/9 variants displays differ
// in, polarity (LCD: dark on light; LED: light on dark), contrast, size, margins, blur and
// noise. Every draw is a pure function of (seed, digit, index): the same seed gives the same
// bytes, and another seed an independent set (use one for training and one held out).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tinydigit/host/common/atomic_file.hpp"
#include "tinydigit/host/common/cli.hpp"

namespace {

constexpr const char* kUsage =
    "usage: sevenseg_digits --out DIR --count N [--seed S]\n"
    "  Draws N seven-segment digits per class into DIR/0 .. DIR/9 (PGM, any size, either\n"
    "  polarity), deterministic given --seed (default 1). DIR must not exist or be empty.\n"
    "  Train on one seed and hold out another: the sets are independent.\n";

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

class Rng {
public:
    explicit Rng(std::uint64_t key) : state_(key) {}
    double uniform() { return static_cast<double>(splitmix64(state_ += 0x632BE59BD9B4E019ull) >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    bool chance(double p) { return uniform() < p; }
    // Approximately normal (sum of four uniforms, variance scaled to 1): no libm in the noise.
    double normal() { return (uniform() + uniform() + uniform() + uniform() - 2.0) * 1.7320508075688772; }

private:
    std::uint64_t state_;
};

// Segments a (top), b (top right), c (bottom right), d (bottom), e (bottom left), f (top left),
// g (middle) as end points on a unit-width, unit-height box (y down).
struct Segment {
    double x0, y0, x1, y1;
};
constexpr std::array<Segment, 7> kSegments{{{0, 0, 1, 0},
                                            {1, 0, 1, 0.5},
                                            {1, 0.5, 1, 1},
                                            {0, 1, 1, 1},
                                            {0, 0.5, 0, 1},
                                            {0, 0, 0, 0.5},
                                            {0, 0.5, 1, 0.5}}};
// Lit segments per digit, bits a..g; 6, 7 and 9 each have a common variant.
constexpr std::array<const char*, 10> kLit{"abcdef", "bc", "abdeg", "abcdg", "bcfg", "acdfg", "acdefg", "abc", "abcdefg", "abcdfg"};
constexpr std::array<const char*, 10> kVariant{"", "", "", "", "", "", "cdefg", "abcf", "", "abcfg"};

std::array<bool, 7> lit_segments(int digit, bool variant) {
    std::array<bool, 7> lit{};
    const char* names = variant && *kVariant[static_cast<std::size_t>(digit)] ? kVariant[static_cast<std::size_t>(digit)]
                                                                              : kLit[static_cast<std::size_t>(digit)];
    for (const char* c = names; *c; ++c) lit[static_cast<std::size_t>(*c - 'a')] = true;
    return lit;
}

struct Image {
    int width, height;
    std::vector<double> ink;  // 0..1 coverage
};

Image draw(int digit, Rng& rng) {
    const double digit_h = rng.uniform(26, 72);
    const double digit_w = digit_h * rng.uniform(0.42, 0.62);
    const double thick = digit_h * rng.uniform(0.07, 0.16);
    const double gap = thick * rng.uniform(0.0, 0.6);
    const double slant = rng.uniform(0.0, 0.22);  // tan of up to ~12 degrees, leaning right as displays do
    const bool pointed = rng.chance(0.6);
    const double ghost = rng.chance(0.3) ? rng.uniform(0.03, 0.08) : 0.0;
    const auto lit = lit_segments(digit, rng.chance(0.35));
    const double margin = thick + digit_h * 0.05;
    const double left = margin + rng.uniform(0, 0.4) * digit_w, top = margin + rng.uniform(0, 0.3) * digit_h;
    Image image;
    image.width = static_cast<int>(std::ceil(left + digit_w + slant * digit_h + margin + rng.uniform(0, 0.4) * digit_w));
    image.height = static_cast<int>(std::ceil(top + digit_h + margin + rng.uniform(0, 0.3) * digit_h));
    image.ink.assign(static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height), 0.0);

    // Ink of a point in digit coordinates (x right, y down, before the slant): the strongest
    // segment covering it. A segment is a bar of `thick` with pointed or rounded ends,
    // shortened by half the gap at each end.
    auto ink_at = [&](double x, double y) {
        double best = 0.0;
        for (std::size_t s = 0; s < 7; ++s) {
            const auto& seg = kSegments[s];
            const double ax = seg.x0 * digit_w, ay = seg.y0 * digit_h, bx = seg.x1 * digit_w, by = seg.y1 * digit_h;
            const double length = std::hypot(bx - ax, by - ay);
            const double ux = (bx - ax) / length, uy = (by - ay) / length;
            const double along = (x - ax) * ux + (y - ay) * uy - length / 2, across = std::abs(-(x - ax) * uy + (y - ay) * ux);
            const double half = length / 2 - gap / 2 - thick / 2;  // the bar's core, ends excluded
            const double over = std::max(0.0, std::abs(along) - half);
            const bool inside = pointed ? across + over <= thick / 2 : std::hypot(across, over) <= thick / 2;
            if (inside) best = std::max(best, lit[s] ? 1.0 : ghost);
        }
        return best;
    };
    constexpr int kSub = 4;  // 4x4 samples per pixel: antialiased edges
    for (int py = 0; py < image.height; ++py)
        for (int px = 0; px < image.width; ++px) {
            double sum = 0.0;
            for (int sy = 0; sy < kSub; ++sy)
                for (int sx = 0; sx < kSub; ++sx) {
                    const double y = py + (sy + 0.5) / kSub - top;
                    const double x = px + (sx + 0.5) / kSub - left - slant * (digit_h - y);
                    sum += ink_at(x, y);
                }
            image.ink[static_cast<std::size_t>(py) * static_cast<std::size_t>(image.width) + static_cast<std::size_t>(px)] =
                sum / (kSub * kSub);
        }
    return image;
}

// Separable Gaussian blur (sigma in pixels; clamped borders).
void blur(Image& image, double sigma) {
    if (sigma < 0.2) return;
    const int radius = static_cast<int>(std::ceil(3 * sigma));
    std::vector<double> kernel(static_cast<std::size_t>(2 * radius + 1));
    double total = 0.0;
    for (int i = -radius; i <= radius; ++i) total += kernel[static_cast<std::size_t>(i + radius)] = std::exp(-0.5 * i * i / (sigma * sigma));
    for (auto& k : kernel) k /= total;
    const int w = image.width, h = image.height;
    std::vector<double> tmp(image.ink.size());
    auto at = [](const std::vector<double>& v, int w_, int x, int y) { return v[static_cast<std::size_t>(y) * static_cast<std::size_t>(w_) + static_cast<std::size_t>(x)]; };
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double s = 0.0;
            for (int i = -radius; i <= radius; ++i) s += kernel[static_cast<std::size_t>(i + radius)] * at(image.ink, w, std::clamp(x + i, 0, w - 1), y);
            tmp[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)] = s;
        }
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double s = 0.0;
            for (int i = -radius; i <= radius; ++i) s += kernel[static_cast<std::size_t>(i + radius)] * at(tmp, w, x, std::clamp(y + i, 0, h - 1));
            image.ink[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)] = s;
        }
}

// The pixels of a display photo: polarity, contrast and sensor noise, as a binary PGM.
std::string to_pgm(const Image& image, Rng& rng) {
    const bool lcd = rng.chance(0.5);  // dark segments on a light background
    const double background = lcd ? rng.uniform(150, 235) : rng.uniform(0, 70);
    const double ink = lcd ? rng.uniform(10, 90) : rng.uniform(160, 255);
    const double noise = rng.uniform(0, 0.03) * std::abs(ink - background);
    std::string pgm = "P5\n" + std::to_string(image.width) + " " + std::to_string(image.height) + "\n255\n";
    for (const double coverage : image.ink) {
        const double v = background + (ink - background) * coverage + noise * rng.normal();
        pgm.push_back(static_cast<char>(static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L))));
    }
    return pgm;
}

}  // namespace

int main(int argc, char** argv) {
    return tinydigit::cli::run("sevenseg_digits", kUsage, argc, argv, [](int n, char** v) {
        using tinydigit::cli::UsageError;
        const auto args = tinydigit::cli::parse_args(n, v, tinydigit::cli::Options({"--out", "--count", "--seed"}, {}));
        if (!args.positional.empty()) throw UsageError("unexpected argument '" + args.positional.front() + "' (see --help)");
        if (!args.has("--out")) throw UsageError("--out DIR is required (see --help)");
        const std::filesystem::path out = args.value("--out");
        if (!args.has("--count")) throw UsageError("--count N is required (see --help)");
        const long count = args.positive_int("--count", 0);
        if (count > 100000) throw UsageError("--count: at most 100000 images per digit");
        const std::string seed_text = args.value("--seed", "1");
        char* end = nullptr;
        const unsigned long long seed = std::strtoull(seed_text.c_str(), &end, 10);
        if (seed_text.empty() || *end != '\0' || seed_text[0] == '-') throw UsageError("--seed: expected a non-negative integer, got '" + seed_text + "'");
        std::error_code ec;
        if (std::filesystem::exists(out, ec) && !(std::filesystem::is_directory(out, ec) && std::filesystem::is_empty(out, ec)))
            throw UsageError("--out " + out.string() + ": exists and is not an empty folder (choose a new one)");
        for (int digit = 0; digit < 10; ++digit) {
            const auto folder = out / std::to_string(digit);
            std::filesystem::create_directories(folder);
            for (long i = 0; i < count; ++i) {
                Rng rng(splitmix64(splitmix64(splitmix64(seed) ^ static_cast<std::uint64_t>(digit)) ^ static_cast<std::uint64_t>(i)));
                Image image = draw(digit, rng);
                blur(image, rng.uniform(0.0, 1.3));
                char name[32];
                std::snprintf(name, sizeof name, "%05ld.pgm", i);
                tinydigit::common::write_file_atomically(folder / name, to_pgm(image, rng));
            }
        }
        std::printf("wrote %ld seven-segment digits per class (seed %llu) to %s\n", count, seed, out.string().c_str());
        return 0;
    });
}
