// A test case that cannot run on this machine says so instead of passing: skip_case() prints a
// marker that CTest (SKIP_REGULAR_EXPRESSION, set in tests/CMakeLists.txt) reports as "Skipped"
// when the case otherwise succeeded. Call it before the case's first assertion and return: CTest
// reports the whole case, so anything checked before the skip would go unreported.
#pragma once

#include <cstdio>
#include <string>

namespace tinydigit::test {

// Keep in sync with SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt.
inline constexpr const char* kSkipMarker = "SKIPPED (not run here): ";

inline void skip_case(const std::string& reason) {
    std::printf("%s%s\n", kSkipMarker, reason.c_str());
    std::fflush(stdout);
}

}  // namespace tinydigit::test
