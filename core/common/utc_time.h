#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace nf {

// ISO-8601 UTC to the second: "2026-11-28T04:10:00Z".
std::string isoUtc(std::time_t seconds);

// Whether `text` is a time the store takes for a run's start: YYYY-MM-DD, then optionally "T" or
// a space and HH:MM[:SS[.fraction]] with an optional "Z" or ±HH:MM. Each field within its range
// (the day within its month), the year from 1000 to 9000 (so that adding a run's duration stays
// within what SQLite's date functions compute). Every such text is one SQLite's strftime reads.
bool isIsoTime(std::string_view text);

} // namespace nf
