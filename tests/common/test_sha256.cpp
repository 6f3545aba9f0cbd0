#include <doctest/doctest.h>

#include <string>

#include "support/temp_dir.hpp"
#include "tinydigit/host/common/sha256.hpp"

using tinydigit::common::IoError;
using tinydigit::common::sha256_hex_of_file;

TEST_CASE("sha256 of known contents (FIPS 180-2 vectors)") {
    const tinydigit::testing::TempDir dir;
    CHECK(sha256_hex_of_file(dir.write("empty", "")) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex_of_file(dir.write("abc", "abc")) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // Larger than one read chunk, so the chunked update path is exercised.
    CHECK(sha256_hex_of_file(dir.write("million", std::string(1000000, 'a'))) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 of a missing file names the path") {
    const tinydigit::testing::TempDir dir;
    const auto missing = dir.path() / "nope";
    CHECK_THROWS_WITH_AS(sha256_hex_of_file(missing), (missing.string() + ": cannot open: No such file or directory").c_str(),
                         IoError);
}
