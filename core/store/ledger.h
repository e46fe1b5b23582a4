#pragma once

// Internal to nf_store: the run ledger, the one unit that changes a run's status and the group
// aggregates that depend on it. Every path that writes runs goes through it: a commit (Store's
// completeRun, imports), appending items, resuming, ending, deleting and merging another database.
//
// The rule it keeps, for a (config group, seed): the group's first completed run of the seed that
// reproduces nothing is the original, and any other completed engine run of that seed is a
// reproduction of it, never a second count. Only the engine's seed fixes everything about a run:
// imported runs of one seed (another harness run twice with seed 1234) are distinct runs.
// A run counts for the group's statistics (group_items, runSubjects, accuracies) when it is
// completed and reproduces nothing.

#include "store/owner.h"
#include "store/run_items.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nf::store {

// The runs that count, as an SQL condition on runs (for reads that select them).
inline constexpr const char* kCountedRunsSql = "status = 'completed' AND reproduces IS NULL";

class RunLedger
{
public:
    // Prepares its statements on db as they are first needed; db must outlive the ledger. Every
    // statement names `main`, so the ledger is right also while another file is attached (merge).
    explicit RunLedger(sqlite::Database& db);
    ~RunLedger();
    RunLedger(const RunLedger&) = delete;
    RunLedger& operator=(const RunLedger&) = delete;

    // The original of (configId, seed), other than run `excluding` (0: none). The one query for it.
    std::optional<int64_t> originalOf(int64_t configId, int64_t seed, int64_t excluding = 0);

    // Everything below runs inside the caller's write transaction.

    // Completes a `running` run (or one of `self` that another process marked interrupted while it
    // went): its items (with those appended earlier), counts and accuracy, status `completed`, the
    // rule, and its share of the aggregates. Throws StoreError for a run that does not exist or
    // cannot complete.
    void complete(int64_t runId, const std::vector<ItemRow>& items, double durationSeconds,
                  const std::string& finishedAt, const ProcessOwner& self);
    // Completes a run stored without items (an imported score): counts for the run-level
    // statistics only.
    void completeWithoutItems(int64_t runId, int64_t nItems, int64_t nCorrect, double accuracy,
                              double durationSeconds, const std::string& finishedAt);
    // A run copied in already completed, with its items (a merge): the rule and its share of the
    // aggregates, as complete() would have left them. Returns true when the rule made it a
    // reproduction of a run already here.
    bool admitCompleted(int64_t runId);

    // A merge admits many runs of one group in a row: between beginGroupBatch() and
    // endGroupBatch(), their group_items additions are summed in memory (arrays of the task's size)
    // and written once, at endGroupBatch(), rather than once per run. Only admitCompleted() may
    // run in between.
    void beginGroupBatch();
    void endGroupBatch();

    // Items of a run still going, committed early (see Store::appendRunItems).
    void appendItems(int64_t runId, const std::vector<ItemRow>& items, const ProcessOwner& self);
    // Takes an interrupted, cancelled or failed engine run back to `running`, owned by `owner`;
    // returns the items it already stored. Throws InputError naming the run otherwise.
    std::vector<ItemRow> reopen(int64_t runId, const ProcessOwner& owner, const std::string& resumedAt);
    // A `running` run ends as failed, cancelled or interrupted, notes appended. Returns false (and
    // changes nothing) when the run is not running.
    bool end(int64_t runId, RunStatus status, const std::string& notes, const std::string& finishedAt);
    // Deletes a run that is not running, with its items and its share of the aggregates; its
    // reproductions become what they would have been had it never been stored (see
    // Store::deleteRun). Throws InputError for an unknown or running run.
    void remove(int64_t runId);

    // A run's stored items in index order.
    std::vector<ItemRow> items(int64_t runId);

private:
    // The columns of a run the rule and the checks read.
    struct RunState
    {
        int64_t id = 0;
        int64_t configId = 0;
        int64_t taskId = 0;
        int64_t seed = 0;
        RunStatus status = RunStatus::Running;
        RunSource source = RunSource::Engine;
        std::string sourceText; // as stored, for messages
        std::optional<int64_t> reproduces;
        std::string ownerHost;
        std::optional<int64_t> ownerPid;
    };
    // Each task's item subjects, as an index into names per item, so a commit counts subjects
    // without string work per item. Tasks never change once inserted.
    struct TaskSubjects
    {
        std::vector<std::string> names;
        std::vector<int32_t> ofItem;
    };

    sqlite::Statement& cached(std::string_view sql);
    RunItemWriter& writer();
    const TaskSubjects& taskSubjects(int64_t taskId);

    std::optional<RunState> load(int64_t runId);
    RunState loadOrThrow(int64_t runId);
    // Throws StoreError unless the run may take items: `running`, or `interrupted` but owned by
    // self (another process judged self gone; self still finishes rather than lose the results).
    void checkTakesItems(const RunState& run, const ProcessOwner& self, const char* otherwise) const;
    // The original an uncounted-yet run of this (group, seed) reproduces under the rule, if any.
    std::optional<int64_t> originalFor(const RunState& run, int64_t excluding);
    // Applies the rule to a completed run that reproduces nothing yet; true when it now does.
    bool linkToOriginal(RunState& run);
    void setReproduces(int64_t runId, std::optional<int64_t> original);
    // The run's row as completed, with its counts; `run.status` follows.
    void markCompleted(RunState& run, int64_t nItems, int64_t nCorrect, std::optional<double> accuracy,
                       double durationSeconds, const std::string& finishedAt);
    static bool counts(const RunState& run);
    // A stored run's items with only idx and correct read: all the aggregates need. The vector is
    // the ledger's, reused from run to run (a merge reads thousands of runs of 14,042 items).
    const std::vector<ItemRow>& answers(int64_t runId);
    void addSubjects(const RunState& run, const std::vector<ItemRow>& items);
    void addToGroup(const RunState& run, const std::vector<ItemRow>& items);
    void checkNoBatch(const char* what) const;

    sqlite::Database& m_db;
    std::map<std::string, sqlite::Statement, std::less<>> m_statements;
    std::unique_ptr<RunItemWriter> m_writer; // prepared on the first write: a reader never needs it
    std::unordered_map<int64_t, TaskSubjects> m_subjects;
    // While a group batch is open: per config group, per idx, the runs and correct answers to add.
    struct HeldCounts
    {
        std::vector<int64_t> nRuns;
        std::vector<int64_t> nCorrect;
    };
    std::vector<ItemRow> m_answers;
    bool m_batching = false;
    std::map<int64_t, HeldCounts> m_held;
};

} // namespace nf::store
