#include "engine/seeds.h"

#include "common/error.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace nf::engine {

std::vector<int64_t> parseSeedList(const std::string& text)
{
    std::vector<int64_t> seeds;
    size_t begin = 0;
    while (begin <= text.size()) {
        const size_t end = std::min(text.find(',', begin), text.size());
        const std::string piece = text.substr(begin, end - begin);
        int64_t seed = 0;
        const auto [ptr, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), seed);
        if (piece.empty() || ec != std::errc() || ptr != piece.data() + piece.size() || seed < 0)
            throw InputError("seeds: '" + piece + "' in '" + text + "' is not a non-negative integer");
        seeds.push_back(seed);
        if (static_cast<int64_t>(seeds.size()) > kMaxRepeats)
            throw InputError("seeds: more than " + std::to_string(kMaxRepeats) + " seeds in one list");
        begin = end + 1;
    }
    return seeds;
}

std::vector<int64_t> seedRange(int64_t start, int64_t count)
{
    if (count < 1 || count > kMaxRepeats)
        throw InputError("--repeats: " + std::to_string(count) + " must be from 1 to " + std::to_string(kMaxRepeats));
    if (start < 0)
        throw InputError("--seed-start: " + std::to_string(start) + " must be 0 or more");
    if (start > std::numeric_limits<int64_t>::max() - (count - 1))
        throw InputError("--seed-start: " + std::to_string(start) + " with " + std::to_string(count) +
                         " repeats goes past the largest seed, " +
                         std::to_string(std::numeric_limits<int64_t>::max()));
    std::vector<int64_t> seeds(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i)
        seeds[static_cast<size_t>(i)] = start + i;
    return seeds;
}

} // namespace nf::engine
