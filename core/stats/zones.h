#pragma once

// Fluctuation zones: how far a run sits from its group's reference, in accuracy points, sorted
// into the four bands of the settings table (DESIGN.md, "Statistics").

#include "stats/types.h"

#include <cstdint>
#include <optional>
#include <string>

namespace nf::stats {

// Where the points thresholds are meaningless, the zones are these multiples of the noise unit:
// normal holds about 95% of healthy runs (2 sd), watch the next 4.3%, elevated the next 0.26%.
inline constexpr ZoneThresholds kNoiseMultiples{2.0, 3.0, 4.0};

// Two-sided 95% normal multiplier of the noise floor (1.96 * sd_seed), as DESIGN.md writes it.
inline constexpr double kNoiseFloorZ = 1.96;

// The zones a group uses (types.h, ZoneScale). Points, unless one item of the task weighs more
// than the watch threshold (100 / itemsPerRun > watch) or the item set's expected seed noise does
// (the 95% noise floor, 1.96 * sdSeed in points, > watch): then kNoiseMultiples of a unit that is
// the larger of the seed noise sd and one item's weight, so that a run one item away is never
// outside the normal band. itemsPerRun = 0 (unknown) and an empty sdSeed leave points alone.
ZoneScale zoneScale(const ZoneThresholds& setting, int64_t itemsPerRun, std::optional<double> sdSeed);

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
