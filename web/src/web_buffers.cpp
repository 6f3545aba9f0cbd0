// What the page needs besides the engine's C API (c_api.h), which it calls directly: fixed
// buffers in linear memory (a module without a heap cannot hand out memory any other way),
// and predict's MNIST normalization, so the page's 28x28 input is computed by the same code.
//
// Two engine slots, each with its own model bytes: a new model.fb is loaded into the idle
// slot, so a file the verifier rejects leaves the current model running (issue 16).
#include <cstddef>
#include <cstdint>

#include "tinydigit/engine/c_api.h"
#include "tinydigit/host/images/mnist_normalize_core.hpp"

namespace {

constexpr std::size_t kModelBytes = 4u << 20;  // seed's model.fb is 1.3 MB
constexpr std::size_t kArenaBytes = 1u << 20;  // seed needs 39 KB
constexpr std::int32_t kMaxImageSide = 1024;

alignas(16) std::uint8_t model_bytes[2][kModelBytes];
td_engine engines[2];
alignas(16) std::uint8_t arena[kArenaBytes];
std::uint8_t image[kMaxImageSide * kMaxImageSide];
double work[tinydigit::images::normalize_work_doubles(kMaxImageSide, kMaxImageSide)];
std::uint8_t digit[28 * 28];
float probabilities[10];

// The page reads td_operator_info with these byte offsets (web/engine.js).
static_assert(offsetof(td_operator_info, output_name) == 4 && offsetof(td_operator_info, input_rank) == 16 &&
              offsetof(td_operator_info, output_rank) == 36 && offsetof(td_operator_info, macs) == 56 &&
              offsetof(td_operator_info, output_bytes) == 64 && offsetof(td_operator_info, output_offset) == 68 &&
              offsetof(td_operator_info, scratch_offset) == 72 && offsetof(td_operator_info, scratch_bytes) == 76 &&
              sizeof(td_operator_info) == 80);
td_operator_info operator_info;

}  // namespace

#define WEB_EXPORT(name) extern "C" __attribute__((export_name(#name)))

WEB_EXPORT(web_model_capacity) std::uint32_t web_model_capacity() { return kModelBytes; }
WEB_EXPORT(web_model_slot) std::uint8_t* web_model_slot(int slot) { return model_bytes[slot & 1]; }
WEB_EXPORT(web_engine_slot) td_engine* web_engine_slot(int slot) { return &engines[slot & 1]; }
WEB_EXPORT(web_arena) std::uint8_t* web_arena() { return arena; }
WEB_EXPORT(web_arena_capacity) std::uint32_t web_arena_capacity() { return kArenaBytes; }
WEB_EXPORT(web_operator_info) td_operator_info* web_operator_info() { return &operator_info; }
WEB_EXPORT(web_probabilities) float* web_probabilities() { return probabilities; }
WEB_EXPORT(web_image) std::uint8_t* web_image() { return image; }
WEB_EXPORT(web_image_max_side) std::int32_t web_image_max_side() { return kMaxImageSide; }
WEB_EXPORT(web_digit) std::uint8_t* web_digit() { return digit; }

// Normalizes the width x height gray image in web_image() into web_digit(); returns the
// NormalizeOutcome (0 used as is, 1 normalized, 2 and 3 no digit), -1 for a bad size.
WEB_EXPORT(web_normalize) std::int32_t web_normalize(std::int32_t width, std::int32_t height) {
    if (width < 1 || height < 1 || width > kMaxImageSide || height > kMaxImageSide) return -1;
    const auto r = tinydigit::images::normalize_digit(image, width, height, work, digit);
    return static_cast<std::int32_t>(r.outcome);
}
