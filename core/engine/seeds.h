#pragma once

// The seeds of a plan, from the user's list or from a start and a count. No torch here.

#include <cstdint>
#include <string>
#include <vector>

namespace nf::engine {

// Seeds from "1,2,3" or from a start and a count; throws nf::InputError naming the option.
std::vector<int64_t> parseSeedList(const std::string& text);
std::vector<int64_t> seedRange(int64_t start, int64_t count);

} // namespace nf::engine
