#pragma once

// The seeds of a plan, from the user's list or from a start and a count. No torch here.

#include <cstdint>
#include <string>
#include <vector>

namespace nf::engine {

// The most repeats one command runs, as the app's "most repeats at once" allows: each is a whole
// evaluation, stored item by item.
inline constexpr int64_t kMaxRepeats = 100000;

// Seeds from "1,2,3" or from a start and a count; throws nf::InputError naming the option (the
// CLI's): a count outside 1..kMaxRepeats, seeds below 0 or past the largest int64.
std::vector<int64_t> parseSeedList(const std::string& text);
std::vector<int64_t> seedRange(int64_t start, int64_t count);

} // namespace nf::engine
