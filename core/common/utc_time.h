#pragma once

#include <ctime>
#include <string>

namespace nf {

// ISO-8601 UTC to the second: "2026-11-28T04:10:00Z".
std::string isoUtc(std::time_t seconds);

} // namespace nf
