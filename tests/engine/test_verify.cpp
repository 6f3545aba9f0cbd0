// One test per semantic attack on a model (issue 7): each malformed model, built in code
// from a valid one, must be rejected at load with its specific status, and never crash.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>

#include "model_builder.hpp"
#include "tinydigit/engine/c_api.h"
#include "tinydigit/engine/crc32.hpp"
#include "tinydigit/engine/engine.hpp"

using namespace tinydigit::engine;
using namespace tinydigit::engine::test;
namespace fbm = tinydigit::model;

namespace {

// tiny_spec(): t0 input [8,8,1]; op0 conv t0 -> t3 [8,8,4] (w t1, b t2);
// op1 conv+pool t3 -> t6 [5,5,8] (w t4, b t5); op2 fully connected t6 -> t9 [10] (w t7, b t8).
std::unique_ptr<fbm::ModelT> tiny() { return make_model(tiny_spec(), 1); }

Status verify(const fbm::ModelT& m) {
    const ModelBytes bytes = serialize(m);
    return verify_model(bytes.data(), bytes.size());
}

fbm::TensorT& tensor(fbm::ModelT& m, int i) { return *m.tensors[static_cast<std::size_t>(i)]; }
fbm::OperatorT& op(fbm::ModelT& m, int i) { return *m.operators[static_cast<std::size_t>(i)]; }
fbm::Conv2DT& conv(fbm::ModelT& m, int i) { return *op(m, i).params.AsConv2D(); }

// Three Pads that keep tensor A alive across op1: op0 t0 -> A, op1 t0 -> B, op2 A -> C (output).
std::unique_ptr<fbm::ModelT> pads() {
    auto m = std::make_unique<fbm::ModelT>();
    m->format_version = 2;
    m->plan = std::make_unique<fbm::MemoryPlanT>();
    auto act = [&](std::vector<std::int32_t> shape, std::int32_t offset) {
        auto t = std::make_unique<fbm::TensorT>();
        t->shape = std::move(shape);
        t->quantization = std::make_unique<fbm::QuantizationT>();
        t->quantization->zero_point = {-128};
        t->arena_offset = offset;
        m->tensors.push_back(std::move(t));
    };
    act({4, 4, 1}, 0);     // t0
    act({6, 6, 1}, 16);    // A
    act({6, 6, 1}, 64);    // B
    act({8, 8, 1}, 112);   // C
    auto pad = [&](int in, int out) {
        auto o = std::make_unique<fbm::OperatorT>();
        fbm::PadT p;
        p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = 1;
        p.value = -128;
        o->params.Set(p);
        o->inputs = {in};
        o->outputs = {out};
        m->operators.push_back(std::move(o));
    };
    pad(0, 1);
    pad(0, 2);
    pad(1, 3);
    m->input = 0;
    m->output = 3;
    m->plan->arena_bytes = 176;
    return m;
}

}  // namespace

TEST_CASE("valid models load: tiny, seed-shaped, compact-shaped and the three-pad graph") {
    CHECK(verify(*tiny()) == Status::kOk);
    CHECK(verify(*make_model(seed_spec(), 2)) == Status::kOk);
    CHECK(verify(*make_model(compact_spec(), 3)) == Status::kOk);
    CHECK(verify(*pads()) == Status::kOk);
}

TEST_CASE("attack: null, misaligned, foreign and truncated bytes") {
    const ModelBytes bytes = serialize(*tiny());
    CHECK(verify_model(nullptr, 100) == Status::kNullArgument);
    ModelBytes shifted(bytes.size() + 1);
    std::memcpy(shifted.data() + 1, bytes.data(), bytes.size());
    CHECK(verify_model(shifted.data() + 1, bytes.size()) == Status::kMisalignedModel);
    ModelBytes foreign(bytes.data(), bytes.size());
    foreign.data()[4] = 'X';  // file identifier
    CHECK(verify_model(foreign.data(), foreign.size()) == Status::kNotAModel);
}

TEST_CASE("attack: a truncated file at every length from 0 to the full size") {
    const ModelBytes full = serialize(*tiny());
    int accepted = 0;
    for (std::size_t n = 0; n < full.size(); ++n) {
        const ModelBytes cut(full.data(), n);  // exact size: ASan flags any read past it
        const Status s = verify_model(cut.data(), cut.size());
        if (s == Status::kOk) ++accepted;
        CHECK((s == Status::kNotAModel || s == Status::kMalformedModel || s == Status::kBadFileLength));
    }
    CHECK(accepted == 0);  // the footer records the length: not even padding may be cut
}

TEST_CASE("attack: bytes appended to a model, even the model itself, are refused") {
    const ModelBytes full = serialize(*tiny());
    for (const std::size_t extra : {std::size_t{1}, std::size_t{16}, full.size()}) {
        CAPTURE(extra);
        ModelBytes longer(full.size() + extra);
        std::memset(longer.data(), 0, longer.size());
        std::memcpy(longer.data(), full.data(), full.size());
        if (extra == full.size()) std::memcpy(longer.data() + full.size(), full.data(), full.size());
        CHECK(verify_model(longer.data(), longer.size()) == Status::kBadFileLength);
    }
}

TEST_CASE("attack: one changed bit anywhere is a checksum mismatch, or caught before the checksum") {
    const ModelBytes full = serialize(*tiny());
    REQUIRE(verify_model(full.data(), full.size()) == Status::kOk);
    int checksum_mismatches = 0;
    for (std::size_t byte = 0; byte < full.size(); ++byte) {
        ModelBytes bad(full.data(), full.size());
        bad.data()[byte] ^= static_cast<std::uint8_t>(1u << (byte % 8));
        const Status s = verify_model(bad.data(), bad.size());
        CAPTURE(byte);
        CHECK(s != Status::kOk);
        checksum_mismatches += s == Status::kBadChecksum;
    }
    CHECK(checksum_mismatches > static_cast<int>(full.size() / 2));  // weights and most tables: only the CRC sees them
}

TEST_CASE("crc32 is zlib's CRC-32") {
    CHECK(crc32("123456789", 9) == 0xCBF43926u);  // the standard check value
    CHECK(crc32("", 0) == 0u);
    CHECK(crc32("a", 1) == 0xE8B7BE43u);
}

TEST_CASE("attack: random byte corruption never crashes and never loads a changed graph silently") {
    const ModelBytes full = serialize(*tiny());
    std::mt19937 rng(5);
    for (int i = 0; i < 3000; ++i) {
        ModelBytes bad(full.data(), full.size());
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int f = 0; f < flips; ++f) bad.data()[rng() % bad.size()] = static_cast<std::uint8_t>(rng());
        const bool changed = std::memcmp(bad.data(), full.data(), full.size()) != 0;
        if (changed) CHECK(verify_model(bad.data(), bad.size()) != Status::kOk);  // the footer catches it
        // Resealed, the change reaches the semantic checks: whatever passes them must be safe to run.
        reseal(bad);
        Engine engine;
        if (engine.load(bad.data(), bad.size(), reference_kernels()) != Status::kOk) continue;
        if (engine.arena_bytes() > (16u << 20)) continue;  // a valid but huge plan: not worth allocating
        // Whatever loaded must run inside its arena without touching anything else.
        Arena arena(engine.arena_bytes());
        REQUIRE(engine.bind_arena(arena.data, arena.size) == Status::kOk);
        std::vector<std::int8_t> input(engine.input_size(), 3);
        REQUIRE(engine.set_input(input.data(), input.size()) == Status::kOk);
        CHECK(engine.run() == Status::kOk);
    }
}

TEST_CASE("attack: element counts that overflow int32 or size_t") {
    auto m = tiny();
    tensor(*m, 3).shape = {65536, 65536, 4};
    CHECK(verify(*m) == Status::kShapeOverflow);
    m = tiny();
    tensor(*m, 3).shape = {2147483647, 2147483647, 2147483647, 2147483647};
    CHECK(verify(*m) == Status::kShapeOverflow);
    m = tiny();
    tensor(*m, 1).shape = {4, 3, 3, 2147483647};  // constant tensor too
    CHECK(verify(*m) == Status::kShapeOverflow);
}

TEST_CASE("attack: zero, negative or missing dimensions") {
    for (auto shape : {std::vector<std::int32_t>{8, 0, 4}, {8, -8, 4}, {}, {1, 1, 1, 1, 1}}) {
        auto m = tiny();
        tensor(*m, 3).shape = shape;
        CHECK(verify(*m) == Status::kBadShape);
    }
}

TEST_CASE("attack: buffer lengths that disagree with shapes") {
    auto m = tiny();
    m->buffers[0]->data.pop_back();  // conv1 weights
    CHECK(verify(*m) == Status::kBufferSizeMismatch);
    m = tiny();
    m->buffers[1]->data.resize(m->buffers[1]->data.size() + 4);  // conv1 bias
    CHECK(verify(*m) == Status::kBufferSizeMismatch);
    for (int extra = 1; extra < 4; ++extra) {  // an int32 buffer that is not whole elements
        m = tiny();
        m->buffers[1]->data.resize(m->buffers[1]->data.size() + static_cast<std::size_t>(extra));
        CHECK(verify(*m) == Status::kBufferSizeMismatch);
    }
}

TEST_CASE("attack: arena offsets outside the arena") {
    auto m = tiny();
    tensor(*m, 3).arena_offset = static_cast<std::int32_t>(m->plan->arena_bytes);
    CHECK(verify(*m) == Status::kArenaOutOfBounds);
    m = tiny();
    tensor(*m, 3).arena_offset = -16;
    CHECK(verify(*m) == Status::kArenaOutOfBounds);
    m = tiny();
    m->plan->arena_bytes -= 16;  // the top tensor now sticks out
    CHECK(verify(*m) == Status::kArenaOutOfBounds);
    m = tiny();
    op(*m, 0).scratch_offset = static_cast<std::int32_t>(m->plan->arena_bytes) - 16;
    CHECK(verify(*m) == Status::kArenaOutOfBounds);
}

TEST_CASE("attack: misaligned arena offsets") {
    auto m = tiny();
    tensor(*m, 6).arena_offset += 8;
    CHECK(verify(*m) == Status::kMisalignedOffset);
    m = tiny();
    op(*m, 0).scratch_offset += 4;
    CHECK(verify(*m) == Status::kMisalignedOffset);
}

TEST_CASE("attack: a tensor overlapping another live tensor") {
    auto m = pads();
    m->tensors[2]->arena_offset = 32;  // B over A while A waits for op2
    CHECK(verify(*m) == Status::kOverlap);
    m = pads();
    m->tensors[2]->arena_offset = 0;  // B over the model input during op1, which reads it
    CHECK(verify(*m) == Status::kAliasedOutput);
    m = pads();
    m->tensors[3]->arena_offset = 64;  // C may reuse B: B is dead after op1
    CHECK(verify(*m) == Status::kOk);
}

TEST_CASE("attack: an output that aliases the input of the same op") {
    auto m = tiny();
    tensor(*m, 6).arena_offset = tensor(*m, 3).arena_offset;
    CHECK(verify(*m) == Status::kAliasedOutput);
}

TEST_CASE("attack: scratch larger than declared, or over a live tensor") {
    auto m = tiny();
    op(*m, 1).scratch_bytes -= 16;
    CHECK(verify(*m) == Status::kScratchTooSmall);
    m = tiny();
    op(*m, 2).scratch_bytes = 0;
    op(*m, 2).scratch_offset = -1;
    CHECK(verify(*m) == Status::kScratchTooSmall);
    m = tiny();
    op(*m, 0).scratch_offset = 0;  // over the model input, which op0 reads
    CHECK(verify(*m) == Status::kScratchOverlap);
    m = tiny();
    op(*m, 0).scratch_bytes = -16;
    CHECK(verify(*m) == Status::kBadParameter);
}

TEST_CASE("attack: kernel or pool window larger than the padded input") {
    auto m = tiny();
    conv(*m, 0).kernel_h = 11;  // 8 + 1 + 1 < 11
    tensor(*m, 1).shape = {4, 11, 3, 1};
    m->buffers[0]->data.resize(4 * 11 * 3);
    CHECK(verify(*m) == Status::kKernelTooLarge);
    m = tiny();
    conv(*m, 1).pool_h = conv(*m, 1).pool_w = 11;  // conv map is 10x10
    CHECK(verify(*m) == Status::kKernelTooLarge);
}

TEST_CASE("attack: stride 0 and other out-of-range parameters") {
    auto m = tiny();
    conv(*m, 0).stride_h = 0;
    CHECK(verify(*m) == Status::kBadParameter);
    m = tiny();
    conv(*m, 0).stride_w = -1;
    CHECK(verify(*m) == Status::kBadParameter);
    m = tiny();
    conv(*m, 1).pool_stride_w = 0;
    CHECK(verify(*m) == Status::kBadParameter);
    m = tiny();
    conv(*m, 0).pad_left = -1;
    CHECK(verify(*m) == Status::kBadParameter);
    m = tiny();
    conv(*m, 0).act_min = 10;
    conv(*m, 0).act_max = 9;
    CHECK(verify(*m) == Status::kBadParameter);
    // The format has no dilation field: every kernel is dense (dilation 1).
}

TEST_CASE("attack: shifts and multipliers out of range, requantization missing or short") {
    const std::int32_t bad_multipliers[] = {0, -1, (1 << 30) - 1, -2147483647 - 1};
    for (std::int32_t v : bad_multipliers) {
        auto m = tiny();
        op(*m, 1).requant->multiplier[2] = v;
        CHECK(verify(*m) == Status::kBadRequantization);
    }
    for (std::int8_t s : {std::int8_t{0}, std::int8_t{63}, std::int8_t{-5}, std::int8_t{127}}) {
        auto m = tiny();
        op(*m, 2).requant->shift[0] = s;
        CHECK(verify(*m) == Status::kBadRequantization);
    }
    auto m = tiny();
    op(*m, 0).requant.reset();
    CHECK(verify(*m) == Status::kBadRequantization);
    m = tiny();
    op(*m, 0).requant->shift.pop_back();
    CHECK(verify(*m) == Status::kBadRequantization);
}

TEST_CASE("attack: zero points outside int8, or nonzero on weights") {
    for (std::int32_t z : {128, -129, 100000}) {
        auto m = tiny();
        tensor(*m, 3).quantization->zero_point = {z};
        CHECK(verify(*m) == Status::kBadZeroPoint);
    }
    auto m = tiny();
    tensor(*m, 3).quantization->zero_point.clear();
    CHECK(verify(*m) == Status::kBadZeroPoint);
    m = tiny();
    tensor(*m, 4).quantization->zero_point = {0, 0, 3, 0};
    CHECK(verify(*m) == Status::kBadZeroPoint);
    m = pads();
    m->tensors[3]->quantization->zero_point = {0};  // Pad is fine with any output zero point
    CHECK(verify(*m) == Status::kOk);
}

TEST_CASE("attack: an op reading a tensor before any op writes it") {
    auto m = tiny();
    op(*m, 1).inputs[0] = 9;  // written by op2
    CHECK(verify(*m) == Status::kReadBeforeWrite);
    m = tiny();
    op(*m, 0).inputs[0] = 3;  // its own output
    CHECK(verify(*m) == Status::kReadBeforeWrite);
}

TEST_CASE("attack: a tensor written twice, or the model input overwritten") {
    auto m = tiny();
    op(*m, 2).outputs[0] = 3;
    CHECK(verify(*m) == Status::kWrittenTwice);
    m = tiny();
    op(*m, 0).outputs[0] = 0;
    CHECK(verify(*m) == Status::kWrittenTwice);
}

TEST_CASE("attack: an unknown op type or an unknown format version") {
    for (std::uint32_t version : {0u, 1u, 4u, 0xffffffffu}) {
        auto m = tiny();
        m->format_version = version;
        CHECK(verify(*m) == Status::kUnsupportedVersion);
    }
    for (std::uint32_t version : {2u, 3u}) {  // 3 may have banded chains; 2 has none
        auto m = tiny();
        m->format_version = version;
        CHECK(verify(*m) == Status::kOk);
    }
    for (std::uint8_t type : {std::uint8_t{0}, std::uint8_t{5}, std::uint8_t{200}}) {
        ModelBytes bytes = serialize(*tiny());
        const auto* model = fbm::GetModel(bytes.data());
        const auto* table = reinterpret_cast<const flatbuffers::Table*>(model->operators()->Get(1));
        auto* field = const_cast<std::uint8_t*>(table->GetAddressOf(fbm::Operator::VT_PARAMS_TYPE));
        REQUIRE(field != nullptr);
        *field = type;
        reseal(bytes);
        const Status s = verify_model(bytes.data(), bytes.size());
        // A known type with a mismatched table body fails the structural verifier instead.
        CHECK(s == Status::kUnknownOperator);
    }
}

TEST_CASE("attack: an empty graph, too many tensors") {
    auto m = tiny();
    m->operators.clear();
    CHECK(verify(*m) == Status::kEmptyGraph);
    m = tiny();
    while (m->tensors.size() <= static_cast<std::size_t>(kMaxTensors)) {
        auto t = std::make_unique<fbm::TensorT>();
        t->shape = {1};
        m->tensors.push_back(std::move(t));
    }
    CHECK(verify(*m) == Status::kTooLarge);
}

TEST_CASE("attack: bad indices, kinds, types and operand counts") {
    auto m = tiny();
    op(*m, 1).inputs[1] = 99;
    CHECK(verify(*m) == Status::kBadTensorIndex);
    m = tiny();
    m->output = -1;
    CHECK(verify(*m) == Status::kBadTensorIndex);
    m = tiny();
    tensor(*m, 1).arena_offset = 0;  // weights both constant and activation
    CHECK(verify(*m) == Status::kBadTensorKind);
    m = tiny();
    op(*m, 1).inputs[1] = 0;  // an activation as weights
    CHECK(verify(*m) == Status::kBadTensorKind);
    m = tiny();
    tensor(*m, 3).type = fbm::ElementType::INT32;
    CHECK(verify(*m) == Status::kBadType);
    m = tiny();
    tensor(*m, 2).type = fbm::ElementType::INT8;  // bias as int8 (16 bytes: shape says 4)
    m->buffers[1]->data.resize(4);
    CHECK(verify(*m) == Status::kBadType);
    m = tiny();
    tensor(*m, 1).buffer = 99;
    CHECK(verify(*m) == Status::kBadBuffer);
    m = tiny();
    op(*m, 0).inputs.pop_back();
    CHECK(verify(*m) == Status::kBadOperator);
}

TEST_CASE("attack: shapes inconsistent across ops") {
    auto m = tiny();
    tensor(*m, 6).shape = {4, 4, 8};  // pooled map is 5x5
    CHECK(verify(*m) == Status::kShapeMismatch);
    m = tiny();
    tensor(*m, 4).shape = {8, 3, 3, 2};  // conv2 weights expect 4 input channels
    m->buffers[2]->data.resize(8 * 3 * 3 * 2);
    CHECK(verify(*m) == Status::kShapeMismatch);
    m = tiny();
    tensor(*m, 9).shape = {11};
    CHECK(verify(*m) == Status::kShapeMismatch);
}

TEST_CASE("attack: reduction too long for exact int32 accumulation") {
    auto m = tiny();
    // op2: fully connected over 65,537 inputs.
    tensor(*m, 6).shape = {65537};
    tensor(*m, 7).shape = {10, 65537};
    m->buffers[4]->data.assign(10 * 65537, 1);
    m->operators.erase(m->operators.begin(), m->operators.begin() + 2);
    m->input = 6;
    tensor(*m, 6).quantization->zero_point = {-128};
    tensor(*m, 6).arena_offset = 0;
    tensor(*m, 9).arena_offset = 65552;
    op(*m, 0).scratch_offset = 65552 + 16;
    op(*m, 0).scratch_bytes = 2 * 65600 + 40;
    m->plan->arena_bytes = 65552 + 16 + 2 * 65600 + 48;
    CHECK(verify(*m) == Status::kReductionTooLong);
}

TEST_CASE("attack: model input or output that cannot be used") {
    auto m = tiny();
    tensor(*m, 0).quantization->zero_point = {-127};  // pixels map to q = p - 128 only at -128
    CHECK(verify(*m) == Status::kBadInputOutput);
    m = tiny();
    m->output = 1;  // a constant
    CHECK(verify(*m) == Status::kBadInputOutput);
    m = tiny();
    m->output = 0;
    CHECK(verify(*m) == Status::kBadInputOutput);
}

TEST_CASE("a refused model names the operator (index and kind) and the tensor verification stopped at") {
    struct Expected {
        Status status;
        std::int32_t op;
        const char* kind;
        std::int32_t tensor;
        const char* name;
    };
    auto located = [](const fbm::ModelT& m, const Expected& e) {
        const ModelBytes bytes = serialize(m);
        VerifyFailure where;
        CHECK(verify_model(bytes.data(), bytes.size(), &where) == e.status);
        CHECK(where.operator_index == e.op);
        CHECK(std::string(where.operator_kind) == e.kind);
        CHECK(where.tensor_index == e.tensor);
        CHECK(std::string(where.tensor_name) == e.name);
        td_verify_failure c{};  // the C API gives the same
        CHECK(td_verify_model(bytes.data(), bytes.size(), &c) == static_cast<td_status>(e.status));
        CHECK(c.operator_index == e.op);
        CHECK(std::string(c.operator_kind) == e.kind);
        CHECK(c.tensor_index == e.tensor);
    };
    auto m = tiny();
    op(*m, 1).scratch_bytes -= 16;  // the operator as a whole: no tensor
    located(*m, {Status::kScratchTooSmall, 1, "Conv2D+MaxPool", -1, ""});
    m = tiny();
    tensor(*m, 4).quantization->zero_point = {0, 0, 3, 0};  // op1's weights
    located(*m, {Status::kBadZeroPoint, 1, "Conv2D+MaxPool", 4, "const4"});
    m = tiny();
    op(*m, 2).outputs[0] = 3;
    located(*m, {Status::kWrittenTwice, 2, "FullyConnected", 3, "act3"});
    m = tiny();
    conv(*m, 0).stride_h = 0;
    located(*m, {Status::kBadParameter, 0, "Conv2D", -1, ""});
    m = tiny();
    tensor(*m, 3).quantization->zero_point = {128};  // found by the per-tensor pass, before any operator
    located(*m, {Status::kBadZeroPoint, -1, "", 3, "act3"});
    m = pads();
    m->tensors[2]->arena_offset = 32;  // B (written by op1) over A, alive until op2
    located(*m, {Status::kOverlap, 1, "Pad", 1, ""});
    m = tiny();
    ModelBytes bytes = serialize(*m);
    bytes.data()[bytes.size() - 8] ^= 1;  // the footer's CRC-32: corruption is in no operator
    VerifyFailure where;
    CHECK(verify_model(bytes.data(), bytes.size(), &where) == Status::kBadChecksum);
    CHECK(where.operator_index == -1);
    CHECK(where.tensor_index == -1);
}

TEST_CASE("operator view: Pad operators, unnamed tensors, no scratch") {
    const ModelBytes bytes = serialize(*pads());
    Engine e;
    REQUIRE(e.load(bytes.data(), bytes.size()) == Status::kOk);
    REQUIRE(e.operator_count() == 3);
    OperatorInfo info{};
    REQUIRE(e.operator_info(2, info) == Status::kOk);
    CHECK(std::string(info.kind) == "Pad");
    CHECK(std::string(info.output_name).empty());
    CHECK(info.input_tensor == 1);
    CHECK(info.output_tensor == 3);
    CHECK(info.input_rank == 3);
    CHECK(info.input_shape[0] == 6);
    CHECK(info.output_shape[1] == 8);
    CHECK(info.output_shape[3] == 1);  // unused dimension
    CHECK(info.macs == 0);
    CHECK(info.output_bytes == 64);
    CHECK(info.output_offset == 112);
    CHECK(info.scratch_bytes == 0);
    CHECK(e.scratch_peak_bytes() == 0);
    CHECK(info.pad_top == 1);
    CHECK(info.pad_right == 1);
    CHECK(info.pad_value == -128);
    CHECK(info.weights_tensor == -1);
    CHECK(info.requant_channels == 0);
    TensorInfo t{};
    REQUIRE(e.tensor_info(3, t) == Status::kOk);
    CHECK(std::string(t.name).empty());
    CHECK(t.scale_count == 0);  // no scale recorded: the engine needs none
    CHECK(t.zero_point == -128);
    CHECK(t.bytes == 64);
    CHECK_FALSE(t.is_constant);
    ModelInfo mi{};
    REQUIRE(e.model_info(mi) == Status::kOk);
    CHECK_FALSE(mi.has_provenance);
    CHECK(std::string(mi.architecture).empty());
    CHECK(mi.calibration_images == -1);
    CHECK(mi.input_tensor == 0);
    CHECK(mi.output_tensor == 3);
    CHECK(e.tensor_info(4, t) == Status::kBadParameter);
    Engine unloaded;
    CHECK(unloaded.tensor_info(0, t) == Status::kNotLoaded);
    CHECK(unloaded.model_info(mi) == Status::kNotLoaded);
}

TEST_CASE("operator view: parameters, weights and requantization of a conv with a fused pool and of an FC") {
    const ModelBytes bytes = serialize(*tiny());
    Engine e;
    REQUIRE(e.load(bytes.data(), bytes.size()) == Status::kOk);
    const auto m = tiny();
    const fbm::Conv2DT& c = *m->operators[1]->params.AsConv2D();
    OperatorInfo info{};
    REQUIRE(e.operator_info(1, info) == Status::kOk);
    CHECK(info.kernel_h == c.kernel_h);
    CHECK(info.stride_w == c.stride_w);
    CHECK(info.pad_bottom == c.pad_bottom);
    CHECK(info.pool_h == c.pool_h);
    CHECK(info.pool_stride_w == c.pool_stride_w);
    CHECK(info.act_min == c.act_min);
    CHECK(info.act_max == c.act_max);
    CHECK(info.weights_tensor == 4);
    CHECK(info.bias_tensor == 5);
    const auto& shifts = m->operators[1]->requant->shift;
    CHECK(info.requant_channels == static_cast<std::int32_t>(shifts.size()));
    CHECK(info.shift_min == *std::min_element(shifts.begin(), shifts.end()));
    CHECK(info.shift_max == *std::max_element(shifts.begin(), shifts.end()));
    TensorInfo w{}, b{};
    REQUIRE(e.tensor_info(info.weights_tensor, w) == Status::kOk);
    REQUIRE(e.tensor_info(info.bias_tensor, b) == Status::kOk);
    CHECK(w.is_constant);
    CHECK_FALSE(w.is_int32);
    CHECK(w.bytes == m->buffers[static_cast<std::size_t>(m->tensors[4]->buffer)]->data.size());
    CHECK(b.is_int32);
    CHECK(b.bytes == 4u * static_cast<std::uint32_t>(shifts.size()));
    CHECK(w.arena_offset == -1);
    REQUIRE(e.operator_info(2, info) == Status::kOk);
    CHECK(std::string(info.kind) == "FullyConnected");
    CHECK(info.weights_tensor == 7);
    CHECK(info.pool_h == 0);
}

namespace {
// Padding so large that the padded map passes int32 (issue 17's verifier hole): the kernels
// index rows and columns of the padded map, and the conv map, in int32.
// A pooled conv (op1 of tiny, 8 rows, kernel 3) whose conv map has 2^31 + 6 rows: a pool of
// window and stride 429,496,730 still sweeps it to the 5 rows of its output.
std::unique_ptr<fbm::ModelT> pooled_conv_map_past_int32() {
    auto m = tiny();
    conv(*m, 1).pad_top = conv(*m, 1).pad_bottom = 1 << 30;
    conv(*m, 1).pool_h = conv(*m, 1).pool_stride_h = 429496730;
    return m;
}
// A conv (op0 of tiny, 8 rows, kernel 3) with 2^32 - 8 padded rows swept by stride 613,566,755
// into its 8 output rows: the last row's top, 7 * stride, is past int32.
std::unique_ptr<fbm::ModelT> conv_rows_past_int32() {
    auto m = tiny();
    conv(*m, 0).pad_top = conv(*m, 0).pad_bottom = 0x7ffffff8;
    conv(*m, 0).stride_h = 613566755;
    return m;
}
// A Pad (op0 of pads(), 4 rows or columns) with pads of 2^31 - 1 each: 4 + 2^32 - 2 wraps
// 32 bits to 2, the height (or width) its output then claims.
std::unique_ptr<fbm::ModelT> pad_wrapping_32_bits(bool columns) {
    auto m = pads();
    auto& p = *op(*m, 0).params.AsPad();
    (columns ? p.pad_left : p.pad_top) = (columns ? p.pad_right : p.pad_bottom) = 0x7fffffff;
    tensor(*m, 1).shape = columns ? std::vector<std::int32_t>{6, 2, 1} : std::vector<std::int32_t>{2, 6, 1};
    tensor(*m, 3).shape = columns ? std::vector<std::int32_t>{8, 4, 1} : std::vector<std::int32_t>{4, 8, 1};
    return m;
}
}  // namespace

TEST_CASE("attack: padding that takes the padded map past int32") {
    CHECK(verify(*pooled_conv_map_past_int32()) == Status::kBadParameter);
    CHECK(verify(*conv_rows_past_int32()) == Status::kBadParameter);
    CHECK(verify(*pad_wrapping_32_bits(false)) == Status::kBadParameter);
    CHECK(verify(*pad_wrapping_32_bits(true)) == Status::kBadParameter);
}

TEST_CASE("attack: a conv padding of its kernel or more (zeros only, unbounded run time)") {
    // tiny's op0 has a 3x3 kernel and pads 1: each pad at 3 is refused, whatever the shapes say.
    for (int side = 0; side < 4; ++side) {
        auto m = tiny();
        auto& c = conv(*m, 0);
        (side == 0 ? c.pad_top : side == 1 ? c.pad_bottom : side == 2 ? c.pad_left : c.pad_right) = 3;
        CHECK(verify(*m) == Status::kBadParameter);
    }
}
