#include "stats/zones.h"

#include "common/error.h"
#include "common/text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace nf::stats {

namespace {

// Deviations come from differences of fractions (0.51 - 0.50 = 0.010000000000000009, while
// 0.06 - 0.05 = 0.009999999999999995), so a run exactly one point off would land in either band
// by chance. Accuracies are counts over N items, so real deviations are multiples of 100 / N
// points: a tolerance this far below any realistic 100 / N only absorbs the rounding.
constexpr double kBoundaryTolerancePoints = 1e-9;

bool atLeast(double magnitudePoints, double threshold)
{
    return magnitudePoints >= threshold - kBoundaryTolerancePoints;
}


[[noreturn]] void badThresholds(const std::string& text, const std::string& why)
{
    throw InputError("zone thresholds '" + text + "': " + why +
                     "; expected three increasing positive numbers in accuracy points, like 1,3,5");
}

} // namespace

ZoneScale zoneScale(const ZoneThresholds& setting, int64_t itemsPerRun, std::optional<double> sdSeed)
{
    ZoneScale scale;
    scale.setting = setting;
    scale.thresholds = setting;
    scale.noiseMultiples = kNoiseMultiples;
    const double itemPoints = itemsPerRun > 0 ? 100.0 / static_cast<double>(itemsPerRun) : 0.0;
    const double sdPoints = sdSeed ? *sdSeed * 100.0 : 0.0;
    const double floorPoints = kNoiseFloorZ * sdPoints;
    char text[200];
    if (itemPoints > setting.watch + kBoundaryTolerancePoints)
        std::snprintf(text, sizeof text,
                      "one item of %lld weighs %.2f points, more than the watch threshold of %.2f",
                      static_cast<long long>(itemsPerRun), itemPoints, setting.watch);
    else if (floorPoints > setting.watch + kBoundaryTolerancePoints)
        std::snprintf(text, sizeof text,
                      "this item set's own seed noise reaches %.2f points (95%%), more than the watch "
                      "threshold of %.2f",
                      floorPoints, setting.watch);
    else
        return scale;
    scale.unit = ZoneUnit::Noise;
    scale.unitPoints = std::max(sdPoints, itemPoints);
    scale.thresholds = {kNoiseMultiples.watch * scale.unitPoints, kNoiseMultiples.elevated * scale.unitPoints,
                        kNoiseMultiples.suspicious * scale.unitPoints};
    char unit[240];
    std::snprintf(unit, sizeof unit,
                  "zones are in multiples of the expected noise (1 unit = %.2f points): normal < %g, watch < %g, "
                  "elevated < %g units, suspicious beyond",
                  scale.unitPoints, kNoiseMultiples.watch, kNoiseMultiples.elevated, kNoiseMultiples.suspicious);
    scale.why = text;
    scale.reason = scale.why + "; " + unit;
    return scale;
}

Zone zoneOf(double deviationPoints, const ZoneThresholds& thresholds)
{
    const double magnitude = std::fabs(deviationPoints);
    if (atLeast(magnitude, thresholds.suspicious))
        return Zone::Suspicious;
    if (atLeast(magnitude, thresholds.elevated))
        return Zone::Elevated;
    if (atLeast(magnitude, thresholds.watch))
        return Zone::Watch;
    return Zone::Normal;
}

const char* toString(Zone zone)
{
    switch (zone) {
    case Zone::Normal:
        return "normal";
    case Zone::Watch:
        return "watch";
    case Zone::Elevated:
        return "elevated";
    case Zone::Suspicious:
        return "suspicious";
    }
    return "normal";
}

const char* toString(ReferenceMode mode)
{
    return mode == ReferenceMode::Mean ? "mean" : "median";
}

ZoneThresholds parseThresholds(const std::string& text)
{
    std::vector<double> values;
    std::size_t start = 0;
    while (true) {
        const auto comma = text.find(',', start);
        const std::string field =
            trimmed(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        double value = 0.0;
        const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
        if (field.empty() || error != std::errc() || end != field.data() + field.size())
            badThresholds(text, "'" + field + "' is not a number");
        if (!std::isfinite(value) || value <= 0.0)
            badThresholds(text, "'" + field + "' is not a positive number");
        values.push_back(value);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    if (values.size() != 3)
        badThresholds(text, "found " + std::to_string(values.size()) + " numbers");
    if (!(values[0] < values[1] && values[1] < values[2]))
        badThresholds(text, "the numbers do not increase");
    return {values[0], values[1], values[2]};
}

std::string formatThresholds(const ZoneThresholds& thresholds)
{
    // %.17g would print 0.1 as 0.10000000000000001; %g with 15 digits round-trips what a user typed.
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "%.15g,%.15g,%.15g", thresholds.watch, thresholds.elevated,
                  thresholds.suspicious);
    return buffer;
}

ReferenceMode parseReferenceMode(const std::string& text)
{
    const std::string word = trimmed(text);
    if (word == "median")
        return ReferenceMode::Median;
    if (word == "mean")
        return ReferenceMode::Mean;
    throw InputError("reference mode '" + text + "': expected 'median' or 'mean'");
}

} // namespace nf::stats
