#pragma once

// The fluctuation zones' colours and words, shared by the charts, the tables and the legend:
// normal green, watch yellow, elevated orange, suspicious red. Readable on light and dark palettes.

#include "groupanalysis.h"
#include "stats/types.h"

#include <QColor>
#include <QPalette>
#include <QString>
#include <vector>

namespace nf::ui {

// The colour of a zone's marks (points, legend keys, the dots in the summaries) drawn on this
// palette's Base: the same hues on light and dark, each at least 3:1 against the Base (lighter on a
// dark one), so that a point's zone is seen on either.
QColor zoneColor(stats::Zone zone, const QPalette& palette);
// The same hue, translucent, for the shaded bands behind the points: stronger on a dark Base,
// where a faint tint of a colour vanishes.
QColor zoneBandColor(stats::Zone zone, const QPalette& palette);
// A palette is dark when its window is darker than its window text.
bool isDarkPalette(const QPalette& palette);
// The zone's hue for text on this palette's Window (an error line in red, a warning in amber):
// at least 4.5:1 against it, light or dark.
QColor zoneTextColor(stats::Zone zone, const QPalette& palette);
// On the application's palette.
QColor zoneColor(stats::Zone zone);
QColor zoneBandColor(stats::Zone zone);
QString zoneName(stats::Zone zone);    // "normal", "watch", "elevated", "suspicious"
QString zoneMeaning(stats::Zone zone); // "ordinary experimental error", ...

// The zones a group's runs were placed in: the summary's (the run colours come from them), else
// the group's. Thresholds in points whatever the unit.
const stats::ZoneScale& zonesOf(const GroupAnalysis& group);

// Where a zone lies, without its name: "|d| < 1", "1–3", "3–5", "|d| ≥ 5" in points; in noise
// units "< 2 noise units (15.0 pts)", "2–3 units (15.0–22.5 pts)", "≥ 4 units (30.0 pts)", the
// points left out when `withPoints` is false (groups whose units differ).
QString zoneBoundsText(stats::Zone zone, const stats::ZoneScale& zones, bool withPoints = true);
// The name and the bounds: "normal |d| < 1", "normal < 2 noise units (15.0 pts)".
QString zoneRangeText(stats::Zone zone, const stats::ZoneScale& zones);

// Why the zones are in noise units, from the statistics' own words: "one item of 25 weighs 4.00
// points, more than the watch threshold of 1.00". Empty for zones in points.
QString noiseUnitReason(const stats::ZoneScale& zones);
// What a reader needs before reading any zone of these groups, as HTML: "<b>Zones in noise
// units</b> for group 7: one item of 25 weighs 4.00 points, ... (1 unit = 7.50 points): normal
// < 2 units, watch < 3, elevated < 4, suspicious beyond." Groups with the same reason share a
// sentence. Empty when every group's zones are in points.
QString noiseUnitNoteHtml(const std::vector<const GroupAnalysis*>& groups);

} // namespace nf::ui
