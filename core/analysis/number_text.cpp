#include "analysis/number_text.h"

#include <cstdio>

namespace nf::analysis {
namespace {

std::string fixedText(double value, int decimals)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

} // namespace

std::string optionalNumberText(std::optional<double> value, int decimals, const std::string& missing)
{
    return value ? fixedText(*value, decimals) : missing;
}

std::string pointsIntervalText(const std::optional<stats::Interval>& interval, const std::string& missing)
{
    if (!interval)
        return missing;
    return "[" + fixedText(interval->lo * 100, 2) + ", " + fixedText(interval->hi * 100, 2) + "]";
}

std::string pValueText(std::optional<double> p, const std::string& missing)
{
    if (!p)
        return missing;
    return *p < 1e-4 ? "< 0.0001" : fixedText(*p, 4);
}

} // namespace nf::analysis
