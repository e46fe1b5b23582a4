#pragma once

// Which process owns a `running` run, and whether that process still exists. The app and the CLI
// share one database, so a run left `running` may be another live process's work in progress.

#include "store/run_status.h"

#include <cstdint>
#include <optional>
#include <string>

namespace nf::store {

struct ProcessOwner
{
    std::string host; // host name and pid namespace, e.g. "vm pid:[4026531836]"
    int64_t pid = 0;
    // Field 22 of /proc/<pid>/stat (clock ticks after boot): tells a reused pid from the original.
    std::optional<int64_t> startTicks;
};

// This process, as recorded in runs.owner_host/owner_pid/owner_start.
ProcessOwner currentProcess();

// Start time of a process on this host, or nothing when it cannot be read (no /proc, gone).
std::optional<int64_t> processStartTicks(int64_t pid);

// True when the process of this host that started a run is certainly gone: its pid does not exist,
// or it now belongs to a process started at another time. Unknown means alive.
bool isProcessGone(int64_t pid, std::optional<int64_t> startTicks);

// A run's owner as runs.owner_host/owner_pid/owner_start record it; empty for a run no process
// here ran (merged, imported).
struct RecordedOwner
{
    std::string host;
    std::optional<int64_t> pid;
    std::optional<int64_t> startTicks;
};

// True when `owner` is a process of `thisHost` (a ProcessOwner::host) that is gone. A process of
// another host (or pid namespace), or an owner not recorded, is never judged gone from here.
bool isOwnerGone(const RecordedOwner& owner, const std::string& thisHost);

// The status a run stored as `stored` is shown with: `running` whose owner is gone reads as
// `interrupted` before any writer records it (Store::recoverInterrupted then does, with the same
// test). The one decision behind every reader: the CLI's list and show, the app's run browser.
RunStatus displayedStatus(RunStatus stored, const RecordedOwner& owner, const std::string& thisHost);

} // namespace nf::store
