#pragma once

// Cluster submissions as the run browser shows them until their runs are in: one entry per job
// whose tasks have not all completed and been collected, with each task's state as last polled
// (cluster::jobStatus, asked off the GUI thread by ClusterWatch) or, before the first poll, as the
// store tells it. A job whose tasks failed stays until the user removes it from the list, so that
// a failure is seen; a cancelled one goes once it has ended and its shards are in.

#include "cluster/jobs.h"
#include "store/store.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace nf::ui {

struct PendingJob
{
    store::JobRow job;
    std::string modelLabel; // from the job's plan
    std::string task;       // its task spec
    cluster::JobStatus status;
    bool polled = false; // status comes from the scheduler and the shards, not only the store

    // Whether the scheduler and the shards may still change what it shows.
    bool inFlight() const { return !polled || !status.ended() || status.uncollected > 0; }
};

// The store's submissions to show, with `polled` states where there are some. Reads the store.
std::vector<PendingJob> loadPendingJobs(const store::Store& store,
                                        const std::map<int64_t, cluster::JobStatus>& polled);

// The tasks of a pending job still to show: those not completed and collected (those are runs).
std::vector<const cluster::TaskStatus*> tasksToShow(const PendingJob& job);

// A task's state in words: "pending (Slurm)", "running on node1", "failed: <its last error>".
std::string taskStateText(const cluster::TaskStatus& task);
// The run status whose icon a task's state takes ("running" for pending and running, "failed"
// for failed, lost and timed out, ...).
std::string pendingStatusWord(const std::string& state);
// "seed 3", "seeds 3, 4, 5".
std::string seedsText(const std::vector<int64_t>& seeds);

// Jobs the user removed from the browser's list (a setting of the database, shared by every
// program that opens it).
std::set<int64_t> dismissedJobs(const store::Store& store);
void dismissJob(store::Store& store, int64_t jobId);

} // namespace nf::ui
