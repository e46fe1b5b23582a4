#include "store/ledger.h"

#include "common/error.h"

#include <utility>

namespace nf::store {
namespace {

// Notes gain a line per event: a resumed run keeps the story of its earlier sessions.
constexpr const char* kAppendNoteSql = "CASE WHEN notes = '' THEN ?3 ELSE notes || char(10) || ?3 END";

std::string runName(int64_t runId)
{
    return "run " + std::to_string(runId);
}

} // namespace

RunLedger::RunLedger(sqlite::Database& db) : m_db(db) {}

RunLedger::~RunLedger() = default;

sqlite::Statement& RunLedger::cached(std::string_view sql)
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end())
        it = m_statements.emplace(std::string(sql), sqlite::Statement(m_db, sql)).first;
    return it->second;
}

RunItemWriter& RunLedger::writer()
{
    if (!m_writer)
        m_writer = std::make_unique<RunItemWriter>(m_db);
    return *m_writer;
}

std::optional<int64_t> RunLedger::originalOf(int64_t configId, int64_t seed, int64_t excluding)
{
    sqlite::Use select(
        cached("SELECT id FROM main.runs WHERE config_id = ?1 AND seed = ?2 AND status = 'completed' "
               "AND reproduces IS NULL AND id != ?3 ORDER BY id LIMIT 1"));
    select->bind(1, configId);
    select->bind(2, seed);
    select->bind(3, excluding);
    if (!select->step())
        return std::nullopt;
    return select->int64At(0);
}

std::optional<RunLedger::RunState> RunLedger::load(int64_t runId)
{
    sqlite::Use select(cached("SELECT r.config_id, c.task_id, r.seed, r.status, r.source, r.reproduces, "
                              "r.owner_host, r.owner_pid FROM main.runs r "
                              "JOIN main.configs c ON c.id = r.config_id WHERE r.id = ?1"));
    select->bind(1, runId);
    if (!select->step())
        return std::nullopt;
    RunState run;
    run.id = runId;
    run.configId = select->int64At(0);
    run.taskId = select->int64At(1);
    run.seed = select->int64At(2);
    const std::string status = select->textAt(3);
    const auto known = runStatusFromString(status);
    if (!known)
        throw StoreError(m_db.pathString() + ": " + runName(runId) + " has an unknown status '" + status +
                         "'");
    run.status = *known;
    run.sourceText = select->textAt(4);
    run.source = runSourceFromString(run.sourceText);
    run.reproduces = select->optionalInt64At(5);
    run.ownerHost = select->textAt(6);
    run.ownerPid = select->optionalInt64At(7);
    return run;
}

RunLedger::RunState RunLedger::loadOrThrow(int64_t runId)
{
    auto run = load(runId);
    if (!run)
        throw StoreError(m_db.pathString() + ": " + runName(runId) + " does not exist");
    return std::move(*run);
}

void RunLedger::checkTakesItems(const RunState& run, const ProcessOwner& self, const char* otherwise) const
{
    const bool ownRun = run.ownerHost == self.host && run.ownerPid == self.pid;
    if (run.status != RunStatus::Running && !(run.status == RunStatus::Interrupted && ownRun))
        throw StoreError(m_db.pathString() + ": " + runName(run.id) + " is " + toString(run.status) +
                         ", so it " + otherwise);
}

std::optional<int64_t> RunLedger::originalFor(const RunState& run, int64_t excluding)
{
    if (run.source != RunSource::Engine)
        return std::nullopt;
    return originalOf(run.configId, run.seed, excluding);
}

bool RunLedger::linkToOriginal(RunState& run)
{
    if (run.reproduces)
        return false;
    // Two processes may run the same (group, seed) at once (the app and a CLI run): the second to
    // commit becomes a reproduction of the first. Writers are serialised by BEGIN IMMEDIATE, so
    // this check cannot race.
    run.reproduces = originalFor(run, run.id);
    if (!run.reproduces)
        return false;
    setReproduces(run.id, run.reproduces);
    return true;
}

void RunLedger::setReproduces(int64_t runId, std::optional<int64_t> original)
{
    sqlite::Use update(cached("UPDATE main.runs SET reproduces = ?2 WHERE id = ?1"));
    update->bind(1, runId);
    update->bind(2, original);
    update->step();
}

bool RunLedger::counts(const RunState& run)
{
    // A reproduction re-checks a run; counting it would weigh that seed twice in the group.
    return run.status == RunStatus::Completed && !run.reproduces;
}

const RunLedger::TaskSubjects& RunLedger::taskSubjects(int64_t taskId)
{
    auto it = m_subjects.find(taskId);
    if (it != m_subjects.end())
        return it->second;
    TaskSubjects subjects;
    std::map<std::string, int32_t, std::less<>> indexOf;
    sqlite::Use select(cached("SELECT idx, subject FROM main.task_items WHERE task_id = ?1 ORDER BY idx"));
    select->bind(1, taskId);
    while (select->step()) {
        auto idx = static_cast<size_t>(select->int64At(0));
        std::string subject = select->textAt(1);
        auto [name, added] = indexOf.try_emplace(subject, static_cast<int32_t>(subjects.names.size()));
        if (added)
            subjects.names.push_back(subject);
        // Gaps (never written by ensureTask) stay -1: no subject.
        if (subjects.ofItem.size() <= idx)
            subjects.ofItem.resize(idx + 1, -1);
        subjects.ofItem[idx] = name->second;
    }
    return m_subjects.emplace(taskId, std::move(subjects)).first->second;
}

// Every completed run has its subject counts, counted or not: a reproduction that becomes the
// original after a delete needs no recount.
void RunLedger::addSubjects(const RunState& run, const std::vector<ItemRow>& items)
{
    const TaskSubjects& subjects = taskSubjects(run.taskId);
    std::vector<std::pair<int64_t, int64_t>> counts(subjects.names.size()); // items, correct
    for (const ItemRow& item : items) {
        if (item.idx < 0 || static_cast<size_t>(item.idx) >= subjects.ofItem.size())
            continue;
        int32_t subject = subjects.ofItem[static_cast<size_t>(item.idx)];
        if (subject < 0)
            continue;
        counts[static_cast<size_t>(subject)].first += 1;
        counts[static_cast<size_t>(subject)].second += item.correct ? 1 : 0;
    }
    sqlite::Statement& insert =
        cached("INSERT INTO main.run_subjects(run_id, subject, n_items, n_correct) VALUES(?1, ?2, ?3, ?4)");
    sqlite::Use use(insert);
    insert.bind(1, run.id);
    for (size_t i = 0; i < counts.size(); ++i) {
        if (counts[i].first == 0)
            continue;
        insert.bind(2, subjects.names[i]);
        insert.bind(3, counts[i].first);
        insert.bind(4, counts[i].second);
        insert.step();
        insert.reset();
    }
}

void RunLedger::addToGroup(const RunState& run, const std::vector<ItemRow>& items)
{
    if (!m_batching) {
        writer().addToGroup(run.configId, run.id, items);
        return;
    }
    HeldCounts& held = m_held[run.configId];
    for (const ItemRow& item : items) {
        if (item.idx < 0)
            throw StoreError(m_db.pathString() + ": " + runName(run.id) + " has an item of index " +
                             std::to_string(item.idx));
        const auto at = static_cast<size_t>(item.idx);
        if (held.nRuns.size() <= at) {
            held.nRuns.resize(at + 1, 0);
            held.nCorrect.resize(at + 1, 0);
        }
        held.nRuns[at] += 1;
        held.nCorrect[at] += item.correct ? 1 : 0;
    }
}

void RunLedger::beginGroupBatch()
{
    checkNoBatch("a group batch");
    m_batching = true;
}

// The held sums join group_items as the runs' own commits would have left them, run by run.
void RunLedger::endGroupBatch()
{
    m_batching = false;
    sqlite::Statement& upsert =
        cached("INSERT INTO main.group_items(config_id, idx, n_runs, n_correct) VALUES(?1, ?2, ?3, ?4) "
               "ON CONFLICT(config_id, idx) DO UPDATE SET n_runs = n_runs + excluded.n_runs, "
               "n_correct = n_correct + excluded.n_correct");
    for (const auto& [configId, held] : m_held) {
        sqlite::Use use(upsert);
        upsert.bind(1, configId);
        for (size_t idx = 0; idx < held.nRuns.size(); ++idx) {
            if (held.nRuns[idx] == 0)
                continue;
            upsert.bind(2, static_cast<int64_t>(idx));
            upsert.bind(3, held.nRuns[idx]);
            upsert.bind(4, held.nCorrect[idx]);
            upsert.step();
            upsert.reset();
        }
    }
    m_held.clear();
}

void RunLedger::checkNoBatch(const char* what) const
{
    // A programming error: the held sums would be written after this change and against it.
    if (m_batching)
        throw StoreError(m_db.pathString() + ": " + what + " inside a group batch of the run ledger");
}

const std::vector<ItemRow>& RunLedger::answers(int64_t runId)
{
    sqlite::Use select(cached("SELECT idx, correct FROM main.run_items WHERE run_id = ?1 ORDER BY idx"));
    select->bind(1, runId);
    m_answers.clear();
    while (select->step())
        m_answers.emplace_back(select->int64At(0), -1, select->int64At(1) != 0, 0.0);
    return m_answers;
}

std::vector<ItemRow> RunLedger::items(int64_t runId)
{
    sqlite::Use select(
        cached("SELECT idx, predicted, correct, p_true, n_shots, prompt_hash FROM main.run_items "
               "WHERE run_id = ?1 ORDER BY idx"));
    select->bind(1, runId);
    std::vector<ItemRow> items;
    while (select->step()) {
        ItemRow item;
        item.idx = select->int64At(0);
        item.predicted = static_cast<int32_t>(select->int64At(1));
        item.correct = select->int64At(2) != 0;
        item.pTrue = select->isNull(3) ? 0.0 : select->doubleAt(3);
        if (!select->isNull(4))
            item.nShots = static_cast<int32_t>(select->int64At(4));
        item.promptHash = select->optionalInt64At(5);
        items.push_back(item);
    }
    return items;
}

void RunLedger::complete(int64_t runId, const std::vector<ItemRow>& items, double durationSeconds,
                         const std::string& finishedAt, const ProcessOwner& self)
{
    checkNoBatch("completing a run");
    RunState run = loadOrThrow(runId);
    checkTakesItems(run, self, "cannot complete");

    int64_t nCorrect = writer().insertItems(runId, items);
    // Items committed in chunks while the run was going count as much as the last ones.
    std::vector<ItemRow> allItems;
    const std::vector<ItemRow>* counted = &items;
    {
        sqlite::Use earlier(cached("SELECT count(*) FROM main.run_items WHERE run_id = ?1"));
        earlier->bind(1, runId);
        earlier->step();
        if (earlier->int64At(0) != static_cast<int64_t>(items.size())) {
            allItems = this->items(runId);
            counted = &allItems;
            nCorrect = 0;
            for (const ItemRow& item : allItems)
                nCorrect += item.correct ? 1 : 0;
        }
    }
    const std::vector<ItemRow>& finalItems = *counted;
    const auto nItems = static_cast<int64_t>(finalItems.size());
    const std::optional<double> accuracy =
        finalItems.empty()
            ? std::nullopt
            : std::optional<double>(static_cast<double>(nCorrect) / static_cast<double>(nItems));
    markCompleted(run, nItems, nCorrect, accuracy, durationSeconds, finishedAt);
    linkToOriginal(run);
    if (counts(run))
        addToGroup(run, finalItems);
    addSubjects(run, finalItems);
}

void RunLedger::completeWithoutItems(int64_t runId, int64_t nItems, int64_t nCorrect, double accuracy,
                                     double durationSeconds, const std::string& finishedAt)
{
    RunState run = loadOrThrow(runId);
    markCompleted(run, nItems, nCorrect, accuracy, durationSeconds, finishedAt);
    // No items: nothing joins group_items or run_subjects, but the rule still decides whether its
    // accuracy counts.
    linkToOriginal(run);
}

void RunLedger::markCompleted(RunState& run, int64_t nItems, int64_t nCorrect, std::optional<double> accuracy,
                              double durationSeconds, const std::string& finishedAt)
{
    sqlite::Use update(cached("UPDATE main.runs SET status = 'completed', n_items = ?2, n_correct = ?3, "
                              "accuracy = ?4, duration_s = ?5, finished_at = ?6 WHERE id = ?1"));
    update->bind(1, run.id);
    update->bind(2, nItems);
    update->bind(3, nCorrect);
    update->bind(4, accuracy);
    update->bind(5, durationSeconds);
    update->bind(6, finishedAt);
    update->step();
    run.status = RunStatus::Completed;
}

bool RunLedger::admitCompleted(int64_t runId)
{
    RunState run = loadOrThrow(runId);
    if (run.status != RunStatus::Completed)
        throw StoreError(m_db.pathString() + ": " + runName(runId) + " is " + toString(run.status) +
                         ", so it cannot join the group's aggregates");
    const bool madeReproduction = linkToOriginal(run);
    const std::vector<ItemRow>& stored = answers(runId);
    if (counts(run))
        addToGroup(run, stored);
    addSubjects(run, stored);
    return madeReproduction;
}

void RunLedger::appendItems(int64_t runId, const std::vector<ItemRow>& items, const ProcessOwner& self)
{
    const RunState run = loadOrThrow(runId);
    checkTakesItems(run, self, "takes no more items");
    if (run.status == RunStatus::Interrupted) {
        sqlite::Use revive(
            cached("UPDATE main.runs SET status = 'running', finished_at = NULL WHERE id = ?1"));
        revive->bind(1, runId);
        revive->step();
    }
    writer().insertItems(runId, items);
}

std::vector<ItemRow> RunLedger::reopen(int64_t runId, const ProcessOwner& owner, const std::string& resumedAt)
{
    const auto run = load(runId);
    if (!run)
        throw InputError(runName(runId) + " does not exist in " + m_db.pathString());
    if (run->status == RunStatus::Completed)
        throw InputError(runName(runId) + " is completed: nothing to resume");
    if (run->status == RunStatus::Running)
        throw InputError(runName(runId) +
                         " is still running in another process; resume it after that process ends");
    if (run->source != RunSource::Engine)
        throw InputError(runName(runId) + " was imported (" + run->sourceText +
                         "): only runs noisefloor executed can be resumed");
    sqlite::Use update(cached(std::string("UPDATE main.runs SET status = 'running', finished_at = NULL, "
                                          "owner_host = ?2, owner_pid = ?4, owner_start = ?5, notes = ") +
                              kAppendNoteSql + " WHERE id = ?1"));
    update->bind(1, runId);
    update->bind(2, owner.host);
    update->bind(3, "resumed " + resumedAt + " after being " + toString(run->status));
    update->bind(4, owner.pid);
    update->bind(5, owner.startTicks);
    update->step();
    return items(runId);
}

bool RunLedger::end(int64_t runId, RunStatus status, const std::string& notes, const std::string& finishedAt)
{
    if (status != RunStatus::Failed && status != RunStatus::Cancelled && status != RunStatus::Interrupted)
        throw InputError("a run can end as failed, cancelled or interrupted, not '" + toString(status) + "'");
    // A run that is no longer running (completed, or already marked) keeps its status.
    sqlite::Use update(cached(std::string("UPDATE main.runs SET status = ?2, finished_at = ?4, notes = ") +
                              kAppendNoteSql + " WHERE id = ?1 AND status = 'running'"));
    update->bind(1, runId);
    update->bind(2, toString(status));
    update->bind(3, notes);
    update->bind(4, finishedAt);
    update->step();
    return m_db.changes() > 0;
}

void RunLedger::remove(int64_t runId)
{
    checkNoBatch("deleting a run");
    const auto run = load(runId);
    if (!run)
        throw InputError(runName(runId) + " is not in " + m_db.pathString());
    if (run->status == RunStatus::Running)
        throw InputError(runName(runId) +
                         " is still running; cancel it (or wait for it to end) before deleting it");
    if (counts(*run))
        writer().removeFromGroup(run->configId, runId);

    // Its reproductions, in commit order, become what they would have been had this run never
    // been stored: a reproduction of the seed's other original if the group has one, else the
    // original itself (the first completed one joins the group's aggregates, and later ones
    // reproduce it). runs.reproduces has a foreign key, so this comes before the DELETE.
    std::vector<int64_t> reproductions;
    {
        sqlite::Use select(cached("SELECT id FROM main.runs WHERE reproduces = ?1 ORDER BY id"));
        select->bind(1, runId);
        while (select->step())
            reproductions.push_back(select->int64At(0));
    }
    for (const int64_t id : reproductions) {
        RunState reproduction = loadOrThrow(id);
        reproduction.reproduces = originalFor(reproduction, runId);
        setReproduces(id, reproduction.reproduces);
        // Its run_subjects rows are already there (see addSubjects).
        if (counts(reproduction))
            addToGroup(reproduction, answers(id));
    }

    // run_items has no foreign key (see the schema); run_subjects would cascade, but saying it
    // here keeps the delete correct on a connection without foreign_keys.
    for (const char* sql :
         {"DELETE FROM main.run_items WHERE run_id = ?1", "DELETE FROM main.run_subjects WHERE run_id = ?1",
          "DELETE FROM main.runs WHERE id = ?1"}) {
        sqlite::Use drop(cached(sql));
        drop->bind(1, runId);
        drop->step();
    }
}

} // namespace nf::store
