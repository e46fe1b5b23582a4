#pragma once

// The control chart over a group's runs in run-time order (DESIGN.md, "Statistics"): each run's
// z against the rest of its group, and the Western Electric rules that flag a run when it
// completes a pattern that ordinary noise rarely makes.
//
// Calibration. A z whose scale is estimated from the same few runs it judges is far too jumpy
// for 3-sigma limits: with 1.4826 x MAD from five i.i.d. normal runs, a quarter of healthy groups
// had a run "beyond 3 sigma" (nominal rate 0.27% per run). Here each run is judged against the
// others alone, the way a new run is judged against a prediction interval: with m = n - 1 other
// runs of mean x̄ and sd s,
//     t = (x - x̄) / (s * sqrt(1 + 1/m))
// follows Student's t with m - 1 degrees of freedom when the runs are i.i.d. normal, whatever n
// is. Its tail probability is mapped back to the standard normal scale (z with the same tail), so
// that "beyond 3" has its nominal 0.27% rate at every group size and the other rules keep their
// usual meaning. tests/core/control_rules_test.cpp simulates 10,000 groups of 5, 10 and 20 runs
// and checks the rates.

#include <optional>
#include <string>
#include <vector>

namespace nf::stats {

// Rule names, as the CLI's JSON shows them.
inline constexpr const char* kBeyond3Sigma = "beyond_3sigma";
inline constexpr const char* kTwoOfThreeBeyond2Sigma = "2_of_3_beyond_2sigma";
inline constexpr const char* kFourOfFiveBeyond1Sigma = "4_of_5_beyond_1sigma";
inline constexpr const char* kEightInARowOneSide = "8_in_a_row_one_side";

// The rule in words, as the app and the CLI's table show it: "more than 3 sd from the rest of the
// group". An unknown name comes back as it is.
std::string ruleWords(const std::string& rule);

// Fewest runs for which a run can be judged against the others (two others give one sd).
inline constexpr std::size_t kMinRunsForZ = 3;

// Leave-one-out z of every value (see the calibration above); all empty with fewer than
// kMinRunsForZ values or when every value is the same. `minScale` is the smallest sd the others
// are taken to have: accuracies are counts over N items, so four runs that happen to agree exactly
// do not make a run one item away infinitely far off; the summary passes one item's rounding sd,
// 1 / (N * sqrt(12)).
std::vector<std::optional<double>> leaveOneOutZ(const std::vector<double>& values, double minScale = 0.0);

// For each run (same order as `z`), the rules that fire at that run, i.e. the rules whose
// pattern that run completes (`sides`, when given, says which side of the centre line each run is
// on for the eight-in-a-row rule: +1, -1, or 0 on it; else the sign of z):
// - beyond_3sigma: |z| > 3;
// - 2_of_3_beyond_2sigma: this run and at least one of the two before it are beyond 2 on the same
//   side;
// - 4_of_5_beyond_1sigma: this run and at least three of the four before it are beyond 1 on the
//   same side;
// - 8_in_a_row_one_side: this run and the seven before it are all on the same side (0 breaks it).
// "Beyond" is strict. Near the first runs the windows hold what exists (two runs both beyond 2
// are already 2 of 3), but eight in a row needs eight runs. A run whose z is null (no scale) gets
// no rules and counts as inside every limit and on neither side for the others.
std::vector<std::vector<std::string>> westernElectricRules(const std::vector<std::optional<double>>& z,
                                                          const std::vector<int>& sides = {});

// A group's control chart in run order: each run's leave-one-out z and the rules it completes.
// The eight-in-a-row rule counts sides of the group's median, not of its mean: one outlier moves
// the mean past every other run (ten steady runs and one far below would all sit "above"), the
// median stays among them. Without z (fewer than three runs, no spread) no rule fires.
struct ControlChart
{
    std::vector<std::optional<double>> z;
    std::vector<std::vector<std::string>> rules;
};
ControlChart controlChart(const std::vector<double>& values, double minScale = 0.0);

} // namespace nf::stats
