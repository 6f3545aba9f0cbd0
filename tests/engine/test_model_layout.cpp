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
                CHECK(have.absent == (real ? static_cast<std::int64_t>(field->default_real()) : field->default_integer()));
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
