#include <doctest/doctest.h>

#include "model_fixtures.hpp"
#include "tinydigit/schema/model_generated.h"
#include "tinydigit/tools/model_writer.hpp"

using namespace tinydigit::tools;
namespace fbm = tinydigit::model;

TEST_CASE("model writer: the file verifies and carries identifier, version, graph and plan") {
    const auto model = tinydigit::testing::small_random_model(1);
    const ChainPlan plan = plan_chain(chain_plan_request(model, {0, 256}));
    const auto bytes = write_model_flatbuffer(model, plan);
    REQUIRE(fbm::ModelBufferHasIdentifier(bytes.data()));
    flatbuffers::Verifier verifier(bytes.data(), bytes.size());
    REQUIRE(fbm::VerifyModelBuffer(verifier));
    const auto* m = fbm::GetModel(bytes.data());
    CHECK(m->format_version() == kModelFormatVersion);
    CHECK(m->architecture()->str() == "test");
    REQUIRE(m->operators()->size() == 2);
    CHECK(m->operators()->Get(0)->params_type() == fbm::OpParams::Conv2D);
    CHECK(m->operators()->Get(0)->params_as_Conv2D()->pool_h() == 2);
    CHECK(m->operators()->Get(1)->params_type() == fbm::OpParams::FullyConnected);
    CHECK(m->operators()->Get(1)->scratch_bytes() == 256);
    CHECK(m->operators()->Get(1)->scratch_offset() == plan.scratch_offset[1]);
    CHECK(m->plan()->arena_bytes() == plan.arena_bytes);

    // The chain: op i reads the tensor op i-1 wrote; the model input and output are its ends.
    const auto* op0 = m->operators()->Get(0);
    const auto* op1 = m->operators()->Get(1);
    CHECK(op0->inputs()->Get(0) == m->input());
    CHECK(op1->inputs()->Get(0) == op0->outputs()->Get(0));
    CHECK(op1->outputs()->Get(0) == m->output());
    const auto* input = m->tensors()->Get(m->input());
    CHECK(input->quantization()->zero_point()->Get(0) == -128);
    CHECK(input->quantization()->scale()->Get(0) == 1.0f / 255.0f);
    CHECK(m->tensors()->Get(op0->outputs()->Get(0))->arena_offset() == static_cast<int>(plan.activation_offset[1]));

    // Constant data round-trips byte for byte.
    const auto* weights = m->tensors()->Get(op1->inputs()->Get(1));
    const auto* data = m->buffers()->Get(weights->buffer())->data();
    REQUIRE(data->size() == model.layers[1].weights.size());
    CHECK(std::equal(data->begin(), data->end(), reinterpret_cast<const std::uint8_t*>(model.layers[1].weights.data())));
    const auto* requant = op1->requant();
    CHECK(std::equal(requant->multiplier()->begin(), requant->multiplier()->end(), model.layers[1].multiplier.begin()));
    CHECK(std::equal(requant->shift()->begin(), requant->shift()->end(), model.layers[1].shift.begin()));
}

TEST_CASE("model writer: every constant buffer is 16-byte aligned in the written file") {
    for (std::uint32_t seed = 1; seed <= 5; ++seed) {
        auto model = tinydigit::testing::small_random_model(seed);
        model.architecture = std::string(seed, 'x');  // shift everything by odd string lengths
        const auto bytes = write_model_flatbuffer(model, plan_chain(chain_plan_request(model, {0, 0})));
        CHECK(bytes.size() % kConstantAlignment == 0);
        const auto* m = fbm::GetModel(bytes.data());
        REQUIRE(m->buffers()->size() == 4);
        for (const auto* buffer : *m->buffers()) {
            const auto offset = static_cast<std::size_t>(buffer->data()->data() - bytes.data());
            CHECK(offset % kConstantAlignment == 0);
        }
    }
}

TEST_CASE("model writer: a plan for another graph is rejected") {
    const auto model = tinydigit::testing::small_random_model(1);
    const ChainPlan plan = plan_chain({{784, 100, 10, 10}, {0, 0, 0}, {}});
    CHECK_THROWS_AS(write_model_flatbuffer(model, plan), std::invalid_argument);
    CHECK_THROWS_AS(chain_plan_request(model, {0}), std::invalid_argument);
}
