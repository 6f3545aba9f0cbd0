// The structural half of model verification, driven by model_layout.hpp: every table, field,
// vector and string of the schema checked as FlatBuffers' Verifier (default options) checks
// them: alignment, vtable and field bounds, offsets inside the buffer, vector lengths, string
// terminators, the table count and nesting limits, union types. Where the two differ, this is
// the stricter: an offset inside a vector must be nonzero and below 2^31 as a field's must.
// One loop with a frame per nesting level (no recursion, so the stack has a static bound);
// the fuzzer checks that every buffer it accepts FlatBuffers' Verifier accepts too.
#include "model_layout.hpp"

namespace tinydigit::engine::detail {
namespace {

constexpr int kMaxDepth = 3;                          // FlatBuffers allows 64; the schema nests 3
constexpr std::uint32_t kMaxTables = 1000000;         // FlatBuffers' default max_tables
constexpr std::uint32_t kMaxBufferBytes = 0x7fffffff; // FLATBUFFERS_MAX_BUFFER_SIZE
constexpr std::uint32_t kMinBufferBytes = 12;         // FLATBUFFERS_MIN_BUFFER_SIZE
constexpr std::uint32_t kNoTable = 0xff;              // a union's member: none this schema knows
static_assert(layout_depth(kModel) <= kMaxDepth, "the schema nests deeper than the walk's frames");

struct Frame {
    std::uint32_t table, vtable;
    std::uint32_t vtable_bytes;
    std::uint32_t next_element, elements_left;  // a vector of tables or strings being walked
    std::uint8_t layout, field;
    FieldKind vector_kind;  // kStringVector or kTableVector
    std::uint8_t element_layout;
};

class Walk {
public:
    Walk(const std::uint8_t* data, std::uint32_t size) : data_(data), size_(size) {}

    // Verifier::Verify: [at, at + bytes) inside the buffer (bytes < size, as FlatBuffers has it).
    bool inside(std::uint32_t at, std::uint32_t bytes) const { return bytes < size_ && at <= size_ - bytes; }
    // bytes is 1, 2 or 4 (every scalar and offset of the schema): a power of two. Inlined
    // everywhere, so the walk's buffer and size stay in registers (M4: 70 bytes less code than
    // GCC's choice, one out-of-line copy).
    __attribute__((always_inline)) bool aligned_inside(std::uint32_t at, std::uint32_t bytes) const {
        return (at & (bytes - 1)) == 0 && inside(at, bytes);
    }
    std::uint32_t u32(std::uint32_t at) const { return *reinterpret_cast<const std::uint32_t*>(data_ + at); }
    std::uint32_t u16(std::uint32_t at) const { return *reinterpret_cast<const std::uint16_t*>(data_ + at); }

    // Verifier::VerifyOffset: where the offset at `at` leads, or 0 if that is not a byte of the buffer.
    std::uint32_t follow(std::uint32_t at) const {
        if (!aligned_inside(at, 4)) return 0;
        const std::uint32_t o = u32(at);
        if (o == 0 || o > kMaxBufferBytes || !inside(at + o, 1)) return 0;  // at + o < 2^32
        return at + o;
    }

    // Verifier::VerifyVectorOrString: the length, then every element, inside the buffer; a
    // string (element_bytes 1, `terminated`) followed by a zero byte (Verifier::VerifyString).
    bool vector(std::uint32_t at, std::uint32_t element_bytes, bool terminated, std::uint32_t& count) const {
        if (!aligned_inside(at, 4)) return false;
        count = u32(at);
        if (count >= kMaxBufferBytes / element_bytes || !inside(at, 4 + element_bytes * count)) return false;
        return !terminated || (inside(at + 4 + count, 1) && data_[at + 4 + count] == 0);
    }

    // Verifier::VerifyTableStart: the table's vtable offset, then the whole vtable.
    bool enter(Frame& f, std::uint32_t table, std::uint8_t layout) {
        if (!aligned_inside(table, 4) || ++tables_ > kMaxTables) return false;
        const std::uint32_t vtable = table - u32(table);  // a signed offset: wraps as FlatBuffers' does
        if (!aligned_inside(vtable, 2)) return false;
        const std::uint32_t bytes = u16(vtable);
        if (bytes % 2 != 0 || !inside(vtable, bytes)) return false;
        // The vector members are set with elements_left, before they are read.
        f.table = table;
        f.vtable = vtable;
        f.vtable_bytes = bytes;
        f.elements_left = 0;
        f.layout = layout;
        f.field = 0;
        return true;
    }

    // Table::GetOptionalFieldOffset: 0 when the field is absent.
    std::uint32_t field_offset(const Frame& f, std::uint32_t id) const {
        const std::uint32_t entry = 4 + 2 * id;
        return entry < f.vtable_bytes ? u16(f.vtable + entry) : 0;
    }

    std::uint8_t byte(std::uint32_t at) const { return data_[at]; }

private:
    const std::uint8_t* data_;
    std::uint32_t size_;
    std::uint32_t tables_ = 0;
};

}  // namespace

// One item at a time, each as FlatBuffers checks it: a field of the table on top of the stack,
// or the next element of the vector of strings or tables that table is walking. An item is
// `kind` (with `arg` from its FieldLayout) at buffer offset `at`; the root is the Model table
// the offset at 0 leads to.
bool verify_structure(const std::uint8_t* data, std::uint32_t size) {
    if (size < kMinBufferBytes) return false;
    Walk walk(data, size);
    Frame stack[kMaxDepth];
    Frame* end = stack;  // one past the innermost table's frame (a pointer: no index arithmetic)
    std::uint32_t at = 0, arg = kModel;
    FieldKind kind = FieldKind::kTable;
    for (;;) {
        if (kind == FieldKind::kScalar) {
            if (!walk.aligned_inside(at, arg)) return false;
        } else {
            const std::uint32_t to = walk.follow(at);
            if (to == 0) return false;
            if (kind == FieldKind::kTable) {
                // kNoTable: a union of type NONE or of one this schema does not know, left to
                // the engine's own checks as FlatBuffers' generated code leaves it.
                if (arg != kNoTable && (end == stack + kMaxDepth || !walk.enter(*end++, to, arg))) return false;
            } else {
                // A string, a vector of scalars, or of offsets to strings or tables (walked next).
                std::uint32_t count = 0, element_bytes = 4;
                if (kind == FieldKind::kString) element_bytes = 1;
                if (kind == FieldKind::kVector) element_bytes = arg;
                if (!walk.vector(to, element_bytes, kind == FieldKind::kString, count)) return false;
                if (kind == FieldKind::kStringVector || kind == FieldKind::kTableVector) {
                    Frame& f = end[-1];
                    f.next_element = to + 4;
                    f.elements_left = count;
                    f.vector_kind = kind;
                    f.element_layout = static_cast<std::uint8_t>(arg);
                }
            }
        }
        // The next item: an element, else the next present field, else the enclosing table's.
        for (;;) {
            if (end == stack) return true;
            Frame& f = end[-1];
            if (f.elements_left > 0) {
                --f.elements_left;
                at = f.next_element;
                f.next_element += 4;
                kind = f.vector_kind == FieldKind::kStringVector ? FieldKind::kString : FieldKind::kTable;
                arg = f.element_layout;
                break;
            }
            const TableLayout& t = kTableLayouts[f.layout];
            if (f.field == t.count) {
                --end;  // Verifier::EndTable
                continue;
            }
            const std::uint32_t id = f.field++;
            const FieldLayout& d = kFieldLayouts[t.first + id];
            const std::uint32_t offset = walk.field_offset(f, id);
            if (offset == 0) {
                if (d.required) return false;
                continue;
            }
            at = f.table + offset;
            kind = d.kind;
            arg = d.arg;
            if (kind == FieldKind::kUnion) {
                // The type field (id - 1, verified just before) says which member table.
                const std::uint32_t type_offset = walk.field_offset(f, id - 1);
                const std::uint32_t type = type_offset != 0 ? walk.byte(f.table + type_offset) : 0;
                kind = FieldKind::kTable;
                arg = type - 1 < t.union_members ? arg + type - 1 : kNoTable;  // type 0 wraps past it
            }
            break;
        }
    }
}

}  // namespace tinydigit::engine::detail
