// The engine's structural verifier walks the model with model_layout.hpp, a hand-kept copy of
// schema/model.fbs: these tests fail when the schema changes and the copy does not, and when
// the walk accepts a buffer FlatBuffers' own Verifier rejects.
#include <doctest/doctest.h>

#include <flatbuffers/reflection.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "decode.hpp"
#include "model_builder.hpp"
#include "model_layout.hpp"

namespace {

namespace detail = tinydigit::engine::detail;
using detail::FieldKind;

std::vector<std::uint8_t> read_schema() {
    std::ifstream in(TINYDIGIT_MODEL_BFBS, std::ios::binary);
    REQUIRE_MESSAGE(in, "flatc's binary schema of model.fbs: " TINYDIGIT_MODEL_BFBS);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int layout_of(const std::string& name) {
    for (int i = 0; i < detail::kLayoutCount; ++i)
        if (name == detail::kTableNames[i]) return i;
    return -1;
}

// The layout entry flatc's reflection data implies for `field`.
detail::FieldLayout expected(const reflection::Schema& schema, const reflection::Field& field) {
    const reflection::Type& type = *field.type();
    const auto object = [&](int index) {
        const reflection::Object& o = *schema.objects()->Get(static_cast<flatbuffers::uoffset_t>(index));
        CHECK_MESSAGE(!o.is_struct(), "structs are not in the layout: ", field.name()->str());
        return static_cast<std::uint8_t>(layout_of(o.name()->str()));
    };
    const bool required = field.required();
    switch (type.base_type()) {
        case reflection::String: return {FieldKind::kString, 0, required};
        case reflection::Obj: return {FieldKind::kTable, object(type.index()), required};
        case reflection::Union: {
            const reflection::Enum& u = *schema.enums()->Get(static_cast<flatbuffers::uoffset_t>(type.index()));
            // Member v (1..n) must be the layout entry arg + v - 1.
            const auto& values = *u.values();
            std::uint8_t first = 0;
            for (flatbuffers::uoffset_t i = 0; i < values.size(); ++i) {
                const reflection::EnumVal& v = *values.Get(i);
                if (v.value() == 0) continue;
                const auto index = static_cast<std::uint8_t>(layout_of(v.union_type()->index() >= 0
                    ? schema.objects()->Get(static_cast<flatbuffers::uoffset_t>(v.union_type()->index()))->name()->str()
                    : std::string()));
                if (v.value() == 1) first = index;
                CHECK_MESSAGE(index == first + v.value() - 1, "union members in order: ", v.name()->str());
            }
            return {FieldKind::kUnion, first, required};
        }
        case reflection::Vector:
            if (type.element() == reflection::String) return {FieldKind::kStringVector, 0, required};
            if (type.element() == reflection::Obj) return {FieldKind::kTableVector, object(type.index()), required};
            CHECK_MESSAGE(flatbuffers::IsScalar(type.element()), "vector of scalars: ", field.name()->str());
            return {FieldKind::kVector, static_cast<std::uint8_t>(flatbuffers::GetTypeSize(type.element())), required};
        default:
            CHECK_MESSAGE(flatbuffers::IsScalar(type.base_type()), "a scalar: ", field.name()->str());
            return {FieldKind::kScalar, static_cast<std::uint8_t>(flatbuffers::GetTypeSize(type.base_type())), required};
    }
}

}  // namespace

TEST_CASE("the engine's model layout is schema/model.fbs, table by table and field by field") {
    const std::vector<std::uint8_t> bytes = read_schema();
    flatbuffers::Verifier verifier(bytes.data(), bytes.size());
    REQUIRE(reflection::VerifySchemaBuffer(verifier));
    const reflection::Schema& schema = *reflection::GetSchema(bytes.data());

    CHECK(schema.root_table()->name()->str() == detail::kTableNames[detail::kModel]);
    CHECK(schema.file_ident()->str() == std::string(detail::kFileIdentifier, 4));
    REQUIRE(schema.objects()->size() == static_cast<flatbuffers::uoffset_t>(detail::kLayoutCount));
    int union_fields = 0;
    for (const reflection::Object* object : *schema.objects()) {
        const int index = layout_of(object->name()->str());
        CAPTURE(object->name()->str());
        REQUIRE(index >= 0);
        const detail::TableLayout& table = detail::kTableLayouts[index];
        REQUIRE(object->fields()->size() == table.count);
        int members = 0;
        for (const reflection::Field* field : *object->fields()) {
            CAPTURE(field->name()->str());
            REQUIRE(field->id() < table.count);
            CHECK_FALSE(field->deprecated());
            const detail::FieldLayout want = expected(schema, *field);
            const detail::FieldLayout& have = detail::kFieldLayouts[table.first + field->id()];
            CHECK(static_cast<int>(have.kind) == static_cast<int>(want.kind));
            CHECK(have.arg == want.arg);
            CHECK(have.required == want.required);
            if (want.kind == FieldKind::kScalar) {  // the value read_fields gives when the field is absent
                const reflection::BaseType base = field->type()->base_type();
                const bool real = base == reflection::Float || base == reflection::Double;
                CHECK(have.absent ==
                      (real ? static_cast<std::int64_t>(field->default_real()) : field->default_integer()));
            }
            if (want.kind == FieldKind::kUnion) {
                ++union_fields;
                const reflection::Enum& u = *schema.enums()->Get(static_cast<flatbuffers::uoffset_t>(field->type()->index()));
                members = static_cast<int>(u.values()->size()) - 1;  // without NONE
                CHECK(field->id() >= 1);  // its type field is id - 1, a scalar of one byte (checked with it)
            }
        }
        CHECK(table.union_members == members);
        if (index + 1 < detail::kLayoutCount)
            CHECK(detail::kTableLayouts[index + 1].first == table.first + table.count);
    }
    CHECK(union_fields == 1);
}

TEST_CASE("every model the structural verifier accepts, FlatBuffers' Verifier accepts (one byte changed anywhere)") {
    using tinydigit::engine::test::ModelBytes;
    const ModelBytes original = tinydigit::engine::test::serialize(*tinydigit::engine::test::make_model(
        tinydigit::engine::test::tiny_spec(), 1));
    ModelBytes bytes(original.data(), original.size());
    const auto size = static_cast<std::uint32_t>(bytes.size());
    // Without the file identifier, which verify_model checks before the structure.
    auto flatbuffers_accepts = [&] {
        flatbuffers::Verifier verifier(bytes.data(), bytes.size());
        return verifier.VerifyBuffer<tinydigit::model::Model>(nullptr);
    };
    REQUIRE(detail::verify_structure(bytes.data(), size));
    REQUIRE(flatbuffers_accepts());
    int rejected = 0;
    for (std::uint32_t at = 0; at < size; ++at) {
        const std::uint8_t was = bytes.data()[at];
        for (const std::uint8_t value : {std::uint8_t{0}, std::uint8_t{1}, std::uint8_t{0x7f}, std::uint8_t{0x80},
                                         std::uint8_t{0xff}, static_cast<std::uint8_t>(was ^ 4)}) {
            bytes.data()[at] = value;
            if (detail::verify_structure(bytes.data(), size)) {
                CAPTURE(at);
                CAPTURE(int{value});
                CHECK(flatbuffers_accepts());
            } else {
                ++rejected;
            }
        }
        bytes.data()[at] = was;
    }
    CHECK(rejected > 0);
}

namespace {

// A parameter table built alone as a buffer's root, so read_fields can be compared with
// flatc's accessors on it (FlatBufferBuilder leaves out every field equal to its default).
template <typename Table, typename Create>
const Table* build(flatbuffers::FlatBufferBuilder& fbb, Create create) {
    fbb.Finish(create(fbb));
    return flatbuffers::GetRoot<Table>(fbb.GetBufferPointer());
}

}  // namespace

TEST_CASE("read_fields gives each parameter as flatc's accessor does, the schema's default when absent") {
    namespace model = tinydigit::model;
    for (const bool defaults : {true, false}) {
        CAPTURE(defaults);
        // Distinct values where not defaults, negative ones for the 1-byte fields' sign.
        const auto v = [&](std::int32_t value, std::int32_t default_value) { return defaults ? default_value : value; };
        flatbuffers::FlatBufferBuilder c_fbb, p_fbb, f_fbb, d_fbb;
        const auto* conv = build<model::Conv2D>(c_fbb, [&](auto& fbb) {
            return model::CreateConv2D(fbb, v(3, 0), v(5, 0), v(2, 1), v(4, 1), v(6, 0), v(7, 0), v(8, 0), v(9, 0),
                                       static_cast<std::int8_t>(v(-100, -128)), static_cast<std::int8_t>(v(-3, 127)),
                                       v(10, 0), v(11, 0), v(12, 0), v(13, 0));
        });
        detail::ConvFields c{};
        detail::read_fields(conv, detail::kConv2D, &c);
        CHECK(c.kernel_h == conv->kernel_h());
        CHECK(c.kernel_w == conv->kernel_w());
        CHECK(c.stride_h == conv->stride_h());
        CHECK(c.stride_w == conv->stride_w());
        CHECK(c.pad_top == conv->pad_top());
        CHECK(c.pad_bottom == conv->pad_bottom());
        CHECK(c.pad_left == conv->pad_left());
        CHECK(c.pad_right == conv->pad_right());
        CHECK(c.act_min == conv->act_min());
        CHECK(c.act_max == conv->act_max());
        CHECK(c.pool_h == conv->pool_h());
        CHECK(c.pool_w == conv->pool_w());
        CHECK(c.pool_stride_h == conv->pool_stride_h());
        CHECK(c.pool_stride_w == conv->pool_stride_w());
        CHECK(c.act_max == v(-3, 127));

        const auto* pool = build<model::MaxPool2D>(
            p_fbb, [&](auto& fbb) { return model::CreateMaxPool2D(fbb, v(2, 0), v(3, 0), v(4, 0), v(5, 0)); });
        detail::MaxPoolFields p{};
        detail::read_fields(pool, detail::kMaxPool2D, &p);
        CHECK(p.pool_h == pool->pool_h());
        CHECK(p.pool_w == pool->pool_w());
        CHECK(p.stride_h == pool->stride_h());
        CHECK(p.stride_w == pool->stride_w());

        const auto* fc = build<model::FullyConnected>(f_fbb, [&](auto& fbb) {
            return model::CreateFullyConnected(fbb, static_cast<std::int8_t>(v(0, -128)),
                                               static_cast<std::int8_t>(v(-1, 127)));
        });
        detail::FullyConnectedFields f{};
        detail::read_fields(fc, detail::kFullyConnected, &f);
        CHECK(f.act_min == fc->act_min());
        CHECK(f.act_max == fc->act_max());

        const auto* pad = build<model::Pad>(d_fbb, [&](auto& fbb) {
            return model::CreatePad(fbb, v(1, 0), v(2, 0), v(3, 0), v(4, 0), static_cast<std::int8_t>(v(-128, 0)));
        });
        detail::PadFields d{};
        detail::read_fields(pad, detail::kPad, &d);
        CHECK(d.pad_top == pad->pad_top());
        CHECK(d.pad_bottom == pad->pad_bottom());
        CHECK(d.pad_left == pad->pad_left());
        CHECK(d.pad_right == pad->pad_right());
        CHECK(d.value == pad->value());
    }
}
