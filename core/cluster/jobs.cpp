// Submitting, watching, collecting and cancelling cluster submissions (Slurm).

#include "cluster/jobs.h"

#include "cluster/command.h"
#include "common/error.h"
#include "common/text.h"
#include "common/utc_time.h"
#include "store/merge.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <sys/vfs.h>

namespace nf::cluster {
namespace {

namespace fs = std::filesystem;

std::string trim(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::vector<std::string> splitFields(const std::string& line, char separator)
{
    std::vector<std::string> fields;
    std::istringstream in(line);
    std::string field;
    while (std::getline(in, field, separator))
        fields.push_back(field);
    return fields;
}

// slurm-20261207-153012-3fa9: when, and four hex digits so that two submissions in one second
// differ.
std::string submissionFolderName()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
    std::random_device random;
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, "%04x", random() & 0xffffU);
    return std::string("slurm-") + stamp + "-" + suffix;
}

void writeFile(const fs::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        throw InputError("cannot write " + path.string());
}

std::string planJson(const Submission& submission)
{
    const auto& plan = submission.plan;
    const auto& slurm = submission.slurm;
    return nlohmann::json{{"model", plan.modelPath},
                          {"model_label", plan.modelLabel},
                          {"task", plan.taskSpec},
                          {"tokenizer", plan.tokenizerPath},
                          {"adapter", plan.adapterPath},
                          {"label", plan.label},
                          {"seeds", submission.taskSeeds},
                          {"run_arguments", runArguments(plan)},
                          {"database", submission.database.string()},
                          {"cli", slurm.cli},
                          {"launcher", slurm.launcher},
                          {"partition", slurm.partition},
                          {"gpus_per_task", slurm.gpusPerTask},
                          {"time", slurm.time},
                          {"max_parallel", slurm.maxParallel},
                          {"sbatch_args", slurm.sbatchArgs}}
        .dump();
}

// sbatch --parsable prints "ID" or "ID;CLUSTER".
std::string submitScript(const std::vector<std::string>& options, const fs::path& script,
                         const std::string& what)
{
    std::vector<std::string> argv = {"sbatch", "--parsable"};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back(script.string());
    const auto result = runCommand(argv);
    const auto id = trim(result.out.substr(0, result.out.find(';')));
    if (!result.ok() || id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
        throw InputError("sbatch refused " + what + ": " +
                         printableExcerpt(result.lastLine().empty()
                                              ? "exit " + std::to_string(result.exitCode)
                                              : result.lastLine(),
                                          300));
    return id;
}

// A task's shard folder: task-N, task-N.rK after a requeue, task-N.PID when the name was taken.
struct ShardFolder
{
    std::string name;
    int64_t task = -1;
    fs::path path;
    std::map<std::string, std::string> status;
    std::optional<int> exitCode; // the status file's exit_code, when it reads as one
};

std::vector<ShardFolder> shardFolders(const fs::path& shardsDir)
{
    std::vector<ShardFolder> folders;
    std::error_code ec;
    for (fs::directory_iterator it(shardsDir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (!name.starts_with("task-") || !it->is_directory(ec))
            continue;
        const auto digits =
            name.substr(5, name.find('.') == std::string::npos ? std::string::npos : name.find('.') - 5);
        if (digits.empty() || digits.size() > 9 ||
            digits.find_first_not_of("0123456789") != std::string::npos)
            continue;
        ShardFolder folder{name, std::stoll(digits), it->path(), {}};
        std::ifstream status(it->path() / "status");
        std::string line;
        while (std::getline(status, line))
            if (const auto eq = line.find('='); eq != std::string::npos)
                folder.status[line.substr(0, eq)] = line.substr(eq + 1);
        // The script writes the status last before renaming the folder into place: a folder
        // without its exit code is not a whole shard (one copied by hand, still arriving).
        const auto code = folder.status.find("exit_code");
        if (code == folder.status.end())
            continue;
        if (!code->second.empty() && code->second.size() < 4 &&
            code->second.find_first_not_of("0123456789") == std::string::npos)
            folder.exitCode = std::stoi(code->second);
        folders.push_back(std::move(folder));
    }
    std::sort(folders.begin(), folders.end(), [](const ShardFolder& a, const ShardFolder& b) {
        return std::tie(a.task, a.name) < std::tie(b.task, b.name);
    });
    return folders;
}

// The last line of a task's log that says what went wrong: noisefloor's own error, or Slurm's
// (a cancellation, a time limit, memory).
std::string lastErrorLine(const fs::path& log)
{
    std::ifstream in(log, std::ios::binary);
    if (!in)
        return {};
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::streamoff>(in.tellg());
    in.seekg(std::max<std::streamoff>(0, size - 65536));
    std::string line;
    std::string last;
    while (std::getline(in, line))
        if (line.starts_with("noisefloor-cli: ") || line.starts_with("slurmstepd: "))
            last = line;
    return last.empty() ? std::string() : printableExcerpt(trim(last), 300);
}

// A Slurm state word as one of ours, for a task that left no shard: waiting, going, cancelled
// before it ran (or killed before it could save one), out of time, or "lost": ended (FAILED,
// OUT_OF_MEMORY, NODE_FAIL, even COMPLETED) without the shard its script saves last.
std::string fromSlurm(const std::string& word)
{
    static const std::set<std::string> waiting = {"PENDING",     "REQUEUED",  "REQUEUE_HOLD",  "REQUEUE_FED",
                                                  "CONFIGURING", "SUSPENDED", "RESV_DEL_HOLD", "RESIZING"};
    static const std::set<std::string> going = {"RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING"};
    if (waiting.count(word))
        return "pending";
    if (going.count(word))
        return "running";
    if (word == "CANCELLED")
        return "cancelled";
    if (word == "TIMEOUT" || word == "DEADLINE")
        return "timeout";
    return "lost";
}

struct SlurmTask
{
    std::string state;
    std::string node;
    std::optional<int> exitCode;
};

// squeue -r -t all: every task the controller still holds, an array's pending ones one by one.
std::optional<std::map<int64_t, SlurmTask>> askSqueue(const std::string& arrayId)
{
    if (!onPath("squeue"))
        return std::nullopt;
    const auto result = runCommand({"squeue", "-h", "-r", "-t", "all", "-j", arrayId, "-o", "%K|%T|%N"});
    std::map<int64_t, SlurmTask> tasks;
    if (!result.ok()) {
        // A job the controller has forgotten: "Invalid job id specified".
        if (result.err.find("Invalid job id") != std::string::npos)
            return tasks;
        return std::nullopt;
    }
    std::istringstream lines(result.out);
    std::string line;
    while (std::getline(lines, line)) {
        const auto fields = splitFields(trim(line), '|');
        if (fields.size() < 2 || fields[0].empty() ||
            fields[0].find_first_not_of("0123456789") != std::string::npos)
            continue;
        tasks[std::stoll(fields[0])] = {fields[1], fields.size() > 2 ? fields[2] : std::string(),
                                        std::nullopt};
    }
    return tasks;
}

// sacct, where the cluster keeps accounting: tasks the controller has forgotten.
std::map<int64_t, SlurmTask> askSacct(const std::string& arrayId)
{
    std::map<int64_t, SlurmTask> tasks;
    if (!onPath("sacct"))
        return tasks;
    const auto result =
        runCommand({"sacct", "-n", "-P", "-X", "-j", arrayId, "-o", "JobID,State,ExitCode,NodeList"});
    if (!result.ok())
        return tasks; // "Slurm accounting storage is disabled"
    std::istringstream lines(result.out);
    std::string line;
    while (std::getline(lines, line)) {
        const auto fields = splitFields(trim(line), '|');
        if (fields.size() < 4)
            continue;
        const auto underscore = fields[0].find('_');
        if (underscore == std::string::npos)
            continue;
        const auto task = fields[0].substr(underscore + 1);
        if (task.empty() || task.find_first_not_of("0123456789") != std::string::npos)
            continue;
        SlurmTask entry{splitFields(fields[1], ' ').front(), fields[3], std::nullopt};
        if (const auto colon = fields[2].find(':'); colon != std::string::npos && colon > 0)
            entry.exitCode = std::stoi(fields[2].substr(0, colon));
        tasks[std::stoll(task)] = entry;
    }
    return tasks;
}

std::string plural(int64_t n, const std::string& one, const std::string& many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

bool slurmAvailable()
{
    return onPath("sbatch");
}

SubmitResult submit(store::Store& store, Submission submission, const fs::path& shardsRoot, bool dryRun)
{
    submission.shardsDir = shardsRoot / submissionFolderName();
    checkSubmission(submission);
    SubmitResult result;
    int64_t nextId = 1;
    for (const auto& job : store.jobs())
        nextId = std::max(nextId, job.id + 1);
    result.arrayScript = arrayScript(submission);
    result.collectScript = collectScript(submission, nextId);
    auto& job = result.job;
    job.shardsDir = submission.shardsDir.string();
    job.planJson = planJson(submission);
    job.nTasks = static_cast<int64_t>(submission.taskSeeds.size());
    for (const auto& seeds : submission.taskSeeds)
        job.nRuns += static_cast<int64_t>(seeds.size());
    job.state = "queued";
    if (dryRun)
        return result;

    std::error_code ec;
    fs::create_directories(submission.shardsDir / "logs", ec);
    if (ec)
        throw InputError("cannot make the shards folder " + submission.shardsDir.string() + ": " +
                         ec.message());
    const auto arrayPath = submission.shardsDir / "job.sbatch";
    writeFile(arrayPath, result.arrayScript);
    try {
        job.arrayId = submitScript({}, arrayPath, "the job array");
    } catch (...) {
        fs::remove_all(submission.shardsDir, ec);
        throw;
    }
    try {
        job.id = store.addJob(job);
    } catch (const StoreError& e) {
        // The array runs anyway: say where its shards go, so they can still be merged.
        throw StoreError(std::string(e.what()) + " (Slurm array " + job.arrayId +
                         " was queued; its shards go to " + job.shardsDir +
                         ": `noisefloor-cli merge` each task-*/shard.sqlite)");
    }
    result.collectScript = collectScript(submission, job.id);
    const auto collectPath = submission.shardsDir / "collect.sbatch";
    try {
        writeFile(collectPath, result.collectScript);
        job.collectId = submitScript({"--dependency=afterany:" + job.arrayId, "--kill-on-invalid-dep=yes"},
                                     collectPath, "the collect job");
        store.setJobCollectId(job.id, job.collectId);
    } catch (const std::exception& e) {
        job.detail = std::string("no collect job (") + e.what() + "): run `noisefloor-cli collect " +
                     std::to_string(job.id) + "` when the tasks end";
        store.setJobState(job.id, job.state, job.detail, "");
    }
    return result;
}

JobPlan jobPlan(const store::JobRow& job)
{
    JobPlan plan;
    const auto json = nlohmann::json::parse(job.planJson, nullptr, false);
    if (!json.is_object())
        return plan;
    if (const auto label = json.find("model_label"); label != json.end() && label->is_string())
        plan.modelLabel = label->get<std::string>();
    if (const auto task = json.find("task"); task != json.end() && task->is_string())
        plan.task = task->get<std::string>();
    if (const auto seeds = json.find("seeds"); seeds != json.end() && seeds->is_array())
        for (const auto& task : *seeds) {
            auto& taskSeeds = plan.taskSeeds.emplace_back();
            if (task.is_array())
                for (const auto& seed : task)
                    if (seed.is_number_integer())
                        taskSeeds.push_back(seed.get<int64_t>());
        }
    return plan;
}

std::string JobStatus::summary() const
{
    std::vector<std::string> parts;
    if (running > 0)
        parts.push_back(std::to_string(running) + " running");
    if (pending > 0)
        parts.push_back(std::to_string(pending) + " pending");
    if (completed > 0)
        parts.push_back(std::to_string(completed) + " completed");
    std::map<std::string, int64_t> ended;
    for (const auto& task : tasks)
        if (task.state != "pending" && task.state != "running" && task.state != "completed")
            ++ended[task.state];
    for (const auto& [state, n] : ended)
        parts.push_back(std::to_string(n) + " " + state);
    std::string text;
    for (const auto& part : parts)
        text += (text.empty() ? "" : ", ") + part;
    if (text.empty())
        text = "no tasks";
    if (uncollected > 0)
        text += "; " + plural(uncollected, "shard", "shards") + " to collect";
    return text;
}

JobStatus jobStatus(const store::Store& store, const store::JobRow& job)
{
    JobStatus status;
    status.job = job;
    const auto plan = jobPlan(job);
    for (int64_t i = 0; i < job.nTasks; ++i) {
        TaskStatus task;
        task.task = i;
        if (i < static_cast<int64_t>(plan.taskSeeds.size()))
            task.seeds = plan.taskSeeds[static_cast<size_t>(i)];
        status.tasks.push_back(std::move(task));
    }
    const auto squeue = job.arrayId.empty() ? std::nullopt : askSqueue(job.arrayId);
    status.schedulerAnswered = squeue.has_value();
    const auto sacct = job.arrayId.empty() ? std::map<int64_t, SlurmTask>{} : askSacct(job.arrayId);
    std::set<std::string> collected;
    for (const auto& shard : store.jobShards(job.id))
        collected.insert(shard.name);
    std::map<int64_t, ShardFolder> shards; // the last folder of each task (a requeued task's latest)
    for (auto& folder : shardFolders(job.shardsDir))
        if (folder.task >= 0 && folder.task < job.nTasks) {
            status.uncollected += !collected.count(folder.name);
            shards[folder.task] = std::move(folder);
        }

    for (auto& task : status.tasks) {
        std::optional<SlurmTask> slurm;
        if (squeue && squeue->count(task.task))
            slurm = squeue->at(task.task);
        else if (sacct.count(task.task))
            slurm = sacct.at(task.task);
        if (slurm) {
            task.slurmState = slurm->state;
            task.node = slurm->node;
            task.exitCode = slurm->exitCode;
        }
        if (const auto found = shards.find(task.task); found != shards.end()) {
            const auto& folder = found->second;
            task.shard = folder.name;
            task.collected = collected.count(folder.name) > 0;
            task.hasRuns = fs::exists(folder.path / "shard.sqlite");
            const auto value = [&](const char* key) {
                const auto it = folder.status.find(key);
                return it == folder.status.end() ? std::string() : it->second;
            };
            if (!value("node").empty())
                task.node = value("node");
            if (folder.exitCode)
                task.exitCode = folder.exitCode;
            if (task.exitCode == 0)
                task.state = "completed";
            else if (task.slurmState == "TIMEOUT")
                task.state = "timeout";
            else if (value("signalled") == "1" || task.exitCode == 143 || task.exitCode == 130)
                task.state = "cancelled";
            else
                task.state = "failed";
            if (value("finished_at") > status.finishedAt)
                status.finishedAt = value("finished_at");
        } else if (slurm) {
            task.state = fromSlurm(slurm->state);
        } else {
            task.state = squeue ? "lost" : "unknown";
        }
        if (task.state != "completed" && task.state != "pending" && task.state != "running")
            task.message = lastErrorLine(taskLogPath(job.shardsDir, task.task));
        status.pending += task.state == "pending";
        status.running += task.state == "running";
        status.completed += task.state == "completed";
    }
    status.failed =
        static_cast<int64_t>(status.tasks.size()) - status.pending - status.running - status.completed;
    if (job.state == "cancelled")
        status.state = "cancelled";
    else if (status.pending == static_cast<int64_t>(status.tasks.size()) && !status.tasks.empty())
        status.state = "queued";
    else if (!status.ended())
        status.state = "running";
    else
        status.state = "finished";
    if (!status.ended())
        status.finishedAt.clear();
    else if (status.finishedAt.empty())
        status.finishedAt = job.finishedAt.empty() ? isoUtc(std::time(nullptr)) : job.finishedAt;
    return status;
}

void recordStatus(store::Store& store, const JobStatus& status)
{
    // Without the scheduler (squeue not on this machine) only the shards are known: keep the
    // state it last reported unless the shards say every task has ended.
    if (!status.schedulerAnswered && !status.ended())
        return;
    const auto detail = status.summary();
    if (status.state != status.job.state || detail != status.job.detail ||
        status.finishedAt != status.job.finishedAt)
        store.setJobState(status.job.id, status.state, detail, status.finishedAt);
}

CollectResult collect(store::Store& store, int64_t jobId)
{
    const auto job = store.job(jobId);
    if (!job)
        throw InputError("job " + std::to_string(jobId) + " is not in " + store.path().string() +
                         " (`noisefloor-cli jobs` lists the submissions)");
    std::error_code ec;
    if (!fs::is_directory(job->shardsDir, ec))
        throw InputError("job " + std::to_string(jobId) + ": its shards folder " + job->shardsDir +
                         " is not there (moved, or not visible from this machine)");
    CollectResult result;
    std::set<std::string> collected;
    for (const auto& shard : store.jobShards(jobId))
        collected.insert(shard.name);
    std::set<int64_t> groups;
    for (const auto& folder : shardFolders(job->shardsDir)) {
        if (folder.task < 0 || folder.task >= job->nTasks)
            continue;
        if (collected.count(folder.name)) {
            ++result.shardsAlready;
            continue;
        }
        store::JobShardRow row;
        row.jobId = jobId;
        row.name = folder.name;
        row.task = folder.task;
        row.exitCode = folder.exitCode;
        const auto database = folder.path / "shard.sqlite";
        if (fs::exists(database, ec)) {
            try {
                // A run killed before it folded its write-ahead log in left it beside the shard:
                // opening the shard for writing folds it in (and marks that run interrupted).
                if (fs::exists(database.string() + "-wal", ec))
                    store::Store(database, store::OpenMode::ReadWrite);
                const auto merged = store::mergeDatabase(store, database);
                row.runsAdded = merged.runsAdded;
                result.runsAdded += merged.runsAdded;
                result.runsAlreadyHere += merged.runsAlreadyHere;
                result.runsNotCompleted += merged.runsNotCompleted;
                groups.insert(merged.groups.begin(), merged.groups.end());
            } catch (const InputError& e) {
                result.problems.push_back(folder.name + ": " + e.what());
                continue;
            } catch (const StoreError& e) {
                // The shard itself (this database's failures come from mergeDatabase as its own).
                result.problems.push_back(folder.name + ": " + e.what());
                continue;
            }
        } else {
            ++result.shardsWithoutRuns;
        }
        store.addJobShard(row);
        ++result.shardsMerged;
    }
    result.groups.assign(groups.begin(), groups.end());
    result.status = jobStatus(store, *store.job(jobId));
    recordStatus(store, result.status);
    return result;
}

std::string networkFilesystem(const fs::path& path)
{
    std::error_code ec;
    const auto existing = fs::exists(path, ec) ? path : path.parent_path();
    struct statfs info
    {};
    if (::statfs(existing.c_str(), &info) != 0)
        return {};
    switch (static_cast<unsigned long>(info.f_type)) {
    case 0x6969UL:
        return "nfs";
    case 0x0BD00BD0UL:
        return "lustre";
    case 0x47504653UL:
        return "gpfs";
    case 0x19830326UL:
        return "beegfs";
    case 0x00C36400UL:
        return "cephfs";
    case 0xFF534D42UL:
    case 0xFE534D42UL:
    case 0x517BUL:
        return "cifs";
    case 0x65735546UL:
        return "fuse";
    default:
        return {};
    }
}

void cancel(store::Store& store, int64_t jobId)
{
    const auto job = store.job(jobId);
    if (!job)
        throw InputError("job " + std::to_string(jobId) + " is not in " + store.path().string() +
                         " (`noisefloor-cli jobs` lists the submissions)");
    if (const auto status = jobStatus(store, *job); status.schedulerAnswered && status.ended())
        throw InputError("job " + std::to_string(jobId) + " has ended (" + status.summary() +
                         "): nothing to cancel");
    const auto result = runCommand({"scancel", job->arrayId});
    if (!result.ok())
        throw InputError("scancel " + job->arrayId + " refused: " + printableExcerpt(result.lastLine(), 300));
    store.setJobState(jobId, "cancelled",
                      "cancelled at " + isoUtc(std::time(nullptr)) + "; completed runs are kept",
                      job->finishedAt);
}

} // namespace nf::cluster
