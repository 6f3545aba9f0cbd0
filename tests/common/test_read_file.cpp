#include <doctest/doctest.h>

#include <string>

#include "support/temp_dir.hpp"
#include "tinydigit/host/common/read_file.hpp"

using tinydigit::common::IoError;
using tinydigit::common::read_file;

TEST_CASE("read_file returns every byte") {
    const tinydigit::testing::TempDir dir;
    std::string content(200000, '\0');
    for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7);
    const auto bytes = read_file(dir.write("f", content));
    REQUIRE(bytes.size() == content.size());
    CHECK(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()) == content);
    CHECK(read_file(dir.write("empty", "")).empty());
}

TEST_CASE("read_file names the path of a missing file or a folder") {
    const tinydigit::testing::TempDir dir;
    const auto missing = dir.path() / "missing.ckpt";
    CHECK_THROWS_WITH_AS(read_file(missing), (missing.string() + ": cannot open: No such file or directory").c_str(),
                         IoError);
    CHECK_THROWS_WITH_AS(read_file(dir.path()), (dir.path().string() + ": cannot read: Is a directory").c_str(),
                         IoError);
}
