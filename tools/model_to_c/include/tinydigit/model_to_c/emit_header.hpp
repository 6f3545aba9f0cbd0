// A model.fb as a C++ header: an alignas(16) constexpr byte array the engine reads in place,
// the arena size from the model's memory plan, and optionally the golden digits with their
// expected int8 logits and checksums.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "tinydigit/model_to_c/golden_set.hpp"

namespace tinydigit::model_to_c {

class ModelToCError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct HeaderOptions {
    std::string name_space = "tinydigit_model";  // C++ namespace of the emitted symbols
    std::string source_name = "model.fb";        // for the comment at the top
    const GoldenSet* golden = nullptr;           // embed these digits too
};

// Throws ModelToCError when the bytes are not a verifiable tinydigit model or the namespace is
// not a C++ identifier (nested with ::).
std::string model_header(std::span<const std::uint8_t> model, const HeaderOptions& options);

// The same content as a C11 header for C projects (the engine's C API): options.name_space is
// the prefix of every symbol (a C identifier), in upper case for the macros:
//   #define PREFIX_ARENA_BYTES, _Alignas(16) static const uint8_t prefix_model[PREFIX_BYTES],
//   and with golden digits prefix_golden_pixels/_labels/_checksums/_logits (no layer table).
std::string model_c_header(std::span<const std::uint8_t> model, const HeaderOptions& options);

// Whether `name` can be options.name_space: a C++ namespace name (nested with ::), or for
// the C header a C identifier. The command line checks it first (a usage error, exit 2).
bool valid_namespace(const std::string& name);
bool valid_c_identifier(const std::string& name);

// The arena size recorded in a verified model's memory plan.
std::uint32_t arena_bytes_of(std::span<const std::uint8_t> model);

}  // namespace tinydigit::model_to_c
