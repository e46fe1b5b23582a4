#include "stats/control_rules.h"

#include "stats/describe.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
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

// Far enough out that any finite tail maps below it; keeps the JSON free of infinities.
constexpr double kLargestZ = 40.0;

// The standard normal z with the same one-sided tail as t on df degrees of freedom.
double normalEquivalent(double t, double df)
{
    if (t == 0.0)
        return 0.0;
    const double tail = boost::math::cdf(boost::math::complement(boost::math::students_t(df), std::fabs(t)));
    const double z = tail > 0.0 ? boost::math::quantile(boost::math::complement(boost::math::normal(), tail))
                                : kLargestZ;
    return std::copysign(std::min(z, kLargestZ), t);
}

} // namespace

std::string ruleWords(const std::string& rule)
{
    if (rule == kBeyond3Sigma)
        return "more than 3 sd from the rest of the group";
    if (rule == kTwoOfThreeBeyond2Sigma)
        return "2 of the last 3 runs more than 2 sd from the group, on one side";
    if (rule == kFourOfFiveBeyond1Sigma)
        return "4 of the last 5 runs more than 1 sd from the group, on one side";
    if (rule == kEightInARowOneSide)
        return "8 runs in a row on one side of the group's median";
    return rule;
}

std::vector<std::optional<double>> leaveOneOutZ(const std::vector<double>& values, double minScale)
{
    std::vector<std::optional<double>> z(values.size());
    if (values.size() < kMinRunsForZ)
        return z;
    const auto [lowest, highest] = std::minmax_element(values.begin(), values.end());
    if (*lowest == *highest)
        return z;
    // The others' mean and sum of squares from the whole group's, in O(n): leaving x out moves
    // the mean by (m - x) / (n - 1) and takes n / (n - 1) * (x - m)^2 off the sum of squares.
    const Description all = describe(values);
    const double n = static_cast<double>(values.size());
    const double others = n - 1.0;
    const double squares = all.sd * all.sd * others;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double offset = values[i] - all.mean;
        const double meanOthers = all.mean - offset / others;
        const double squaresOthers = std::max(0.0, squares - n / others * offset * offset);
        const double sdOthers = std::sqrt(squaresOthers / (others - 1.0));
        const double scale = std::max(sdOthers, minScale) * std::sqrt(1.0 + 1.0 / others);
        const double gap = values[i] - meanOthers;
        if (!(scale > 0.0)) {
            // The others agree exactly and no resolution was given: a run off them is beyond any
            // finite limit.
            z[i] = std::copysign(kLargestZ, gap);
            continue;
        }
        z[i] = normalEquivalent(gap / scale, others - 1.0);
    }
    return z;
}

std::vector<std::vector<std::string>> westernElectricRules(const std::vector<std::optional<double>>& z,
                                                          const std::vector<int>& sides)
{
    constexpr std::size_t kRowLength = 8;
    std::vector<std::vector<std::string>> fired(z.size());
    int rowSign = 0;
    std::size_t rowLength = 0;
    for (std::size_t i = 0; i < z.size(); ++i) {
        const int sign = i < sides.size() ? (z[i] ? sides[i] : 0) : sideBeyond(z[i], 0.0);
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

ControlChart controlChart(const std::vector<double>& values, double minScale)
{
    ControlChart chart;
    chart.z = leaveOneOutZ(values, minScale);
    std::vector<int> sides(values.size(), 0);
    if (!values.empty()) {
        const double median = describe(values).median;
        for (std::size_t i = 0; i < values.size(); ++i)
            sides[i] = values[i] > median ? 1 : values[i] < median ? -1 : 0;
    }
    chart.rules = westernElectricRules(chart.z, sides);
    return chart;
}

} // namespace nf::stats
