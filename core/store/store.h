#pragma once

#include "store/run_status.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nf::store {

struct ModelRow
{
    int64_t id = 0;
    std::string path;
    std::string sha256;
    std::string kind; // classifier | causal_lm | imported
    std::string label;
    std::string createdAt;
};

struct TaskRow
{
    int64_t id = 0;
    std::string kind; // image | mmlu | jsonl | imported
    std::string path;
    std::string sha256;
    int64_t nItems = 0;
    std::string label;
};

// One item of a task: its subject (class name, MMLU subject) and reference answer.
struct TaskItem
{
    std::string subject;
    std::string ref;
};

// A config group: everything about a run except its seed.
struct GroupRow
{
    int64_t id = 0;
    int64_t modelId = 0;
    int64_t taskId = 0;
    std::string modelLabel;
    std::string taskLabel;
    std::string paramsJson;
    std::string paramsHash;
    // Completed runs that count for the statistics (reproductions excluded), in run order.
    std::vector<double> accuracies;
};

struct RunRow
{
    int64_t id = 0;
    std::string uid;
    int64_t configId = 0;
    int64_t envId = 0;
    int64_t seed = 0;
    RunStatus status = RunStatus::Running;
    std::string label;
    std::string startedAt;  // ISO-8601 UTC
    std::string finishedAt; // empty while running
    int64_t nItems = 0;
    int64_t nCorrect = 0;
    std::optional<double> accuracy; // fraction 0..1, set once completed
    std::optional<double> durationSeconds;
    std::string notes;
    std::string tags;
    std::string source; // as stored: engine | import:<format>
    std::optional<int64_t> reproduces;
    bool hidden = false; // hidden from the app's browser and charts; the statistics still count it
    std::optional<int64_t> importId; // the imports row of the file it came from (imported runs)

    RunSource sourceKind() const { return runSourceFromString(source); }
};

// A file an import read: format, where it was, its sha256 and the other files read with it, as a
// JSON array of {"path", "sha256"}. key (unique) identifies the file together with the runs read
// from it, so that the same import is done once while the same file read otherwise (another data
// folder, another metric) is a new import.
struct ImportRow
{
    int64_t id = 0;
    std::string format; // llamafactory | lm-eval | jsonl
    std::string path;
    std::string sha256;
    std::string filesJson = "[]";
    std::string importedAt;
    std::string key; // empty: the sha256
};

struct ItemRow
{
    ItemRow() = default;
    ItemRow(int64_t idx, int32_t predicted, bool correct, double pTrue)
        : idx(idx), predicted(predicted), correct(correct), pTrue(pTrue)
    {}

    int64_t idx = 0;
    int32_t predicted = -1;
    bool correct = false;
    double pTrue = 0.0;
    // Language-model items: few-shot examples the prompt kept, and a hash of its token ids.
    std::optional<int32_t> nShots;
    std::optional<int64_t> promptHash;
};

struct NewRun
{
    NewRun() = default;
    NewRun(int64_t configId, int64_t envId, int64_t seed, std::string label,
           std::string source = toString(RunSource::Engine), std::optional<int64_t> reproduces = std::nullopt,
           std::string uid = {})
        : configId(configId), envId(envId), seed(seed), label(std::move(label)), source(std::move(source)),
          reproduces(reproduces), uid(std::move(uid))
    {}

    int64_t configId = 0;
    int64_t envId = 0;
    int64_t seed = 0;
    std::string label;
    std::string source = toString(RunSource::Engine); // as stored (see RunRow::source)
    std::optional<int64_t> reproduces;
    std::string uid; // empty: a new random uid; imports keep the uid the run was exported with
    std::optional<int64_t> importId;
    std::string notes;
};

// A submission of repeats to a cluster scheduler: one array task per seed (or chunk of seeds),
// each writing its own shard database into `shardsDir`, merged here by collecting.
struct JobRow
{
    int64_t id = 0;
    std::string scheduler = "slurm";
    std::string arrayId;   // the scheduler's id of the array job
    std::string collectId; // the dependent job that collects the shards ('' when none)
    std::string shardsDir; // this submission's own folder
    std::string planJson;  // what was submitted: model, task, settings, seeds per task, resources
    int64_t nTasks = 0;
    int64_t nRuns = 0;     // seeds submitted
    std::string state;     // as last seen (cluster/jobs.h): queued, running, finished, cancelled, ...
    std::string detail;    // a line about the state: failed tasks, the last error
    std::string submittedAt;
    std::string finishedAt; // empty while it has not finished
};

// A shard of a job already collected: merging it again would add nothing.
struct JobShardRow
{
    int64_t jobId = 0;
    std::string name; // its folder's name in the job's shards folder
    int64_t task = 0; // the array task it came from
    std::optional<int64_t> exitCode;
    int64_t runsAdded = 0;
    std::string collectedAt;
};

struct RunFilter
{
    std::optional<int64_t> configId;
    std::optional<RunStatus> status;
};

enum class OpenMode { ReadWrite, ReadOnly };

// The SQLite store: one file, WAL, foreign keys, busy timeout, every write transaction BEGIN
// IMMEDIATE, migrations by PRAGMA user_version. One Store per thread; several processes may open
// the same file at once (the app and a CLI run).
class Store
{
public:
    static constexpr int kSchemaVersion = 5;

    // Opens (creating the file and its folder in ReadWrite mode), migrates to kSchemaVersion and
    // marks as interrupted the runs left `running` by a process of this host that is gone.
    // Throws StoreError naming the path when the file cannot be opened, is not a noisefloor
    // database, is newer than this program, or is read-only in ReadWrite mode. ":memory:" opens a
    // private in-memory database (tests).
    explicit Store(const std::filesystem::path& path, OpenMode mode = OpenMode::ReadWrite);
    ~Store();
    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    const std::filesystem::path& path() const;
    int schemaVersion() const;
    // The schema of the file itself: older than schemaVersion() where a read-only store reads an
    // older file through a copy migrated in memory.
    int fileSchemaVersion() const;

    // Rows that identify what is evaluated; each returns the existing id when the same
    // (sha256/hash) is already there.
    int64_t ensureModel(const std::string& path, const std::string& sha256, const std::string& kind,
                        const std::string& label);
    // Inserts the task and its items (subject, ref per index) once, keyed by sha256.
    int64_t ensureTask(const std::string& kind, const std::string& path, const std::string& sha256,
                       const std::string& label, const std::vector<TaskItem>& items);
    int64_t ensureConfig(int64_t modelId, int64_t taskId, const std::string& paramsJson,
                         const std::string& paramsHash);
    int64_t ensureEnvironment(const std::string& json, const std::string& hash);

    // The completed original (not a reproduction) run of this group with this seed, if any.
    std::optional<int64_t> findCompletedRun(int64_t configId, int64_t seed) const;

    // Inserts a run with status `running`, owned by this process (host, pid, process start time).
    int64_t beginRun(const NewRun& run);
    // In one transaction: every item, the run's counts and accuracy, status `completed`, and the
    // group and subject aggregates. A crash before the commit leaves the run `running` (later
    // `interrupted`), never a half-written completed run.
    void completeRun(int64_t runId, const std::vector<ItemRow>& items, double durationSeconds);
    // Long runs commit their items in chunks while still `running` (owned by this process), so that
    // an interrupted run keeps what it did; completeRun then adds the rest and counts them all.
    // Throws StoreError when the run is not running, or an item is already stored.
    void appendRunItems(int64_t runId, const std::vector<ItemRow>& items);
    // Takes an interrupted, cancelled or failed run back to `running`, owned by this process, and
    // returns the items it already stored (to be skipped). Throws InputError naming the run when it
    // does not exist, completed, or is still running in a live process.
    std::vector<ItemRow> resumeRun(int64_t runId);
    // Ends a run that did not complete: status is Failed, Cancelled or Interrupted.
    void endRun(int64_t runId, RunStatus status, const std::string& notes);

    // Imports a finished run in one transaction (beginRun + completeRun without the `running` step).
    int64_t insertCompletedRun(const NewRun& run, const std::vector<ItemRow>& items, double durationSeconds,
                               const std::string& startedAt);

    // A run another tool reported only as a score (no items): completed, counted in the group's
    // run-level statistics (accuracies) but not in its per-item ones. nItems may be 0 (unknown).
    int64_t insertRunLevelRun(const NewRun& run, double accuracy, int64_t nItems, double durationSeconds,
                              const std::string& startedAt);

    // Imports' sources. addImport throws StoreError when the key is already recorded.
    int64_t addImport(const ImportRow& row);
    std::optional<ImportRow> findImport(const std::string& key) const;
    std::optional<ImportRow> importRow(int64_t id) const;
    // The config group with this params_hash, if stored.
    std::optional<int64_t> findConfig(const std::string& paramsHash) const;
    // The task with this sha256, if stored.
    std::optional<int64_t> findTask(const std::string& sha256) const;

    // Runs `work` in one write transaction: every write it makes is committed together, or none
    // is when it throws (an import of a file is all or nothing).
    void inTransaction(const std::function<void()>& work);

    // In start order (started_at, then id).
    std::vector<RunRow> runs(const RunFilter& filter = {}) const;
    // By numeric id, or by uid (a unique prefix of at least 4 characters is enough).
    std::optional<RunRow> findRun(const std::string& idOrUid) const;
    // The id of the run with exactly this uid, if any.
    std::optional<int64_t> findRunByUid(const std::string& uid) const;
    std::optional<RunRow> run(int64_t id) const;
    std::vector<ItemRow> runItems(int64_t runId) const;
    // False for a run stored without items (an imported score, a run that failed before any).
    bool runHasItems(int64_t runId) const;

    // Every config group ever stored, also one whose runs were all deleted (empty accuracies and
    // no runs): its model, task and parameters stay known, so a browser can still show it, run it
    // again or keep a pin on it; a browser that wants only groups with runs filters on runs().
    std::vector<GroupRow> groups() const;
    std::optional<GroupRow> group(int64_t configId) const;
    // model(), task() and environmentJson() throw InputError for an id that does not exist.
    ModelRow model(int64_t id) const;
    TaskRow task(int64_t id) const;
    std::vector<TaskItem> taskItems(int64_t taskId) const;
    std::string environmentJson(int64_t envId) const;

    // Aggregates kept in each run's commit: per item of a group, runs seen and times correct;
    // per subject of a run, items and correct.
    struct GroupItemCount
    {
        int64_t idx = 0;
        int64_t nRuns = 0;
        int64_t nCorrect = 0;
    };
    std::vector<GroupItemCount> groupItems(int64_t configId) const;
    struct SubjectCount
    {
        int64_t runId = 0;
        std::string subject;
        int64_t nItems = 0;
        int64_t nCorrect = 0;
    };
    // Of the runs that count for the statistics (completed, reproductions excluded), in run order.
    std::vector<SubjectCount> runSubjects(int64_t configId) const;

    // Cluster submissions, newest last. addJob returns the new id; a job's id is never reused.
    int64_t addJob(const JobRow& job);
    std::vector<JobRow> jobs() const;
    std::optional<JobRow> job(int64_t id) const;
    // Throws InputError for a job that does not exist.
    void setJobState(int64_t id, const std::string& state, const std::string& detail,
                     const std::string& finishedAt);
    void setJobCollectId(int64_t id, const std::string& collectId);
    std::vector<JobShardRow> jobShards(int64_t jobId) const;
    // Records a collected shard. Once: the app and the collect job may collect at the same time,
    // and the second record of a shard is ignored (its merge added nothing: runs match by uid).
    void addJobShard(const JobShardRow& shard);

    std::optional<std::string> setting(const std::string& key) const;
    void setSetting(const std::string& key, const std::string& value);

    // Marks `running` rows whose owning process on this host is gone as interrupted; returns how
    // many. Called by the constructor in ReadWrite mode.
    int recoverInterrupted();

    // Edits from the app's run browser. Each throws InputError for a run that does not exist.
    void setRunTags(int64_t runId, const std::string& tags);
    void setRunNotes(int64_t runId, const std::string& notes);
    void setRunHidden(int64_t runId, bool hidden);
    // Deletes a run that is not `running`, with its items, in one transaction, taking its share
    // out of the group and subject aggregates; reproductions of it lose their link (a pin on it
    // then reads as no pin). Throws InputError for an unknown id or a run still in progress.
    // Afterwards the group reads as if the run had never been stored: a completed reproduction of
    // it becomes the seed's original (joining the aggregates) unless the group has another
    // original of that seed, which it then reproduces; later reproductions reproduce the new
    // original. The group itself stays (see groups()).
    void deleteRun(int64_t runId);

    // PRAGMA data_version of this connection: it changes when another connection (another
    // process, another thread's Store) commits to the file. The app polls it to refresh.
    int64_t dataVersion() const;

    // Size of the database file plus its WAL, in bytes.
    uint64_t fileSizeBytes() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace nf::store
