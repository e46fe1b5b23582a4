#pragma once

// Cluster submissions from submitting to collecting: submit writes the scripts (script.h) into a
// folder of their own, queues the array and its collect job and records the submission in the
// database's jobs table; jobStatus tells each array task's state from what the scheduler still
// knows (squeue, sacct where the cluster keeps accounting) and from the shards the tasks left;
// collect merges the shards not merged yet (store/merge.h: completed runs only, matched by uid, so
// a shard merged twice adds nothing); cancel asks scancel to stop the array.

#include "cluster/script.h"
#include "store/store.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nf::cluster {

// Whether this machine can submit to Slurm (sbatch on the PATH).
bool slurmAvailable();

struct SubmitResult
{
    store::JobRow job; // as recorded (id 0 for a dry run)
    std::string arrayScript;
    std::string collectScript;
};

// Makes the submission's folder in `shardsRoot` (slurm-YYYYMMDD-HHMMSS-XXXX), writes both scripts
// there, queues the array with sbatch, records the job in `store`, then queues the collect job
// (afterany: it runs however the tasks end). The database path, the shards folder and the CLI in
// `submission` must be absolute. dryRun: returns the scripts; nothing is made, queued or recorded.
// Throws nf::InputError for what cannot go into a script or sbatch refuses (its own message).
SubmitResult submit(store::Store& store, Submission submission, const std::filesystem::path& shardsRoot,
                    bool dryRun);

// What a submission's recorded plan says, for showing it: the model's label, the task, and the
// seeds of each array task. Fields it cannot read stay empty.
struct JobPlan
{
    std::string modelLabel;
    std::string task;
    std::vector<std::vector<int64_t>> taskSeeds;
};
JobPlan jobPlan(const store::JobRow& job);

// One array task as far as anyone can tell.
struct TaskStatus
{
    int64_t task = 0;
    std::vector<int64_t> seeds;
    // pending, running, completed, failed, cancelled, timeout, lost (ended without leaving a
    // shard), unknown (the scheduler has forgotten it and it left nothing)
    std::string state;
    std::string slurmState; // the scheduler's word, while it still knows the task
    std::optional<int> exitCode;
    std::string node;
    std::string message;  // a failed task's last error line (from its log)
    std::string shard;    // its shard folder's name, once there
    bool hasRuns = false; // the shard holds a database
    bool collected = false;
};

struct JobStatus
{
    store::JobRow job;
    std::vector<TaskStatus> tasks;
    // queued (every task waits), running, finished (every task ended), cancelled (ended after
    // `cancel`)
    std::string state;
    int64_t pending = 0;
    int64_t running = 0;
    int64_t completed = 0;
    int64_t failed = 0;             // failed, timeout, lost, cancelled
    int64_t uncollected = 0;        // shards there, not merged yet
    std::string finishedAt;         // when the last task ended, once all have
    bool schedulerAnswered = false; // squeue answered; false when it is not on the PATH

    bool ended() const { return pending == 0 && running == 0; }
    // "2 running, 1 pending, 1 completed; 1 shard to collect"
    std::string summary() const;
};

// Asks squeue (and sacct, where the cluster keeps accounting) and reads the shards folder.
// Writes nothing.
JobStatus jobStatus(const store::Store& store, const store::JobRow& job);

// The state and detail to keep in the jobs table (what `jobs` shows once the scheduler forgets).
void recordStatus(store::Store& store, const JobStatus& status);

struct CollectResult
{
    int64_t shardsMerged = 0;      // shards merged now
    int64_t shardsAlready = 0;     // collected before
    int64_t shardsWithoutRuns = 0; // tasks that ended before storing anything (bad input)
    int64_t runsAdded = 0;
    int64_t runsAlreadyHere = 0;
    int64_t runsNotCompleted = 0; // cancelled or interrupted runs in the shards: not merged
    std::vector<int64_t> groups;
    std::vector<std::string> problems; // shards that could not be merged, with why
    JobStatus status;                  // the job as it stands after collecting (recorded)
};

// Merges every shard of the job not collected yet (those of tasks still running are not there
// yet) and records them, then the job's state. A damaged shard is named in `problems` and left
// for the next collect; the others are merged.
CollectResult collect(store::Store& store, int64_t jobId);

// The network filesystem `path` (a file, or the folder it would be made in) is on ("nfs",
// "lustre", "gpfs", "beegfs", "cephfs", "cifs", "fuse"), or empty on a local one. SQLite's WAL
// needs every connection on one machine: collect warns before writing a database on one.
std::string networkFilesystem(const std::filesystem::path& path);

// scancel on the array: running tasks store the run in flight as cancelled and leave their shard;
// the collect job still runs. Records the job as cancelled. Throws nf::InputError when every task
// has ended already, or scancel refuses (its message).
void cancel(store::Store& store, int64_t jobId);

} // namespace nf::cluster
