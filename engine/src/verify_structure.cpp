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
constexpr std::uint8_t kStrings = 0xff;               // Frame::element_layout of a vector of strings
static_assert(layout_depth(kModel) <= kMaxDepth, "the schema nests deeper than the walk's frames");

struct Frame {
    std::uint32_t table, vtable;
    std::uint32_t vtable_bytes;
    std::uint32_t next_element, elements_left;  // a vector of tables or strings being walked
    std::uint8_t layout, field, element_layout;
};

class Walk {
public:
    Walk(const std::uint8_t* data, std::uint32_t size) : data_(data), size_(size) {}

    // Verifier::Verify: [at, at + bytes) inside the buffer (bytes < size, as FlatBuffers has it).
    bool inside(std::uint32_t at, std::uint32_t bytes) const { return bytes < size_ && at <= size_ - bytes; }
    bool aligned_inside(std::uint32_t at, std::uint32_t bytes) const { return at % bytes == 0 && inside(at, bytes); }
    std::uint32_t u32(std::uint32_t at) const { return *reinterpret_cast<const std::uint32_t*>(data_ + at); }
    std::uint32_t u16(std::uint32_t at) const { return *reinterpret_cast<const std::uint16_t*>(data_ + at); }

    // Verifier::VerifyOffset: where the offset at `at` leads, or 0 if that is not a byte of the buffer.
    std::uint32_t follow(std::uint32_t at) const {
        if (!aligned_inside(at, 4)) return 0;
        const std::uint32_t o = u32(at);
        if (o == 0 || o > kMaxBufferBytes || !inside(at + o, 1)) return 0;  // at + o < 2^32
        return at + o;
    }

    // Verifier::VerifyVectorOrString: the length, then every element, inside the buffer.
    bool vector(std::uint32_t at, std::uint32_t element_bytes, std::uint32_t& count) const {
        if (!aligned_inside(at, 4)) return false;
        count = u32(at);
        return count < kMaxBufferBytes / element_bytes && inside(at, 4 + element_bytes * count);
    }

    // Verifier::VerifyString: a byte vector followed by a zero byte.
    bool string(std::uint32_t at) const {
        std::uint32_t count = 0;
        return vector(at, 1, count) && inside(at + 4 + count, 1) && data_[at + 4 + count] == 0;
    }

    // Verifier::VerifyTableStart: the table's vtable offset, then the whole vtable.
    bool enter(Frame& f, std::uint32_t table, std::uint8_t layout) {
        if (!aligned_inside(table, 4) || ++tables_ > kMaxTables) return false;
        const std::uint32_t vtable = table - u32(table);  // a signed offset: wraps as FlatBuffers' does
        if (!aligned_inside(vtable, 2)) return false;
        const std::uint32_t bytes = u16(vtable);
        if (bytes % 2 != 0 || !inside(vtable, bytes)) return false;
        f = Frame{table, vtable, bytes, 0, 0, layout, 0, 0};
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

bool verify_structure(const std::uint8_t* data, std::uint32_t size) {
    if (size < kMinBufferBytes) return false;
    Walk walk(data, size);
    Frame stack[kMaxDepth];
    int depth = 0;
    const std::uint32_t root = walk.follow(0);
    if (root == 0 || !walk.enter(stack[depth++], root, kModel)) return false;
    while (depth > 0) {
        Frame& f = stack[depth - 1];
        std::uint32_t child = 0;
        std::uint8_t child_layout = 0;
        if (f.elements_left > 0) {
            --f.elements_left;
            child = walk.follow(f.next_element);
            f.next_element += 4;
            if (child == 0) return false;
            if (f.element_layout == kStrings) {
                if (!walk.string(child)) return false;
                continue;
            }
            child_layout = f.element_layout;
        } else {
            const TableLayout& t = kTableLayouts[f.layout];
            if (f.field == t.count) {
                --depth;  // Verifier::EndTable
                continue;
            }
            const std::uint32_t id = f.field++;
            const FieldLayout& d = kFieldLayouts[t.first + id];
            const std::uint32_t offset = walk.field_offset(f, id);
            if (offset == 0) {
                if (d.required) return false;
                continue;
            }
            const std::uint32_t at = f.table + offset;
            if (d.kind == FieldKind::kScalar) {
                if (!walk.aligned_inside(at, d.arg)) return false;
                continue;
            }
            const std::uint32_t to = walk.follow(at);
            if (to == 0) return false;
            std::uint32_t count = 0;
            switch (d.kind) {
                case FieldKind::kString:
                    if (!walk.string(to)) return false;
                    continue;
                case FieldKind::kVector:
                    if (!walk.vector(to, d.arg, count)) return false;
                    continue;
                case FieldKind::kStringVector:
                case FieldKind::kTableVector:
                    if (!walk.vector(to, 4, count)) return false;
                    f.next_element = to + 4;
                    f.elements_left = count;
                    f.element_layout = d.kind == FieldKind::kStringVector ? kStrings : d.arg;
                    continue;
                case FieldKind::kUnion: {
                    // The type field (id - 1, verified just before) says which table; NONE or
                    // a type this schema does not know is left to the engine's own checks, as
                    // FlatBuffers' generated code leaves it.
                    const std::uint32_t type_offset = walk.field_offset(f, id - 1);
                    const std::uint32_t type = type_offset != 0 ? walk.byte(f.table + type_offset) : 0;
                    if (type == 0 || type > t.union_members) continue;
                    child_layout = static_cast<std::uint8_t>(d.arg + type - 1);
                    break;
                }
                default: child_layout = d.arg; break;  // kTable
            }
            child = to;
        }
        if (depth == kMaxDepth || !walk.enter(stack[depth++], child, child_layout)) return false;
    }
    return true;
}

}  // namespace tinydigit::engine::detail
