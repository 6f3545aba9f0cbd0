// schema/model.fbs as data: one entry per field, in field id order, per table. The structural
// verifier (verify_structure.cpp) walks a model with it instead of the code flatc generates
// (on Cortex-M4 2,012 bytes less .text; these tables took 237 back as .rodata, 304 since each
// field also carries its default for read_fields in decode.cpp, which reads the parameter tables).
// schema/model.fbs stays the source of truth: tests/engine/test_model_layout.cpp checks every
// entry against flatc's reflection data of it.
#pragma once

#include <cstdint>

namespace tinydigit::engine::detail {

enum class FieldKind : std::uint8_t {
    kScalar,        // arg: size in bytes (also its alignment); a union's type field too
    kString,        //
    kVector,        // of scalars; arg: the element's size in bytes
    kStringVector,  //
    kTable,         // arg: the table's layout index
    kTableVector,   // arg: the tables' layout index
    kUnion,         // arg: layout index of member 1, the others follow in order; type field: id - 1
};

struct FieldLayout {
    FieldKind kind;
    std::uint8_t arg;
    bool required;
    // An integer scalar's schema default (read_fields returns it for an absent field). The
    // float scalars (Provenance's accuracies, default -1.0) carry it only for the test that
    // compares the layout with the schema: read_fields never reads a float.
    std::int8_t absent = 0;
};

// The schema's file_identifier, bytes 4 to 7 of every model.
inline constexpr char kFileIdentifier[4] = {'T', 'D', 'M', '8'};

// Layout indices; a union's members are consecutive, in the union's order.
enum LayoutIndex : std::uint8_t {
    kModel, kTensor, kQuantization, kBuffer, kOperator, kConv2D, kMaxPool2D, kFullyConnected, kPad,
    kRequantization, kMemoryPlan, kProvenance, kLayoutCount
};

struct TableLayout {
    std::uint8_t first;  // index of its id-0 field in kFieldLayouts
    std::uint8_t count;
    std::uint8_t union_members;  // of its kUnion field, if any
};

namespace layout {
constexpr FieldLayout scalar(std::uint8_t bytes, std::int8_t absent = 0) {
    return {FieldKind::kScalar, bytes, false, absent};
}
constexpr FieldLayout vector(std::uint8_t bytes, bool required = false) { return {FieldKind::kVector, bytes, required}; }
constexpr FieldLayout table(std::uint8_t index, bool required = false) { return {FieldKind::kTable, index, required}; }
constexpr FieldLayout tables(std::uint8_t index) { return {FieldKind::kTableVector, index, true}; }
constexpr FieldLayout string{FieldKind::kString, 0, false};
}  // namespace layout

inline constexpr FieldLayout kFieldLayouts[] = {
    // Model
    layout::scalar(4), layout::string, layout::tables(kTensor), layout::tables(kBuffer), layout::tables(kOperator),
    layout::scalar(4), layout::scalar(4), layout::table(kMemoryPlan, true), {FieldKind::kStringVector, 0, false},
    layout::table(kProvenance),
    // Tensor
    layout::string, layout::scalar(1), layout::vector(4, true), layout::table(kQuantization), layout::scalar(4, -1),
    layout::scalar(4, -1), layout::scalar(4),
    // Quantization
    layout::vector(4), layout::vector(4), layout::scalar(4, -1),
    // Buffer
    layout::vector(1),
    // Operator
    layout::scalar(1), {FieldKind::kUnion, kConv2D, true}, layout::vector(4, true), layout::vector(4, true),
    layout::table(kRequantization), layout::scalar(4, -1), layout::scalar(4), layout::scalar(4),
    // Conv2D
    layout::scalar(4), layout::scalar(4), layout::scalar(4, 1), layout::scalar(4, 1), layout::scalar(4),
    layout::scalar(4), layout::scalar(4), layout::scalar(4), layout::scalar(1, -128), layout::scalar(1, 127),
    layout::scalar(4), layout::scalar(4), layout::scalar(4), layout::scalar(4),
    // MaxPool2D
    layout::scalar(4), layout::scalar(4), layout::scalar(4), layout::scalar(4),
    // FullyConnected
    layout::scalar(1, -128), layout::scalar(1, 127),
    // Pad
    layout::scalar(4), layout::scalar(4), layout::scalar(4), layout::scalar(4), layout::scalar(1),
    // Requantization
    layout::vector(4, true), layout::vector(1, true),
    // MemoryPlan
    layout::scalar(4), layout::scalar(4), layout::scalar(4), layout::string,
    // Provenance
    layout::string, layout::string, layout::scalar(4), layout::string, layout::scalar(4, -1), layout::scalar(4, -1),
    layout::string,
};

inline constexpr TableLayout kTableLayouts[kLayoutCount] = {
    {0, 10, 0}, {10, 7, 0}, {17, 3, 0}, {20, 1, 0}, {21, 8, 4}, {29, 14, 0}, {43, 4, 0},
    {47, 2, 0}, {49, 5, 0}, {54, 2, 0}, {56, 4, 0}, {60, 7, 0},
};
static_assert(sizeof(kFieldLayouts) / sizeof(kFieldLayouts[0]) == 67);

// The fully qualified schema names, for the test that compares the layout with the schema
// (never referenced by the engine, so no bytes in it).
inline constexpr const char* kTableNames[kLayoutCount] = {
    "tinydigit.model.Model",     "tinydigit.model.Tensor",         "tinydigit.model.Quantization",
    "tinydigit.model.Buffer",    "tinydigit.model.Operator",       "tinydigit.model.Conv2D",
    "tinydigit.model.MaxPool2D", "tinydigit.model.FullyConnected", "tinydigit.model.Pad",
    "tinydigit.model.Requantization", "tinydigit.model.MemoryPlan", "tinydigit.model.Provenance",
};

// Deepest nesting of tables below (and including) `index`: the walk keeps one frame per level.
constexpr int layout_depth(int index) {
    int deepest = 0;
    const TableLayout& t = kTableLayouts[index];
    for (int i = t.first; i < t.first + t.count; ++i) {
        const FieldLayout& f = kFieldLayouts[i];
        int d = 0;
        if (f.kind == FieldKind::kTable || f.kind == FieldKind::kTableVector) d = layout_depth(f.arg);
        if (f.kind == FieldKind::kUnion)
            for (int m = 0; m < t.union_members; ++m) d = d > layout_depth(f.arg + m) ? d : layout_depth(f.arg + m);
        deepest = d > deepest ? d : deepest;
    }
    return deepest + 1;
}

// Whole structure of `size` bytes at `data` (16-byte aligned, 8 <= size < 2^31 - 1): at least as
// strict as FlatBuffers' Verifier with its default options on every field of the schema.
bool verify_structure(const std::uint8_t* data, std::uint32_t size);

}  // namespace tinydigit::engine::detail
