// Properties a harness asserts beyond "no crash": a violation aborts, which libFuzzer reports
// as a finding and the regression replay (tests/fuzz_regressions) as a failed test.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace tinydigit::fuzz {

inline void expect(bool holds, const char* property) {
    if (holds) return;
    std::fprintf(stderr, "fuzz property violated: %s\n", property);
    std::abort();
}

// What the house rules promise for bad input: a clear one-line message. The harnesses name
// their files with short paths, so a long message means the reader echoed the input at
// length, and a control character means the input could break the line or drive a terminal.
inline void expect_one_line(std::string_view message) {
    constexpr std::size_t kMaxLength = 400;
    const char* broken = nullptr;
    if (message.empty()) broken = "the error message is not empty";
    if (message.size() > kMaxLength) broken = "the error message is at most 400 characters";
    for (const char c : message) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) broken = "the error message has no control characters";
    }
    if (!broken) return;
    // Show the message escaped and cut, so the report itself stays readable.
    std::fprintf(stderr, "message (%zu bytes): \"", message.size());
    for (const char c : message.substr(0, 300)) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7F) std::fprintf(stderr, "\\x%02x", u);
        else std::fputc(c, stderr);
    }
    std::fprintf(stderr, "\"%s\n", message.size() > 300 ? "..." : "");
    expect(false, broken);
}

}  // namespace tinydigit::fuzz
