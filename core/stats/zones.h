#pragma once

// Fluctuation zones: how far a run sits from its group's reference, in accuracy points, sorted
// into the four bands of the settings table (DESIGN.md, "Statistics").

#include "stats/types.h"

#include <string>

namespace nf::stats {

// Band of |deviationPoints|: below thresholds.watch normal, below elevated watch, below
// suspicious elevated, else suspicious. A deviation exactly on a threshold belongs to the higher
// band (1.0 points is watch with the default 1,3,5).
Zone zoneOf(double deviationPoints, const ZoneThresholds& thresholds);

// "normal" | "watch" | "elevated" | "suspicious": the words the CLI's JSON and the app show.
const char* toString(Zone zone);

// "median" | "mean", as stored in the settings table.
const char* toString(ReferenceMode mode);

// Parses "1,3,5" (points, spaces allowed). Throws nf::InputError unless there are exactly three
// finite, positive, strictly increasing numbers.
ZoneThresholds parseThresholds(const std::string& text);

// The inverse of parseThresholds, for the settings table: "1,3,5", "0.5,2.5,4".
std::string formatThresholds(const ZoneThresholds& thresholds);

// Parses "median" or "mean"; throws nf::InputError otherwise.
ReferenceMode parseReferenceMode(const std::string& text);

} // namespace nf::stats
