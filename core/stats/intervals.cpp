#include "stats/intervals.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <stdexcept>
#include <string>

namespace nf::stats {

namespace {

void checkLevel(double level)
{
    if (!(level > 0.0 && level < 1.0))
        throw std::invalid_argument("interval level " + std::to_string(level) + " is not in (0, 1)");
}

void checkSample(double sd, int64_t n)
{
    if (n < 2)
        throw std::invalid_argument("an interval from a sample needs at least two values, got " +
                                    std::to_string(n));
    if (!(sd >= 0.0) || !std::isfinite(sd))
        throw std::invalid_argument("standard deviation " + std::to_string(sd) + " is not finite and >= 0");
}

// Half-width multiplier of a two-sided interval from n values: t(1 - alpha/2, n - 1).
double twoSidedT(int64_t n, double level)
{
    return tQuantile(1.0 - (1.0 - level) / 2.0, static_cast<double>(n - 1));
}

} // namespace

double tQuantile(double probability, double df)
{
    return boost::math::quantile(boost::math::students_t(df), probability);
}

double normalQuantile(double probability)
{
    return boost::math::quantile(boost::math::normal(), probability);
}

Interval tInterval(double mean, double sd, int64_t n, double level)
{
    checkLevel(level);
    checkSample(sd, n);
    const double half = twoSidedT(n, level) * sd / std::sqrt(static_cast<double>(n));
    return {mean - half, mean + half};
}

Interval predictionInterval(double mean, double sd, int64_t n, double level)
{
    checkLevel(level);
    checkSample(sd, n);
    const double half = twoSidedT(n, level) * sd * std::sqrt(1.0 + 1.0 / static_cast<double>(n));
    return {mean - half, mean + half};
}

Interval accuracyMeanInterval(double mean, double sd, int64_t n, bool* logit, double level)
{
    const Interval plain = tInterval(mean, sd, n, level);
    if (logit)
        *logit = false;
    if (plain.lo >= 0.0 && plain.hi <= 1.0)
        return plain;
    if (!(mean > 0.0 && mean < 1.0))
        return {std::clamp(plain.lo, 0.0, 1.0), std::clamp(plain.hi, 0.0, 1.0)};
    if (logit)
        *logit = true;
    const double center = std::log(mean / (1.0 - mean));
    const double half = twoSidedT(n, level) * sd / std::sqrt(static_cast<double>(n)) / (mean * (1.0 - mean));
    const auto expit = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
    return {expit(center - half), expit(center + half)};
}

Interval accuracyPredictionInterval(double mean, double sd, int64_t n, double level)
{
    const Interval plain = predictionInterval(mean, sd, n, level);
    return {std::clamp(plain.lo, 0.0, 1.0), std::clamp(plain.hi, 0.0, 1.0)};
}

Interval clampDifference(Interval interval)
{
    return {std::clamp(interval.lo, -1.0, 1.0), std::clamp(interval.hi, -1.0, 1.0)};
}

Interval wilson(int64_t successes, int64_t n, double level)
{
    checkLevel(level);
    if (n < 1 || successes < 0 || successes > n)
        throw std::invalid_argument("Wilson interval of " + std::to_string(successes) + " successes in " +
                                    std::to_string(n) + " trials");
    // Written in the same arrangement as R's prop.test, so the two agree to the last few bits.
    const double total = static_cast<double>(n);
    const double p = static_cast<double>(successes) / total;
    const double z = normalQuantile(1.0 - (1.0 - level) / 2.0);
    const double z22n = z * z / (2.0 * total);
    const double spread = z * std::sqrt(p * (1.0 - p) / total + z22n / (2.0 * total));
    const double lo = successes == 0 ? 0.0 : (p + z22n - spread) / (1.0 + 2.0 * z22n);
    const double hi = successes == n ? 1.0 : (p + z22n + spread) / (1.0 + 2.0 * z22n);
    return {lo, hi};
}

} // namespace nf::stats
