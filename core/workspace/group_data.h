#pragma once

#include "stats/types.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nf::store {
class Store;
}

namespace nf::workspace {

// A config group's data for the statistics, read from the aggregates kept in each run's commit
// (runs, group_items, run_subjects, task_items): never a scan of run_items.
stats::GroupData loadGroupData(const store::Store& store, int64_t configId);

// One completed run alone as a group (a pinned baseline run compared against a group): its own
// items and subjects, read from run_items. Throws InputError when the run does not exist or did
// not complete.
stats::GroupData loadRunData(const store::Store& store, int64_t runId);

// Environment keys whose values differ between the runs of two groups, among the keys that can
// change results on the devices those runs used (env::canChangeResults): a CPU run's
// CUBLAS_WORKSPACE_CONFIG or host name is no reason to doubt a comparison: key -> values seen in A,
// values seen in B (joined with " | " when a group has several).
struct EnvironmentDifference
{
    std::string key;
    std::string valuesA;
    std::string valuesB;
};
std::vector<EnvironmentDifference> environmentDifferences(const store::Store& store, int64_t groupA,
                                                          int64_t groupB);

} // namespace nf::workspace
