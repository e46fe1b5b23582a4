#pragma once

// Statistics written as text, shared by the CLI's tables and the app's pages so that both print a
// number the same way; `missing` stands in for a value that is absent.

#include "stats/types.h"

#include <optional>
#include <string>

namespace nf::workspace {

// printf's %.Nf, except that a value rounding to zero never prints as "-0.00".
std::string fixedText(double value, int decimals);
// A fraction as signed points: "+0.42", "-1.10", "0.00" (no sign for what rounds to zero).
std::string signedPointsText(double fraction, int decimals = 2);
std::string optionalNumberText(std::optional<double> value, int decimals, const std::string& missing = "-");
// A fraction's interval in accuracy points: "[85.90, 86.40]".
std::string pointsIntervalText(const std::optional<stats::Interval>& interval, const std::string& missing = "-");
// p-values below what four decimals show are written as a bound, never as 0: "< 0.0001".
std::string pValueText(std::optional<double> p, const std::string& missing = "-");

} // namespace nf::workspace
