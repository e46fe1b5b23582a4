#pragma once

#include <string>
#include <string_view>

namespace nf {

// Without leading and trailing spaces, tabs and carriage returns.
std::string trimmed(std::string_view text);

// Without a leading UTF-8 byte order mark (editors on Windows write one; JSON and CSV readers
// must not see it as content).
std::string_view withoutByteOrderMark(std::string_view text);

} // namespace nf
