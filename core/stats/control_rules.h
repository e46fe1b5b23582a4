#pragma once

// Western Electric rules over a group's runs in run-time order (DESIGN.md, "Statistics"): the
// history view flags a run when it completes a pattern that ordinary noise rarely makes.

#include <optional>
#include <string>
#include <vector>

namespace nf::stats {

// Rule names, as the CLI's JSON and the app show them.
inline constexpr const char* kBeyond3Sigma = "beyond_3sigma";
inline constexpr const char* kTwoOfThreeBeyond2Sigma = "2_of_3_beyond_2sigma";
inline constexpr const char* kFourOfFiveBeyond1Sigma = "4_of_5_beyond_1sigma";
inline constexpr const char* kEightInARowOneSide = "8_in_a_row_one_side";

// For each run (same order as `z`), the rules that fire at that run, i.e. the rules whose
// pattern that run completes:
// - beyond_3sigma: |z| > 3;
// - 2_of_3_beyond_2sigma: this run and at least one of the two before it are beyond 2 on the same
//   side;
// - 4_of_5_beyond_1sigma: this run and at least three of the four before it are beyond 1 on the
//   same side;
// - 8_in_a_row_one_side: this run and the seven before it all have the same sign (z = 0 breaks it).
// "Beyond" is strict. Near the first runs the windows hold what exists (two runs both beyond 2
// are already 2 of 3), but eight in a row needs eight runs. A run whose z is null (no scale) gets
// no rules and counts as inside every limit and on neither side for the others.
std::vector<std::vector<std::string>> westernElectricRules(const std::vector<std::optional<double>>& z);

} // namespace nf::stats
