#include "stats/describe.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nf::stats {

Description describe(const std::vector<double>& values)
{
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    Description d;
    d.n = values.size();
    // A NaN has no place in an order, so min, median and max would be arbitrary; say so instead.
    if (d.n == 0 || std::any_of(values.begin(), values.end(), [](double x) { return std::isnan(x); })) {
        d.mean = d.sd = d.median = d.min = d.max = d.range = nan;
        return d;
    }
    const double n = static_cast<double>(d.n);

    double sum = 0.0;
    for (double x : values)
        sum += x;
    d.mean = sum / n;

    // Corrected two-pass algorithm (Chan, Golub & LeVeque): squares of deviations from the mean,
    // not of the values, so accuracies near 0.9 do not cancel; the second sum removes the
    // rounding error left in the mean.
    if (d.n >= 2) {
        double squares = 0.0;
        double deviations = 0.0;
        for (double x : values) {
            squares += (x - d.mean) * (x - d.mean);
            deviations += x - d.mean;
        }
        d.sd = std::sqrt(std::max(0.0, (squares - deviations * deviations / n) / (n - 1)));
    } else {
        d.sd = nan;
    }

    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    d.min = sorted.front();
    d.max = sorted.back();
    d.range = d.max - d.min;
    const size_t middle = d.n / 2;
    d.median = d.n % 2 ? sorted[middle] : sorted[middle - 1] + (sorted[middle] - sorted[middle - 1]) / 2;
    return d;
}

} // namespace nf::stats
