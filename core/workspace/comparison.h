#pragma once

// One comparison as both front ends make it: group B against group A, or against the baseline
// pinned for B's task (a pinned run or group), with one set of checks and messages. The CLI's
// `compare` and the app's Compare tab call this, then only compute and format.

#include "workspace/group_data.h"
#include "workspace/settings.h"
#include "stats/types.h"
#include "store/store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nf::workspace {

struct ComparisonInput
{
    store::GroupRow a; // A's group: the pinned run's group when A is a pinned run
    store::GroupRow b;
    std::optional<Pin> pinnedA; // set when A is the baseline pinned for B's task
    stats::GroupData dataA;
    stats::GroupData dataB;
    stats::CompareOptions options;
    std::vector<EnvironmentDifference> environment; // between A's group and B's

    // "group 3", "pinned run 12", "pinned group 3".
    std::string labelA() const;
};

// Reads both sides. `groupA` empty: A is the baseline pinned for B's task. `delta` (points): the
// difference that matters for this comparison only; else the task's. Throws nf::InputError when a
// group is missing, nothing is pinned, the tasks differ, or A and B are the same group.
ComparisonInput prepareComparison(const store::Store& store, std::optional<int64_t> groupA, int64_t groupB,
                                  std::optional<double> delta);

} // namespace nf::workspace
