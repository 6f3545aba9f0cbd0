// The Status numbers are ABI: C firmware compares td_status values with the numbers documented
// in engine/README.md and README.md. Reordering or inserting an enumerator would change them
// with every other test still green, so each enumerator's value is compared with both tables.
#include <doctest/doctest.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "tinydigit/engine/status.hpp"

using tinydigit::engine::Status;

namespace {

// Every enumerator by its own name: the value comes from the enum, not from a table in order.
#define TD_STATUS(name) {#name, Status::name}
const std::map<std::string, Status> kEnumerators = {
    TD_STATUS(kOk), TD_STATUS(kNullArgument), TD_STATUS(kMisalignedModel), TD_STATUS(kNotAModel),
    TD_STATUS(kMalformedModel), TD_STATUS(kUnsupportedVersion), TD_STATUS(kTooLarge), TD_STATUS(kEmptyGraph),
    TD_STATUS(kUnknownOperator), TD_STATUS(kBadOperator), TD_STATUS(kBadTensorIndex), TD_STATUS(kBadTensorKind),
    TD_STATUS(kBadType), TD_STATUS(kBadShape), TD_STATUS(kShapeOverflow), TD_STATUS(kBadBuffer),
    TD_STATUS(kBufferSizeMismatch), TD_STATUS(kMisalignedBuffer), TD_STATUS(kArenaOutOfBounds),
    TD_STATUS(kMisalignedOffset), TD_STATUS(kOverlap), TD_STATUS(kAliasedOutput), TD_STATUS(kScratchTooSmall),
    TD_STATUS(kScratchOverlap), TD_STATUS(kBadParameter), TD_STATUS(kKernelTooLarge), TD_STATUS(kReductionTooLong),
    TD_STATUS(kShapeMismatch), TD_STATUS(kBadRequantization), TD_STATUS(kBadZeroPoint), TD_STATUS(kReadBeforeWrite),
    TD_STATUS(kWrittenTwice), TD_STATUS(kBadInputOutput), TD_STATUS(kNotLoaded), TD_STATUS(kArenaNotBound),
    TD_STATUS(kArenaTooSmall), TD_STATUS(kMisalignedArena), TD_STATUS(kSizeMismatch),
    TD_STATUS(kBadFileLength), TD_STATUS(kBadChecksum), TD_STATUS(kBadBand),
};
#undef TD_STATUS

// name -> number from the rows of a markdown table that `row` (an sscanf format reading the
// number and the name) matches, e.g. "| 20 kOverlap | ... |".
std::map<std::string, int> documented(const char* file, const char* row) {
    std::ifstream in(std::filesystem::path(TINYDIGIT_SOURCE_DIR) / file);
    REQUIRE(in);
    std::map<std::string, int> numbers;
    for (std::string line; std::getline(in, line);) {
        int number = -1;
        char name[64] = {};
        if (std::sscanf(line.c_str(), row, &number, name) == 2 && name[0] == 'k' && std::isupper(static_cast<unsigned char>(name[1])))
            numbers[name] = number;
    }
    return numbers;
}

}  // namespace

TEST_CASE("Status: every enumerator has the number engine/README.md documents, and every number is documented") {
    const auto numbers = documented("engine/README.md", "| %d %63[A-Za-z] |");
    CHECK(numbers.size() == kEnumerators.size());
    CHECK(kEnumerators.size() == static_cast<std::size_t>(tinydigit::engine::kStatusCount));
    for (const auto& [name, status] : kEnumerators) {
        CAPTURE(name);
        REQUIRE(numbers.count(name) == 1);
        CHECK(static_cast<int>(status) == numbers.at(name));
        CHECK(tinydigit::engine::status_name(status) == name);
    }
}

TEST_CASE("Status: the numbers in README.md's table of common statuses are the enum's") {
    const auto numbers = documented("README.md", "| %d | %63[A-Za-z] |");
    CHECK(numbers.size() >= 5);
    for (const auto& [name, number] : numbers) {
        CAPTURE(name);
        REQUIRE(kEnumerators.count(name) == 1);
        CHECK(static_cast<int>(kEnumerators.at(name)) == number);
    }
}
