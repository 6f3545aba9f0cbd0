// The engine's read-only view of a verified model (Engine::operator_info, td_get_operator_info,
// tensor_info, model_info), which is all `inspect` reads, against what it prints for the
// committed models (models/*/inspect.txt pins that text): kind, output name and shape, MACs,
// output bytes and arena offset per operator, and the plan's arena and scratch peak.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tinydigit/engine/c_api.h"
#include "tinydigit/engine/engine.hpp"
#include "tinydigit/tools/describe_model.hpp"
#include "tinydigit/tools/model_file.hpp"

using namespace tinydigit::tools;
namespace engine = tinydigit::engine;

namespace {

std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// The first line of `text` whose first word is `first`.
std::vector<std::string> row(const std::string& text, const std::string& first) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        auto w = words(line);
        if (!w.empty() && w[0] == first) return w;
    }
    return {};
}

// Concatenation through a stream: GCC 12 warns falsely (-Wrestrict) on literal + std::string.
template <typename... Parts>
std::string cat(const Parts&... parts) {
    std::ostringstream s;
    (s << ... << parts);
    return s.str();
}

std::string dims(const std::int32_t* d, int rank) {
    std::ostringstream s;
    for (int i = 0; i < rank; ++i) s << (i ? "x" : "") << d[i];
    return s.str();
}

}  // namespace

TEST_CASE("operator view: the engine reports each operator as inspect prints it, for the committed models") {
    const std::filesystem::path root = TINYDIGIT_SOURCE_DIR;
    for (const char* arch : {"seed", "compact"}) {
        CAPTURE(arch);
        const auto file = ModelFile::read(root / "models" / arch / "model.fb");
        engine::Engine e;
        REQUIRE(e.load(file.bytes().data(), file.bytes().size()) == engine::Status::kOk);
        const std::string text = describe_model(e, file.bytes().size());
        std::uint64_t total_macs = 0;
        std::uint32_t scratch_peak = 0;
        for (int i = 0; i < e.operator_count(); ++i) {
            CAPTURE(i);
            engine::OperatorInfo info{};
            REQUIRE(e.operator_info(i, info) == engine::Status::kOk);
            const auto layer = row(text, std::to_string(i));
            REQUIRE(layer.size() > 6);
            CHECK(layer[1] == info.kind);
            CHECK(layer[2] == info.output_name);
            CHECK(layer[3] == dims(info.input_shape, info.input_rank));
            CHECK(layer[4] == dims(info.output_shape, info.output_rank));
            CHECK(text.find(cat(" ", with_commas(info.macs), " ")) != std::string::npos);
            const auto plan = row(text, info.output_name);
            REQUIRE(plan.size() >= 3);
            CHECK(plan[1] == std::to_string(info.output_offset));
            // A banded chain's window holds window_rows of the tensor's rows (inspect shows what lives in the arena).
            engine::TensorInfo tensor{};
            REQUIRE(e.tensor_info(info.output_tensor, tensor) == engine::Status::kOk);
            const std::uint32_t rows = tensor.window_rows > 0 ? static_cast<std::uint32_t>(tensor.window_rows)
                                                              : static_cast<std::uint32_t>(info.output_shape[0]);
            CHECK(plan[2] == with_commas(info.output_bytes / static_cast<std::uint32_t>(info.output_shape[0]) * rows));
            const auto scratch = row(text, cat("scratch", i));
            REQUIRE(scratch.size() >= 3);
            CHECK(scratch[1] == std::to_string(info.scratch_offset));
            CHECK(scratch[2] == with_commas(info.scratch_bytes));
            total_macs += info.macs;
            scratch_peak = info.scratch_bytes > scratch_peak ? info.scratch_bytes : scratch_peak;

            static td_engine c;  // the C API gives the same view
            REQUIRE(td_load(&c, file.bytes().data(), file.bytes().size()) == TD_OK);
            td_operator_info ci{};
            REQUIRE(td_get_operator_info(&c, i, &ci) == TD_OK);
            CHECK(std::string(ci.kind) == info.kind);
            CHECK(ci.macs == info.macs);
            CHECK(ci.output_offset == info.output_offset);
            CHECK(ci.output_shape[2] == info.output_shape[2]);
            CHECK(td_scratch_peak_bytes(&c) == e.scratch_peak_bytes());
            CHECK(td_plan_arena_bytes(&c) == e.plan_arena_bytes());
        }
        CHECK(total_macs == model_sizes(e, file.bytes().size()).macs);
        CHECK(e.scratch_peak_bytes() == scratch_peak);
        CHECK(text.find(cat("scratch peak ", with_commas(scratch_peak), ")")) != std::string::npos);
        // inspect prints the model's plan; arena_bytes() adds the host extension of an x86 set.
        CHECK(text.find(cat("arena: ", with_commas(e.plan_arena_bytes()), " bytes")) != std::string::npos);

        engine::ModelInfo model{};  // what inspect's header lines come from
        REQUIRE(e.model_info(model) == engine::Status::kOk);
        CHECK(std::string(model.architecture) == arch);
        CHECK(model.has_provenance);
        CHECK(text.find(cat("source: ", model.source_checkpoint, " (sha256 ", model.source_checkpoint_sha256, ")")) !=
              std::string::npos);
        engine::TensorInfo input{};
        REQUIRE(e.tensor_info(model.input_tensor, input) == engine::Status::kOk);
        CHECK(input.zero_point == -128);
        CHECK(input.scale_count == 1);

        engine::OperatorInfo info{};
        CHECK(e.operator_info(e.operator_count(), info) == engine::Status::kBadParameter);
        CHECK(e.operator_info(-1, info) == engine::Status::kBadParameter);
    }
    engine::Engine unloaded;
    engine::OperatorInfo info{};
    CHECK(unloaded.operator_info(0, info) == engine::Status::kNotLoaded);
    CHECK(unloaded.scratch_peak_bytes() == 0);
    CHECK(td_get_operator_info(nullptr, 0, nullptr) == static_cast<td_status>(engine::Status::kNullArgument));
}
