#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace nf {

// Without leading and trailing spaces, tabs and carriage returns.
std::string trimmed(std::string_view text);

// Without a leading UTF-8 byte order mark (editors on Windows write one; JSON and CSV readers
// must not see it as content).
std::string_view withoutByteOrderMark(std::string_view text);

// The 1-based line holding the 1-based byte position `byte` of text (nlohmann::json's
// parse_error::byte): parse errors name the line an editor shows, not an offset.
int64_t lineAtByte(std::string_view text, size_t byte);

// Up to `count` bytes from the start of a file ("" when it cannot be read): enough to tell a
// format by its opening without reading a large file.
std::string fileHead(const std::filesystem::path& path, size_t count);

// Untrusted text made safe to quote in a message: at most `maxCharacters` characters, then "…";
// control characters, bytes that are not UTF-8 and the invisible marks that reorder or break a
// line (bidirectional overrides, U+2028) written as \xNN or \u{NNNN}, so that a file's content
// can neither flood a message nor rewrite a terminal.
std::string printableExcerpt(std::string_view text, size_t maxCharacters = 80);

// A duration as a person plans with it: "about 40 s", "about 12 min", "about 3.5 h",
// "about 2.5 days".
std::string durationText(double seconds);

} // namespace nf
