#pragma once

// Plain inputs and small value types shared by the statistics: what the store's aggregates hold
// for a config group, in the units the store keeps (counts), never a runs x items matrix.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nf::stats {

// A closed interval [lo, hi], in accuracy fractions (0-1) unless said otherwise.
struct Interval
{
    double lo = 0.0;
    double hi = 0.0;
};

// One completed run of a group, in run-time order (started_at, then id).
struct RunPoint
{
    RunPoint() = default;
    RunPoint(int64_t id, int64_t seed, int64_t nItems, int64_t nCorrect,
             std::optional<double> runLevelAccuracy = std::nullopt)
        : id(id), seed(seed), nItems(nItems), nCorrect(nCorrect), runLevelAccuracy(runLevelAccuracy)
    {}

    int64_t id = 0;
    int64_t seed = 0;
    int64_t nItems = 0;
    int64_t nCorrect = 0;
    // A run another tool reported only as a score (imported without per-item results): that
    // score, exactly as reported. nItems and nCorrect are then what the score is over, if known.
    std::optional<double> runLevelAccuracy;
    // How long the run took, when known: what more runs of its group would cost.
    std::optional<double> durationSeconds;
    double accuracy() const
    {
        if (runLevelAccuracy)
            return *runLevelAccuracy;
        return nItems > 0 ? static_cast<double>(nCorrect) / nItems : 0.0;
    }
};

// Per item of the task (index = item idx): runs of the group that answered it and how many of
// those were correct (the store's group_items). nRuns = 0 for items no run answered.
struct ItemCount
{
    int64_t nRuns = 0;
    int64_t nCorrect = 0;
};

// Per run and subject (class name, MMLU subject): items and correct answers (run_subjects).
struct SubjectRunCount
{
    int64_t runId = 0;
    std::string subject;
    int64_t nItems = 0;
    int64_t nCorrect = 0;
};

// Everything the statistics need about one config group.
struct GroupData
{
    std::vector<RunPoint> runs;
    std::vector<ItemCount> items;          // indexed by item idx
    std::vector<std::string> itemSubjects; // indexed by item idx; may be empty
    std::vector<SubjectRunCount> subjects; // may be empty
};

// Fluctuation zones: |deviation| in accuracy points below `watch` is normal, below `elevated`
// watch, below `suspicious` elevated, else suspicious. Stored per database (settings table).
struct ZoneThresholds
{
    double watch = 1.0;
    double elevated = 3.0;
    double suspicious = 5.0;
};

enum class Zone { Normal, Watch, Elevated, Suspicious };

// What a group's zones are measured in. Points suit MMLU-sized item sets; where the item set's
// own noise makes them meaningless (a 25-item task, where one item is 4 points), the zones are
// multiples of the expected seed noise instead (DESIGN.md, "Fluctuation zones").
enum class ZoneUnit { Points, Noise };

// The zones as a group uses them: the thresholds in points that decide each run's zone and that
// the charts draw, and where they came from.
struct ZoneScale
{
    ZoneUnit unit = ZoneUnit::Points;
    ZoneThresholds thresholds;      // in points, whatever the unit (noise multiples x unitPoints)
    ZoneThresholds setting;         // the points thresholds set for the task (or the default)
    double unitPoints = 1.0;        // one noise unit, in points (1 when the unit is points)
    ZoneThresholds noiseMultiples;  // the multiples used when the unit is noise
    std::string why;                // why the unit is noise: "one item of 25 weighs 4.00 points, ..."
    std::string reason;             // that, then how the zones read: "...; zones are in multiples ..."
};

enum class ReferenceMode { Median, Mean };

} // namespace nf::stats
