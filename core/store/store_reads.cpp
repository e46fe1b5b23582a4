// Store's queries. Each borrows a cached statement for the length of one call; none writes.

#include "common/error.h"
#include "store/ledger.h"
#include "store/store.h"
#include "store/store_impl.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>

namespace nf::store {
namespace {

constexpr size_t kMinUidPrefix = 4;

bool allDigits(const std::string& text)
{
    return !text.empty() && text.size() <= 18 &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool allHex(const std::string& text)
{
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

constexpr const char* kGroupColumns =
    "SELECT c.id, c.model_id, c.task_id, m.label, t.label, c.params_json, c.params_hash "
    "FROM configs c JOIN models m ON m.id = c.model_id JOIN tasks t ON t.id = c.task_id ";

GroupRow readGroup(const sqlite::Statement& select)
{
    GroupRow group;
    group.id = select.int64At(0);
    group.modelId = select.int64At(1);
    group.taskId = select.int64At(2);
    group.modelLabel = select.textAt(3);
    group.taskLabel = select.textAt(4);
    group.paramsJson = select.textAt(5);
    group.paramsHash = select.textAt(6);
    return group;
}

// The runs that count for a group's statistics: completed originals, in run order.
const std::string kCountedRuns = std::string(kCountedRunsSql) + " AND accuracy IS NOT NULL";

} // namespace

RunRow Store::Impl::readRun(const sqlite::Statement& select) const
{
    RunRow run;
    run.id = select.int64At(0);
    run.uid = select.textAt(1);
    run.configId = select.int64At(2);
    run.envId = select.isNull(3) ? 0 : select.int64At(3);
    run.seed = select.int64At(4);
    const std::string status = select.textAt(5);
    const auto known = runStatusFromString(status);
    // The schema's CHECK allows only the known words.
    if (!known)
        throw StoreError("run " + std::to_string(run.id) + " has an unknown status '" + status + "'");
    run.status = displayedStatus(
        *known, {select.textAt(19), select.optionalInt64At(20), select.optionalInt64At(21)}, owner.host);
    run.label = select.textAt(6);
    run.startedAt = select.textAt(7);
    run.finishedAt = select.textAt(8);
    run.nItems = select.int64At(9);
    run.nCorrect = select.int64At(10);
    run.accuracy = select.optionalDoubleAt(11);
    run.durationSeconds = select.optionalDoubleAt(12);
    run.notes = select.textAt(13);
    run.tags = select.textAt(14);
    run.source = select.textAt(15);
    run.reproduces = select.optionalInt64At(16);
    run.hidden = select.int64At(17) != 0;
    run.importId = select.optionalInt64At(18);
    return run;
}

std::optional<int64_t> Store::findCompletedRun(int64_t configId, int64_t seed) const
{
    return d->ledger().originalOf(configId, seed);
}

std::vector<RunRow> Store::runs(const RunFilter& filter) const
{
    // Only the conditions asked for, so that SQLite can use the (config_id, seed) and status indexes.
    // A run shown as interrupted may still be stored as running (its process is gone, no writer
    // has recorded it yet): those are selected too, and the shown status decides below.
    std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs WHERE 1";
    if (filter.configId)
        sql += " AND config_id = ?1";
    if (filter.status)
        sql +=
            filter.status == RunStatus::Interrupted ? " AND status IN (?2, 'running')" : " AND status = ?2";
    sql += " ORDER BY started_at, id";
    sqlite::Use select(d->cached(sql));
    if (filter.configId)
        select->bind(1, *filter.configId);
    if (filter.status)
        select->bind(2, toString(*filter.status));
    std::vector<RunRow> rows;
    while (select->step()) {
        RunRow row = d->readRun(*select);
        if (!filter.status || row.status == *filter.status)
            rows.push_back(std::move(row));
    }
    return rows;
}

std::optional<RunRow> Store::findRun(const std::string& idOrUid) const
{
    // `list` shows 8-character uid prefixes, and some are all digits: from 8 characters on, a
    // uid prefix wins over an id (ids that long are not seen in practice).
    constexpr size_t kShownUidLength = 8;
    const bool digits = allDigits(idOrUid);
    if (digits && (idOrUid.size() < kShownUidLength || idOrUid.size() > 18))
        return idOrUid.size() > 18 ? std::nullopt : run(std::stoll(idOrUid));
    std::string prefix = lower(idOrUid);
    if (prefix.size() < kMinUidPrefix || !allHex(prefix))
        return std::nullopt;
    std::vector<int64_t> ids;
    {
        // uids are lower-case hex, so every uid starting with the prefix sorts below prefix + '~'.
        sqlite::Use select(d->cached("SELECT id FROM runs WHERE uid >= ?1 AND uid < ?2"));
        select->bind(1, prefix);
        select->bind(2, prefix + "~");
        while (select->step())
            ids.push_back(select->int64At(0));
    }
    if (ids.empty())
        return digits ? run(std::stoll(idOrUid)) : std::nullopt;
    if (ids.size() > 1)
        throw InputError("run '" + idOrUid + "' is ambiguous: matches " + std::to_string(ids.size()) +
                         " runs");
    return run(ids.front());
}

std::optional<int64_t> Store::findRunByUid(const std::string& uid) const
{
    sqlite::Use select(d->cached("SELECT id FROM runs WHERE uid = ?1"));
    select->bind(1, uid);
    if (!select->step())
        return std::nullopt;
    return select->int64At(0);
}

std::optional<RunRow> Store::run(int64_t id) const
{
    sqlite::Use select(d->cached(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?1"));
    select->bind(1, id);
    if (!select->step())
        return std::nullopt;
    return d->readRun(*select);
}

std::vector<ItemRow> Store::runItems(int64_t runId) const
{
    return d->ledger().items(runId);
}

std::vector<GroupRow> Store::groups() const
{
    std::vector<GroupRow> groups;
    std::unordered_map<int64_t, size_t> indexOf;
    {
        sqlite::Use select(d->cached(std::string(kGroupColumns) + "ORDER BY c.id"));
        while (select->step()) {
            groups.push_back(readGroup(*select));
            indexOf.emplace(groups.back().id, groups.size() - 1);
        }
    }
    // One pass over the runs rather than a query per group.
    sqlite::Use select(d->cached(std::string("SELECT config_id, accuracy FROM runs WHERE ") + kCountedRuns +
                                 " ORDER BY config_id, started_at, id"));
    while (select->step()) {
        auto it = indexOf.find(select->int64At(0));
        if (it != indexOf.end())
            groups[it->second].accuracies.push_back(select->doubleAt(1));
    }
    return groups;
}

std::optional<GroupRow> Store::group(int64_t configId) const
{
    std::optional<GroupRow> group;
    {
        sqlite::Use select(d->cached(std::string(kGroupColumns) + "WHERE c.id = ?1"));
        select->bind(1, configId);
        if (!select->step())
            return std::nullopt;
        group = readGroup(*select);
    }
    sqlite::Use select(d->cached(std::string("SELECT accuracy FROM runs WHERE config_id = ?1 AND ") +
                                 kCountedRuns + " ORDER BY started_at, id"));
    select->bind(1, configId);
    while (select->step())
        group->accuracies.push_back(select->doubleAt(0));
    return group;
}

ModelRow Store::model(int64_t id) const
{
    sqlite::Use select(
        d->cached("SELECT id, path, sha256, kind, label, created_at FROM models WHERE id = ?1"));
    select->bind(1, id);
    if (!select->step())
        throw InputError(d->path.string() + ": no model with id " + std::to_string(id));
    ModelRow row;
    row.id = select->int64At(0);
    row.path = select->textAt(1);
    row.sha256 = select->textAt(2);
    row.kind = select->textAt(3);
    row.label = select->textAt(4);
    row.createdAt = select->textAt(5);
    return row;
}

TaskRow Store::task(int64_t id) const
{
    sqlite::Use select(d->cached("SELECT id, kind, path, sha256, n_items, label FROM tasks WHERE id = ?1"));
    select->bind(1, id);
    if (!select->step())
        throw InputError(d->path.string() + ": no task with id " + std::to_string(id));
    TaskRow row;
    row.id = select->int64At(0);
    row.kind = select->textAt(1);
    row.path = select->textAt(2);
    row.sha256 = select->textAt(3);
    row.nItems = select->int64At(4);
    row.label = select->textAt(5);
    return row;
}

std::vector<TaskItem> Store::taskItems(int64_t taskId) const
{
    sqlite::Use select(d->cached("SELECT subject, ref FROM task_items WHERE task_id = ?1 ORDER BY idx"));
    select->bind(1, taskId);
    std::vector<TaskItem> items;
    while (select->step())
        items.push_back({select->textAt(0), select->textAt(1)});
    return items;
}

std::string Store::environmentJson(int64_t envId) const
{
    if (envId == 0)
        return {}; // a run without a recorded environment
    sqlite::Use select(d->cached("SELECT json FROM environments WHERE id = ?1"));
    select->bind(1, envId);
    if (!select->step())
        throw InputError(d->path.string() + ": no environment with id " + std::to_string(envId));
    return select->textAt(0);
}

std::vector<Store::GroupItemCount> Store::groupItems(int64_t configId) const
{
    sqlite::Use select(
        d->cached("SELECT idx, n_runs, n_correct FROM group_items WHERE config_id = ?1 ORDER BY idx"));
    select->bind(1, configId);
    std::vector<GroupItemCount> counts;
    while (select->step())
        counts.push_back({select->int64At(0), select->int64At(1), select->int64At(2)});
    return counts;
}

std::vector<Store::SubjectCount> Store::runSubjects(int64_t configId) const
{
    sqlite::Use select(
        d->cached("SELECT s.run_id, s.subject, s.n_items, s.n_correct FROM run_subjects s "
                  "JOIN runs r ON r.id = s.run_id WHERE r.config_id = ?1 AND " +
                  std::string(kCountedRunsSql) + " ORDER BY r.started_at, r.id, s.subject"));
    select->bind(1, configId);
    std::vector<SubjectCount> counts;
    while (select->step())
        counts.push_back({select->int64At(0), select->textAt(1), select->int64At(2), select->int64At(3)});
    return counts;
}

std::optional<std::string> Store::setting(const std::string& key) const
{
    sqlite::Use select(d->cached("SELECT value FROM settings WHERE key = ?1"));
    select->bind(1, key);
    if (!select->step())
        return std::nullopt;
    return select->textAt(0);
}

} // namespace nf::store
