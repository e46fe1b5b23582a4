#pragma once

// Which process owns a `running` run, and whether that process still exists. The app and the CLI
// share one database, so a run left `running` may be another live process's work in progress.

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

} // namespace nf::store
