#include "workspace/number_text.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace nf::workspace {

std::string fixedText(double value, int decimals)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    // A value that rounds to zero is zero, whichever side of it the rounding came from.
    if (text[0] == '-' && std::strspn(text + 1, "0.") == std::strlen(text + 1))
        return text + 1;
    return text;
}

std::string signedPointsText(double fraction, int decimals)
{
    const std::string text = fixedText(fraction * 100.0, decimals);
    return text[0] == '-' || text.find_first_not_of("0.") == std::string::npos ? text : "+" + text;
}

std::string optionalNumberText(std::optional<double> value, int decimals, const std::string& missing)
{
    return value ? fixedText(*value, decimals) : missing;
}

std::string pointsIntervalText(const std::optional<stats::Interval>& interval, const std::string& missing)
{
    if (!interval)
        return missing;
    // An end that is not 0 but rounds to it gets the digits that show its side: an interval
    // "[-0.89, 0.00]" next to "excludes 0" would read as a contradiction.
    const auto end = [](double fraction) {
        const double points = fraction * 100;
        return points != 0.0 && std::fabs(points) < 0.005 ? fixedText(points, 4) : fixedText(points, 2);
    };
    return "[" + end(interval->lo) + ", " + end(interval->hi) + "]";
}

std::string pValueText(std::optional<double> p, const std::string& missing)
{
    if (!p)
        return missing;
    if (*p < 1e-4)
        return "< 0.0001";
    // At the 5% line the side matters: 0.04998 is not "0.0500".
    const std::string text = fixedText(*p, 4);
    return text == "0.0500" && *p != 0.05 ? fixedText(*p, 5) : text;
}

} // namespace nf::workspace
