#pragma once

// Everything the run browser shows, read from the store in a handful of queries (groups, runs, and
// one model/task lookup per distinct id) so that a refresh stays well under 100 ms at 1,000 runs.
// Plain data, read on the GUI thread at each refresh and handed to RunBrowserModel::setBrowserData.

#include "models/pendingjobs.h"
#include "store/store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nf::ui {

struct BrowserGroup
{
    store::GroupRow row;     // its accuracies are the counted runs' (completed originals)
    std::string description; // describeParams(row.paramsJson)
    int countedRuns = 0;
    std::optional<double> meanPoints; // mean accuracy of the counted runs, percentage points
    std::optional<double> sdPoints;   // their sample sd, when at least two runs count
};

struct BrowserData
{
    std::vector<store::ModelRow> models; // that have at least one group, by label then id
    std::vector<store::TaskRow> tasks;   // that have at least one group, by label then id
    std::vector<BrowserGroup> groups;    // by id
    std::vector<store::RunRow> runs;     // every run, hidden ones included, in start order
    std::vector<PendingJob> jobs;        // cluster submissions whose runs are not all in (by id)

    const store::ModelRow* findModel(int64_t id) const;
    const store::TaskRow* findTask(int64_t id) const;
    const BrowserGroup* findGroup(int64_t id) const;
    const store::RunRow* findRun(int64_t id) const;
};

// Everything but `jobs`, whose states the window polls off the GUI thread (loadPendingJobs).
BrowserData loadBrowserData(const store::Store& store);

// True when a run `data` shows as running reads otherwise now. A process killed mid-run commits
// nothing (the file's data_version stays), so the poll asks after the runs it shows running.
bool runningRunsChanged(const store::Store& store, const BrowserData& data);

} // namespace nf::ui
