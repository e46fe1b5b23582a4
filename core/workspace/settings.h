#pragma once

// Zone thresholds, the difference that matters, the reference mode and pins live in the
// database's settings table, so the CLI and the app (and two users of one database) see the same
// ones. Thresholds and the difference that matters can be set per task; a task without its own
// uses the database's default.

#include "stats/compare.h"
#include "stats/summary.h"
#include "stats/types.h"

#include <cstdint>
#include <optional>
#include <string>

namespace nf::store {
class Store;
}

namespace nf::workspace {

// The database's default thresholds (points).
stats::ZoneThresholds zoneThresholds(const store::Store& store);
void setZoneThresholds(store::Store& store, const stats::ZoneThresholds& thresholds);

// A task's thresholds: its own when set, else the default.
stats::ZoneThresholds taskZoneThresholds(const store::Store& store, int64_t taskId);
bool taskHasOwnThresholds(const store::Store& store, int64_t taskId);
// Sets the task's own thresholds; nullopt goes back to the default.
void setTaskZoneThresholds(store::Store& store, int64_t taskId, const std::optional<stats::ZoneThresholds>& thresholds);

// The difference that matters for a task, in points: its own when set, else the task's watch
// threshold. Throws nf::StoreError for a stored value that is not a positive number of points
// (a hand edit), naming the key and the command that sets it again.
double differenceThatMatters(const store::Store& store, int64_t taskId);
bool taskHasOwnDifferenceThatMatters(const store::Store& store, int64_t taskId);
void setDifferenceThatMatters(store::Store& store, int64_t taskId, std::optional<double> points);

// Everything the statistics need from the settings for a group on `taskId`: the task's
// thresholds, the reference mode and the pinned baseline.
stats::SummaryOptions summaryOptions(const store::Store& store, int64_t taskId);
// The task's thresholds and difference that matters (`deltaPoints` overrides the latter).
stats::CompareOptions compareOptions(const store::Store& store, int64_t taskId,
                                     std::optional<double> deltaPoints = std::nullopt);

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

} // namespace nf::workspace
