#pragma once

// Summary of one config group (DESIGN.md, "Statistics"): spread of run accuracies, the noise the
// item set itself implies, and each run's place in the fluctuation zones. Reads the store's
// counts only, so 100 runs x 14,042 items take well under a millisecond.

#include "stats/types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nf::stats {

struct SummaryOptions
{
    ZoneThresholds thresholds; // in points: the task's setting (or the database's default)
    ReferenceMode mode = ReferenceMode::Median;
    // A baseline pinned for the task (accuracy fraction) replaces the median or mean.
    std::optional<double> pinnedReference;
    std::string pinnedLabel; // "run 12", "group 3": shown as "pinned run 12"
};

struct RunStat
{
    int64_t id = 0;
    int64_t seed = 0;
    double accuracy = 0.0;
    double deviation = 0.0;   // accuracy - reference, fraction
    Zone zone = Zone::Normal; // of deviation * 100, under the summary's zones
    // Against the other runs of the group, on the standard normal scale (control_rules.h):
    // null with fewer than three runs or when every run has the same accuracy.
    std::optional<double> z;
    std::vector<std::string> rules; // Western Electric rules firing at this run
    Interval wilson95;              // of this run's accuracy alone ([0, 1] for a run without items)
};

struct SubjectStat
{
    std::string subject;
    int64_t nItems = 0; // items of the subject in one run (the first run that has it)
    int64_t nRuns = 0;  // runs with items of the subject
    double mean = 0.0;  // across runs of the run's accuracy on the subject
    std::optional<double> sd;
};

// Fractions (0-1) everywhere except noiseFloorPoints. Every optional left empty has a line in
// `notes` that says why.
struct GroupSummary
{
    int64_t n = 0; // runs
    double mean = 0.0;
    std::optional<double> sd; // sample sd, n - 1
    double median = 0.0;
    double min = 0.0;
    double max = 0.0;
    double range = 0.0;
    std::optional<Interval> ci95; // of the mean: Student t, on the logit scale where t leaves 0-1
    std::optional<Interval> pi95; // for the next run, clamped to 0-1

    int64_t nItems = 0;               // items answered by at least one run (N)
    int64_t flipItems = 0;            // items answered both right and wrong: 0 < p_i < 1
    std::optional<double> flipRate;   // flipItems / N
    std::optional<double> sdSeed;     // sqrt(sum p_i (1 - p_i)) / N
    std::optional<double> seQuestion; // sd_i(p_i) / sqrt(N)

    double reference = 0.0;
    std::string referenceLabel;  // "median" | "mean" | "pinned run 12"
    std::optional<double> scale; // the group's sd, when runs have a z at all
    std::string scaleLabel;      // "leave-one-out t" | "" when there is none
    ZoneScale zones;             // the zones the runs are placed in: points, or noise multiples

    std::vector<RunStat> runs;         // in the input's run-time order
    std::vector<SubjectStat> subjects; // by subject name

    std::optional<double> noiseFloorPoints; // 1.96 * sdSeed * 100
    bool thresholdBelowNoise = false;       // thresholds.watch < noiseFloorPoints (zones then in noise)
    std::vector<std::string> notes;
};

// Throws nf::InputError for a group without runs: there is nothing to summarise.
GroupSummary summarize(const GroupData& group, const SummaryOptions& options = {});

} // namespace nf::stats
