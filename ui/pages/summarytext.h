#pragma once

// A group's summary as the short rich-text block shown under the distribution chart.

#include "groupanalysis.h"

#include <QPalette>
#include <QString>

namespace nf::ui {

QString points(double fraction, int decimals = 2);                   // 0.86134 -> "86.13"
QString signedPoints(double fraction, int decimals = 2);             // 0.0042 -> "+0.42"
QString intervalPoints(const std::optional<stats::Interval>& range); // "[85.90, 86.40]" or "–"
QString optionalNumber(std::optional<double> value, int decimals);   // "1.234" or "–"
QString pValueText(std::optional<double> p);                         // "0.0035", "< 0.0001", "–"
// The group's statistics as a few lines of HTML; first, where its zones are in noise units, the
// sentence that says so and why. The zone dots are coloured for `palette` (light or dark).
QString summaryHtml(const GroupAnalysis& analysis, const QPalette& palette);

} // namespace nf::ui
