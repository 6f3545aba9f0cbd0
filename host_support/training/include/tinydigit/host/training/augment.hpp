// Training-time augmentation with the seed network's Keras ImageDataGenerator ranges
// (rotation_range=10, zoom_range=0.1, width_shift_range=0.1, height_shift_range=0.1):
// one random affine per 28x28 image, bilinear sampling, edge pixels repeated outside the
// image (fill_mode='nearest'). Every draw comes from a 64-bit seed, so a result depends
// only on the seeds and never on threads or on the order images are processed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinydigit::trainer {

inline constexpr int kAugmentSide = 28;
inline constexpr int kAugmentPixels = kAugmentSide * kAugmentSide;

inline constexpr float kMaxRotationDegrees = 10.0f;
inline constexpr float kZoomRange = 0.1f;   // zoom factors in [1 - r, 1 + r]
inline constexpr float kShiftFraction = 0.1f;  // shifts in +-10 % of 28 px = +-2.8 px

// One affine map around the image centre (13.5, 13.5); x is the column, y the row (down).
// Output pixel p samples the input at  centre + R(rotation) * Z * (p - centre - shift).
// Differences from Keras, deliberate: the centre is the true centre 13.5 (Keras uses
// size/2 + 0.5 = 14.5, half a pixel off), and the shift is in output pixels, so that a pure
// shift moves content by exactly `shift` pixels. The distributions drawn are Keras's.
struct Affine {
    float rotation_degrees = 0.0f;  // positive turns the content counter-clockwise as displayed
    float zoom_x = 1.0f;  // Keras semantics: input pixels per output pixel; > 1 shrinks the digit
    float zoom_y = 1.0f;
    float shift_x = 0.0f;  // pixels; positive moves the content right
    float shift_y = 0.0f;  // pixels; positive moves the content down
};

// Writes the warped 28x28 image `in` to `out` (row-major floats; in == out is allowed).
// Affine fields must be finite; any finite values are valid (far-off samples take the nearest
// edge pixel). The identity maps exactly, and integer shifts move pixels exactly.
void warp(const float* in, float* out, const Affine& affine);

// Draws an affine like Keras: rotation uniform in [-10, 10] degrees, zoom_x and zoom_y
// independently uniform in [0.9, 1.1], shifts uniform in [-2.8, 2.8] px. Any seed is valid.
Affine random_affine(std::uint64_t seed);

// The index-th output of a splitmix64 stream started at `parent`: independent-looking seeds
// for children (e.g. derive_seed(derive_seed(run_seed, epoch), batch_index)).
std::uint64_t derive_seed(std::uint64_t parent, std::uint64_t index);

// Warps n images: image i with random_affine(derive_seed(batch_seed, i)). `in` and `out` hold
// n * 784 floats; they may be the same buffer but must not otherwise overlap.
void augment_batch(const float* in, float* out, std::size_t n, std::uint64_t batch_seed);

}  // namespace tinydigit::trainer
