#include <doctest/doctest.h>
#include <sys/resource.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"
#include "tinydigit/host/common/atomic_file.hpp"

namespace fs = std::filesystem;
using tinydigit::common::IoError;
using tinydigit::common::write_file_atomically;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t entries_in(const fs::path& folder) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(folder)) ++n;
    return n;
}

std::string message_of_failed_write(const fs::path& target, std::string_view text) {
    try {
        write_file_atomically(target, text);
    } catch (const IoError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("a new file gets exactly the bytes, with no temporary file left") {
    const tinydigit::testing::TempDir dir;
    const auto target = dir.path() / "out.bin";
    const std::vector<std::byte> bytes{std::byte{0}, std::byte{0xFF}, std::byte{'\n'}, std::byte{0x80}};
    write_file_atomically(target, bytes);
    CHECK(slurp(target) == std::string("\0\xFF\n\x80", 4));
    CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("an existing file is replaced, including by empty content") {
    const tinydigit::testing::TempDir dir;
    const auto target = dir.write("out.txt", "old content that is longer");
    write_file_atomically(target, std::string_view("new"));
    CHECK(slurp(target) == "new");
    write_file_atomically(target, std::string_view());
    CHECK(fs::exists(target));
    CHECK(fs::file_size(target) == 0);
    CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("a folder that is a regular file fails with one line naming the path and reason") {
    const tinydigit::testing::TempDir dir;
    const auto not_a_folder = dir.write("plain", "x");
    const auto target = not_a_folder / "out.txt";
    const std::string message = message_of_failed_write(target, "data");
    CHECK(message.find(target.string()) == 0);
    CHECK(message.find("Not a directory") != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
    CHECK(slurp(not_a_folder) == "x");
}

TEST_CASE("a missing folder fails and creates nothing") {
    const tinydigit::testing::TempDir dir;
    const auto target = dir.path() / "missing" / "out.txt";
    const std::string message = message_of_failed_write(target, "data");
    CHECK(message.find(target.string()) == 0);
    CHECK(message.find("No such file or directory") != std::string::npos);
    CHECK(entries_in(dir.path()) == 0);
}

TEST_CASE("a write that fails midway keeps the previous file and removes the temporary") {
    // The file size limit makes write() fail with EFBIG part way, as a full disk would
    // with ENOSPC; running as root does not bypass it (unlike folder permissions).
    const tinydigit::testing::TempDir dir;
    const auto target = dir.write("last.ckpt", "previous checkpoint");
    const std::string big(1 << 16, 'n');

    rlimit saved{};
    REQUIRE(getrlimit(RLIMIT_FSIZE, &saved) == 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = saved;
    limited.rlim_cur = 4096;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &limited) == 0);
    const std::string message = message_of_failed_write(target, big);
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, old_handler);

    CHECK(message == target.string() + ": cannot write: File too large");
    CHECK(slurp(target) == "previous checkpoint");
    CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("a path that is a folder is refused and the folder kept") {
    const tinydigit::testing::TempDir dir;
    fs::create_directory(dir.path() / "sub");
    const std::string message = message_of_failed_write(dir.path() / "sub", "data");
    CHECK(message.find((dir.path() / "sub").string()) == 0);
    CHECK(fs::is_directory(dir.path() / "sub"));
    CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("stale temporaries of a killed writer are swept, other files are kept") {
    const tinydigit::testing::TempDir dir;
    dir.write("last.ckpt", "complete");
    dir.write(".last.ckpt.tmp.4242.0", "half a checkp");
    dir.write(".last.ckpt.tmp.4243.7", "");
    dir.write(".best.ckpt.tmp.4242.1", "another target's");
    dir.write("last.ckpt.notes", "the user's");
    tinydigit::common::remove_stale_temporaries(dir.path() / "last.ckpt");
    CHECK(slurp(dir.path() / "last.ckpt") == "complete");
    CHECK(fs::exists(dir.path() / ".best.ckpt.tmp.4242.1"));
    CHECK(fs::exists(dir.path() / "last.ckpt.notes"));
    CHECK(entries_in(dir.path()) == 3);
}

TEST_CASE("a writable folder passes the check and is left as it was, a missing one fails with its name") {
    const tinydigit::testing::TempDir dir;
    tinydigit::common::check_writable_folder(dir.path());
    CHECK(entries_in(dir.path()) == 0);
    const auto missing = dir.path() / "missing";
    std::string message;
    try {
        tinydigit::common::check_writable_folder(missing);
    } catch (const IoError& e) {
        message = e.what();
    }
    CHECK(message == missing.string() + ": cannot write into this folder: No such file or directory");
}
