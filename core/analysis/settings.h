#pragma once

// Zone thresholds, the reference mode and pins live in the database's settings table, so the CLI
// and the app (and two users of one database) see the same ones.

#include "stats/types.h"

#include <cstdint>
#include <optional>
#include <string>

namespace nf::store {
class Store;
}

namespace nf::analysis {

stats::ZoneThresholds zoneThresholds(const store::Store& store);
void setZoneThresholds(store::Store& store, const stats::ZoneThresholds& thresholds);

stats::ReferenceMode referenceMode(const store::Store& store);
void setReferenceMode(store::Store& store, stats::ReferenceMode mode);

// A baseline pinned for a task: a run or a whole group, whose accuracy (the group's mean) is the
// reference for every group on that task.
struct Pin
{
    enum class Kind { Run, Group };
    Kind kind = Kind::Group;
    int64_t id = 0;
    std::string label() const; // "run 12" | "group 3"
};

std::optional<Pin> pinForTask(const store::Store& store, int64_t taskId);
// Pins a group (or a completed run) for its task, replacing an earlier pin; returns the task id.
// Throws nf::InputError when the group or run does not exist or the run did not complete.
int64_t pinGroup(store::Store& store, int64_t groupId);
int64_t pinRun(store::Store& store, int64_t runId);
// Returns false when nothing was pinned for the task.
bool unpinTask(store::Store& store, int64_t taskId);

// The pinned reference accuracy (fraction) for a task, with its label, when one is pinned.
struct PinnedReference
{
    double accuracy = 0;
    std::string label; // "run 12" | "group 3"
};
std::optional<PinnedReference> pinnedReference(const store::Store& store, int64_t taskId);

} // namespace nf::analysis
