#include "stats/control_rules.h"

#include <cmath>
#include <cstddef>

namespace nf::stats {

namespace {

// +1 when z is beyond `limit` above, -1 below, 0 inside or null.
int sideBeyond(const std::optional<double>& z, double limit)
{
    if (!z)
        return 0;
    if (*z > limit)
        return 1;
    if (*z < -limit)
        return -1;
    return 0;
}

// Whether at least `needed` of the `window` runs ending at `last` are beyond `limit` on the side
// of run `last`, which must itself be beyond.
bool windowBeyond(const std::vector<std::optional<double>>& z, std::size_t last, std::size_t window,
                  std::size_t needed, double limit)
{
    const int side = sideBeyond(z[last], limit);
    if (side == 0)
        return false;
    const std::size_t first = last + 1 >= window ? last + 1 - window : 0;
    std::size_t count = 0;
    for (std::size_t i = first; i <= last; ++i)
        count += sideBeyond(z[i], limit) == side ? 1 : 0;
    return count >= needed;
}

} // namespace

std::vector<std::vector<std::string>> westernElectricRules(const std::vector<std::optional<double>>& z)
{
    constexpr std::size_t kRowLength = 8;
    std::vector<std::vector<std::string>> fired(z.size());
    int rowSign = 0;
    std::size_t rowLength = 0;
    for (std::size_t i = 0; i < z.size(); ++i) {
        const int sign = sideBeyond(z[i], 0.0);
        rowLength = sign != 0 && sign == rowSign ? rowLength + 1 : (sign != 0 ? 1 : 0);
        rowSign = sign;
        if (!z[i])
            continue;
        if (std::fabs(*z[i]) > 3.0)
            fired[i].emplace_back(kBeyond3Sigma);
        if (windowBeyond(z, i, 3, 2, 2.0))
            fired[i].emplace_back(kTwoOfThreeBeyond2Sigma);
        if (windowBeyond(z, i, 5, 4, 1.0))
            fired[i].emplace_back(kFourOfFiveBeyond1Sigma);
        if (rowLength >= kRowLength)
            fired[i].emplace_back(kEightInARowOneSide);
    }
    return fired;
}

} // namespace nf::stats
