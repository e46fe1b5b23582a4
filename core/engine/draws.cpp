#include "engine/draws.h"

#include <algorithm>
#include <numeric>

namespace nf::engine {

uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t counterBits(uint64_t seed, uint64_t item, DrawStream stream)
{
    constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
    uint64_t state = mix64(seed + kGolden);
    state = mix64(state ^ (static_cast<uint64_t>(stream) * kGolden));
    return mix64(state ^ (item + kGolden));
}

double counterUniform(uint64_t seed, uint64_t item, DrawStream stream)
{
    return static_cast<double>(counterBits(seed, item, stream) >> 11) * 0x1.0p-53;
}

std::vector<int64_t> shuffledOrder(int64_t n, uint64_t seed)
{
    std::vector<std::pair<uint64_t, int64_t>> keyed(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        keyed[static_cast<size_t>(i)] = {counterBits(seed, static_cast<uint64_t>(i), DrawStream::Order), i};
    std::sort(keyed.begin(), keyed.end());
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::transform(keyed.begin(), keyed.end(), order.begin(), [](const auto& entry) { return entry.second; });
    return order;
}

} // namespace nf::engine
