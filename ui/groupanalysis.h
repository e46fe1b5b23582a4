#pragma once

// One config group as every page shows it: its row, every run (any status), and the statistics
// of its completed runs under the database's zone settings and pin. Plain data, made off the GUI
// thread when there is much of it, and handed to the pages and charts.

#include "stats/summary.h"
#include "store/store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nf::ui {

struct GroupAnalysis
{
    store::GroupRow group;
    std::string title;                   // "group 3 · demo-mlp-3ep · sample T=1.00, fp32, cpu, bs 256"
    std::vector<store::RunRow> runs;     // every run of the group, in start order
    std::optional<stats::GroupSummary> summary; // empty when no completed run counts
    // What the runs are placed in (noise units on a small task); zones.setting is the task's
    // thresholds in points.
    stats::ZoneScale zones;
    std::optional<double> pinnedAccuracy; // fraction, when a baseline is pinned for the task
    std::string pinnedLabel;              // "run 12" | "group 3"

    // The row of a run of this group, or nullptr.
    const store::RunRow* findRun(int64_t runId) const;
    // The summary's statistics of a run (completed, not a reproduction), or nullptr.
    const stats::RunStat* findRunStat(int64_t runId) const;
};

// Reads the group from the store's aggregates and summarises it. Throws InputError for a group
// that does not exist.
GroupAnalysis analyzeGroup(const store::Store& store, int64_t groupId);

} // namespace nf::ui
