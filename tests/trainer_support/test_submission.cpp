#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "support/temp_dir.hpp"
#include "tinydigit/host/training/submission.hpp"

using namespace tinydigit::trainer;

TEST_CASE("submission lists 1-based image ids with their labels in input order") {
    const std::vector<std::uint8_t> labels{2, 0, 9, 7};
    CHECK(submission_csv(labels) == "ImageId,Label\n1,2\n2,0\n3,9\n4,7\n");
    CHECK(submission_csv({}) == "ImageId,Label\n");
}

TEST_CASE("a submission file for 28000 test images has a header and 28000 rows") {
    const tinydigit::testing::TempDir dir;
    std::vector<std::uint8_t> labels(28000);
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::uint8_t>(i * 7 % 10);
    write_submission(dir.path() / "submission.csv", labels);
    std::ifstream in(dir.path() / "submission.csv");
    std::string line;
    std::getline(in, line);
    CHECK(line == "ImageId,Label");
    std::size_t rows = 0;
    while (std::getline(in, line)) {
        ++rows;
        REQUIRE(line == std::to_string(rows) + "," + std::to_string(labels[rows - 1]));
    }
    CHECK(rows == 28000);
}

TEST_CASE("a label outside 0..9 is refused and nothing is written") {
    const tinydigit::testing::TempDir dir;
    const std::vector<std::uint8_t> labels{1, 10};
    CHECK_THROWS_WITH_AS(write_submission(dir.path() / "s.csv", labels),
                         "submission: image 2 has label 10, not a digit 0..9", std::invalid_argument);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "s.csv"));
}
