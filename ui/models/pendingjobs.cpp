#include "models/pendingjobs.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace nf::ui {
namespace {

constexpr const char* kDismissedKey = "browser.dismissed_jobs";

// A task's state before the first poll, from what the store knows: the shards collected.
cluster::JobStatus statusFromStore(const store::JobRow& job, const std::vector<store::JobShardRow>& shards,
                                   const cluster::JobPlan& plan)
{
    cluster::JobStatus status;
    status.job = job;
    for (int64_t i = 0; i < job.nTasks; ++i) {
        cluster::TaskStatus task;
        task.task = i;
        if (i < static_cast<int64_t>(plan.taskSeeds.size()))
            task.seeds = plan.taskSeeds[static_cast<size_t>(i)];
        // The last shard of the task (a requeued task leaves more than one).
        const store::JobShardRow* shard = nullptr;
        for (const auto& row : shards)
            if (row.task == i)
                shard = &row;
        if (shard) {
            task.shard = shard->name;
            task.collected = true;
            task.exitCode = shard->exitCode;
            task.state = shard->exitCode == 0 ? "completed" : "failed";
        } else {
            // Not asked yet: once the job has ended, only the scheduler or the shards can tell.
            task.state = job.finishedAt.empty() ? "submitted" : "unknown";
        }
        status.pending += task.state == "submitted";
        status.completed += task.state == "completed";
        status.tasks.push_back(std::move(task));
    }
    status.state = job.state;
    status.finishedAt = job.finishedAt;
    return status;
}

// Every task completed and its shard merged: the job is runs now.
bool allCollected(const store::JobRow& job, const std::vector<store::JobShardRow>& shards)
{
    std::set<int64_t> done;
    for (const auto& shard : shards)
        if (shard.exitCode == 0)
            done.insert(shard.task);
    return static_cast<int64_t>(done.size()) >= job.nTasks;
}

} // namespace

std::vector<PendingJob> loadPendingJobs(const store::Store& store,
                                        const std::map<int64_t, cluster::JobStatus>& polled)
{
    std::vector<PendingJob> pending;
    const auto dismissed = dismissedJobs(store);
    for (const auto& job : store.jobs()) {
        if (dismissed.count(job.id))
            continue;
        const auto shards = store.jobShards(job.id);
        if (allCollected(job, shards))
            continue;
        const auto plan = cluster::jobPlan(job);
        PendingJob entry;
        entry.job = job;
        entry.modelLabel = plan.modelLabel;
        entry.task = plan.task;
        if (const auto found = polled.find(job.id); found != polled.end()) {
            entry.status = found->second;
            entry.status.job = job; // the row as it reads now (state recorded since the poll)
            entry.polled = true;
        } else {
            entry.status = statusFromStore(job, shards, plan);
        }
        // A cancelled job has said what it had to once it has ended and its shards are in.
        const bool settled =
            entry.polled ? entry.status.ended() && entry.status.uncollected == 0 : !job.finishedAt.empty();
        if (job.state == "cancelled" && settled)
            continue;
        pending.push_back(std::move(entry));
    }
    return pending;
}

std::vector<const cluster::TaskStatus*> tasksToShow(const PendingJob& job)
{
    std::vector<const cluster::TaskStatus*> tasks;
    for (const auto& task : job.status.tasks)
        if (!(task.state == "completed" && task.collected))
            tasks.push_back(&task);
    return tasks;
}

std::string taskStateText(const cluster::TaskStatus& task)
{
    const auto& state = task.state;
    if (state == "submitted")
        return "submitted to Slurm";
    if (state == "pending")
        return task.slurmState.empty() || task.slurmState == "PENDING"
                   ? "pending (Slurm)"
                   : "pending (Slurm: " + task.slurmState + ")";
    if (state == "running")
        return task.node.empty() ? "running (Slurm)" : "running on " + task.node;
    if (state == "completed")
        return task.collected ? "completed" : "completed, to collect";
    if (state == "failed") {
        // The task's log line names the program; the row needs only what went wrong.
        std::string message = task.message;
        for (const std::string prefix : {"noisefloor-cli: ", "error: "})
            if (message.starts_with(prefix))
                message.erase(0, prefix.size());
        if (!message.empty())
            return "failed: " + message;
        return task.exitCode ? "failed (exit " + std::to_string(*task.exitCode) + ")" : "failed";
    }
    if (state == "timeout")
        return "timed out (the Slurm time limit)";
    if (state == "lost")
        return "lost: ended without leaving a shard";
    if (state == "unknown")
        return "unknown: Slurm has forgotten it and it left no shard";
    return state;
}

std::string pendingStatusWord(const std::string& state)
{
    if (state == "submitted" || state == "pending" || state == "running")
        return "running";
    if (state == "completed" || state == "cancelled")
        return state;
    if (state == "unknown")
        return "interrupted";
    return "failed";
}

std::string seedsText(const std::vector<int64_t>& seeds)
{
    std::string text = seeds.size() == 1 ? "seed " : "seeds ";
    for (size_t i = 0; i < seeds.size(); ++i)
        text += (i ? ", " : "") + std::to_string(seeds[i]);
    return text;
}

std::set<int64_t> dismissedJobs(const store::Store& store)
{
    std::set<int64_t> ids;
    std::istringstream in(store.setting(kDismissedKey).value_or(""));
    std::string part;
    while (std::getline(in, part, ','))
        if (!part.empty() && part.size() < 19 && part.find_first_not_of("0123456789") == std::string::npos)
            ids.insert(std::stoll(part));
    return ids;
}

void dismissJob(store::Store& store, int64_t jobId)
{
    auto ids = dismissedJobs(store);
    ids.insert(jobId);
    std::string text;
    for (const int64_t id : ids)
        text += (text.empty() ? "" : ",") + std::to_string(id);
    store.setSetting(kDismissedKey, text);
}

} // namespace nf::ui
