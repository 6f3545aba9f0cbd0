#include <doctest/doctest.h>

#include <string_view>

#include "tinydigit/engine/checksum.hpp"

using tinydigit::engine::fnv1a32;

TEST_CASE("checksum: FNV-1a 32 matches its published test vectors") {
    for (const auto& [text, hash] : {std::pair<std::string_view, std::uint32_t>{"", 0x811c9dc5u},
                                     {"a", 0xe40c292cu},
                                     {"foobar", 0xbf9cf968u}}) {
        CAPTURE(text);
        CHECK(fnv1a32(text.data(), text.size()) == hash);
    }
}

TEST_CASE("checksum: int8 logits hash by their bytes (two's complement)") {
    const std::int8_t logits[] = {-128, -1, 0, 127};
    const std::uint8_t bytes[] = {0x80, 0xff, 0x00, 0x7f};
    CHECK(fnv1a32(logits, sizeof logits) == fnv1a32(bytes, sizeof bytes));
    CHECK(fnv1a32(logits, sizeof logits) != fnv1a32(bytes, 3));
}
