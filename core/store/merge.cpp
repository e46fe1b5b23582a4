// Merging another noisefloor database into this one. The other file is attached read-only to a
// connection of the merge's own; each run's items go across in one INSERT ... SELECT (no row passes
// through bindings), and the run ledger then adds the run to the aggregates exactly as a commit
// here would have, summing a group's per-item counts in memory to write them once per group:
// memory follows the largest task, never the other file.

#include "store/merge.h"

#include "common/error.h"
#include "store/ledger.h"
#include "store/merge_check.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <sqlite3.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nf::store {
namespace {

// As the store's own connections: a merge queues behind another process's commit.
constexpr int kBusyTimeoutMs = 10000;

// What is wrong with the other file is bad input (exit code 2 in the CLI), not this database failing.
[[noreturn]] void refuse(const std::filesystem::path& other, const std::string& why)
{
    throw InputError(other.string() + " " + why);
}

// Returns the other file's schema version, 1 to ours; throws InputError naming it otherwise.
int checkOther(const std::filesystem::path& other, const std::filesystem::path& into)
{
    std::error_code ec;
    if (!std::filesystem::exists(other, ec))
        refuse(other, "does not exist");
    if (std::filesystem::is_directory(other, ec))
        refuse(other, "is a folder, not a noisefloor database");
    if (std::filesystem::equivalent(other, into, ec))
        refuse(other, "is this database (" + into.string() + "): a database cannot be merged into itself");
    int version = 0;
    try {
        sqlite::Database probe(other, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
        sqlite3_busy_timeout(probe.handle(), kBusyTimeoutMs);
        // "writable": an older schema is fine here (the merge reads its missing columns as their
        // defaults), so the only version left to refuse is 0, an empty file.
        version = schema::check(probe, Store::kSchemaVersion, true);
        if (version == 0)
            refuse(other, "is not a noisefloor database (the file is empty)");
        // Before anything is written here: a damaged source is named as such, never reported
        // later as this database failing in the middle of copying from it.
        checkSourceIntegrity(probe, other);
    } catch (const StoreError& e) {
        throw InputError(e.what()); // not SQLite, another program's, newer: the message names the file
    }
    return version;
}

// The other file as an SQLite URI ("file:/runs%20old.sqlite?mode=ro"): only a URI makes ATTACH
// open it read-only.
std::string readOnlyUri(const std::filesystem::path& path)
{
    constexpr const char* kHex = "0123456789ABCDEF";
    std::string uri = "file:";
    for (const unsigned char c : std::filesystem::absolute(path).string()) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           c == '/' || c == '-' || c == '.' || c == '_' || c == '~';
        if (plain) {
            uri += static_cast<char>(c);
        } else {
            uri += '%';
            uri += kHex[c >> 4];
            uri += kHex[c & 15];
        }
    }
    return uri + "?mode=ro";
}

// A connection of the merge's own to this database (Store keeps its connection private), with URI
// file names enabled for the ATTACH and the other file attached as "other".
sqlite::Database openMergeConnection(const std::filesystem::path& into, const std::filesystem::path& other)
{
    std::string name = into.string();
    if (name.rfind("file:", 0) == 0)
        name = "./" + name; // a plain file name, even with URIs enabled
    sqlite::Database db(name, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX);
    sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA synchronous = NORMAL");
    sqlite::Statement attach(db, "ATTACH DATABASE ?1 AS other");
    attach.bind(1, readOnlyUri(other));
    attach.run();
    return db;
}

// The config group whose runs are arriving.
struct GroupState
{
    int64_t otherConfigId = -1;
    int64_t configId = 0;  // here
    int64_t taskItems = 0; // n_items of the group's task in the other file: the bound on idx
};

class Merger
{
public:
    Merger(const std::filesystem::path& into, const std::filesystem::path& other, int otherVersion,
           bool dryRun)
        : m_other(other), m_version(otherVersion), m_dryRun(dryRun), m_db(openMergeConnection(into, other)),
          m_ledger(m_db)
    {}
    Merger(const Merger&) = delete;
    Merger& operator=(const Merger&) = delete;

    MergeResult run();

private:
    // A statement prepared once per merge (after the ATTACH: most read the other file).
    sqlite::Statement& statement(std::string_view sql);
    [[noreturn]] void corrupt(const std::string& what) const;

    // Columns of the other file's schema version, or their defaults.
    const char* hiddenColumn() const { return m_version >= 2 ? "hidden" : "0"; }
    const char* lmItemColumns() const { return m_version >= 3 ? "n_shots, prompt_hash" : "NULL, NULL"; }
    std::string importColumn(const char* table) const
    {
        return m_version >= 4 ? std::string(table) + ".import_id" : std::string("NULL");
    }

    void planRuns();
    void beginGroup(int64_t otherConfigId);
    void addRun(const sqlite::Statement& run);
    void addItems(int64_t otherRunId, int64_t runId, const std::string& uid);

    // Rows matched by their unique key (sha256 or hash); inserted when new. Return the id here.
    int64_t mapModel(int64_t otherId);
    int64_t mapTask(int64_t otherId);
    std::optional<int64_t> mapEnvironment(std::optional<int64_t> otherId, const std::string& uid);
    std::optional<int64_t> mapImport(std::optional<int64_t> otherId, const std::string& uid);
    std::optional<int64_t> mapReproduced(int64_t otherId, const std::string& uid);
    // INSERT ... SELECT ... ON CONFLICT DO NOTHING, then the id here of the row with the key.
    std::optional<int64_t> matchOrCopy(const std::string& insertSql, const std::string& selectSql,
                                       int64_t otherId, int64_t& newCount);

    std::filesystem::path m_other;
    int m_version;
    bool m_dryRun;
    sqlite::Database m_db; // declared before the statements, so it outlives them
    RunLedger m_ledger;
    std::map<std::string, sqlite::Statement, std::less<>> m_statements;
    MergeResult m_result;
    int64_t m_idBase = 0; // a merged run's id here is m_idBase + its seq in temp.merge_runs
    std::unordered_map<int64_t, std::optional<int64_t>> m_environments;
    std::unordered_map<int64_t, std::optional<int64_t>> m_imports;
    GroupState m_group;
};

sqlite::Statement& Merger::statement(std::string_view sql)
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end())
        it = m_statements.emplace(std::string(sql), sqlite::Statement(m_db, sql)).first;
    return it->second;
}

void Merger::corrupt(const std::string& what) const
{
    throw InputError(m_other.string() + ": " + what + " (the file is damaged; nothing was merged)");
}

MergeResult Merger::run()
{
    sqlite::Transaction transaction(m_db);
    // A reproduction may point at a run merged after it (its original in another group, or a
    // later row); the foreign keys are checked at the commit instead.
    m_db.exec("PRAGMA defer_foreign_keys = ON");
    planRuns();
    checkSourceRuns(m_db, m_other); // a dry run checks the same

    sqlite::Statement& runs = statement(
        std::string("SELECT m.seq, r.id, r.uid, r.config_id, r.env_id, r.seed, "
                    "r.source, r.reproduces, ") +
        importColumn("r") + " FROM temp.merge_runs m JOIN other.runs r ON r.id = m.old_id ORDER BY m.seq");
    {
        sqlite::Use use(runs);
        while (runs.step()) {
            if (runs.int64At(3) != m_group.otherConfigId) {
                m_ledger.endGroupBatch();
                beginGroup(runs.int64At(3));
                m_ledger.beginGroupBatch();
            }
            addRun(runs);
        }
    }
    m_ledger.endGroupBatch();
    if (!m_dryRun)
        transaction.commit();
    // A dry run rolls back here (the transaction's destructor): the numbers are those of the real thing.
    return m_result;
}

// Which runs come over, in the order they are committed here: group by group, each group's
// originals before its reproductions (an original is committed before anything can reproduce
// it), then in the other file's order.
void Merger::planRuns()
{
    m_db.exec("CREATE TEMP TABLE merge_runs(seq INTEGER PRIMARY KEY, old_id INTEGER NOT NULL UNIQUE)");
    m_db.exec("INSERT INTO temp.merge_runs(old_id) SELECT r.id FROM other.runs r "
              "WHERE r.status = 'completed' AND NOT EXISTS (SELECT 1 FROM main.runs h WHERE h.uid = r.uid) "
              "ORDER BY r.config_id, r.reproduces IS NOT NULL, r.id");
    m_result.runsAdded = m_db.queryInt("SELECT count(*) FROM temp.merge_runs");
    m_result.runsAlreadyHere = m_db.queryInt(
        "SELECT count(*) FROM other.runs r WHERE EXISTS (SELECT 1 FROM main.runs h WHERE h.uid = r.uid)");
    m_result.runsNotCompleted =
        m_db.queryInt("SELECT count(*) FROM other.runs r WHERE r.status != 'completed' "
                      "AND NOT EXISTS (SELECT 1 FROM main.runs h WHERE h.uid = r.uid)");
    m_idBase = m_db.queryInt("SELECT coalesce(max(id), 0) FROM main.runs");
}

void Merger::beginGroup(int64_t otherConfigId)
{
    m_group = GroupState();
    m_group.otherConfigId = otherConfigId;
    int64_t modelId = 0;
    int64_t taskId = 0;
    std::string paramsJson;
    std::string paramsHash;
    {
        sqlite::Use select(statement(
            "SELECT c.model_id, c.task_id, c.params_json, c.params_hash, m.id IS NOT NULL, t.id IS NOT NULL, "
            "t.n_items FROM other.configs c LEFT JOIN other.models m ON m.id = c.model_id "
            "LEFT JOIN other.tasks t ON t.id = c.task_id WHERE c.id = ?1"));
        select->bind(1, otherConfigId);
        if (!select->step())
            corrupt("runs name config group " + std::to_string(otherConfigId) + ", which is not in it");
        modelId = select->int64At(0);
        taskId = select->int64At(1);
        if (select->int64At(4) == 0)
            corrupt("config group " + std::to_string(otherConfigId) + " names model " +
                    std::to_string(modelId) + ", which is not in it");
        if (select->int64At(5) == 0)
            corrupt("config group " + std::to_string(otherConfigId) + " names task " +
                    std::to_string(taskId) + ", which is not in it");
        paramsJson = select->textAt(2);
        paramsHash = select->textAt(3);
        m_group.taskItems = select->int64At(6);
    }

    std::optional<int64_t> here;
    {
        sqlite::Use select(statement("SELECT id FROM main.configs WHERE params_hash = ?1"));
        select->bind(1, paramsHash);
        if (select->step())
            here = select->int64At(0);
    }
    if (here) {
        m_group.configId = *here;
        ++m_result.groupsJoined;
    } else {
        const int64_t model = mapModel(modelId);
        const int64_t task = mapTask(taskId);
        sqlite::Use insert(statement(
            "INSERT INTO main.configs(model_id, task_id, params_json, params_hash) VALUES(?1, ?2, ?3, ?4)"));
        insert->bind(1, model);
        insert->bind(2, task);
        insert->bind(3, paramsJson);
        insert->bind(4, paramsHash);
        insert->step();
        m_group.configId = m_db.lastInsertRowid();
        ++m_result.groupsNew;
    }
    m_result.groups.push_back(m_group.configId);
}

void Merger::addRun(const sqlite::Statement& run)
{
    const int64_t runId = m_idBase + run.int64At(0);
    const int64_t otherRunId = run.int64At(1);
    const std::string uid = run.textAt(2);
    const std::optional<int64_t> envId = mapEnvironment(run.optionalInt64At(4), uid);
    const std::optional<int64_t> importId = mapImport(run.optionalInt64At(8), uid);
    std::optional<int64_t> reproduces;
    if (!run.isNull(7))
        reproduces = mapReproduced(run.int64At(7), uid);
    {
        // The run's own columns go across as stored there (owner columns stay NULL: no process
        // here runs it).
        sqlite::Use insert(statement(
            std::string(
                "INSERT INTO main.runs(id, uid, config_id, env_id, seed, status, label, started_at, "
                "finished_at, n_items, n_correct, accuracy, duration_s, notes, tags, source, reproduces, "
                "hidden, import_id) SELECT ?1, uid, ?2, ?3, seed, status, label, started_at, finished_at, "
                "n_items, n_correct, accuracy, duration_s, notes, tags, source, ?4, ") +
            hiddenColumn() + ", ?5 FROM other.runs WHERE id = ?6"));
        insert->bind(1, runId);
        insert->bind(2, m_group.configId);
        insert->bind(3, envId);
        insert->bind(4, reproduces);
        insert->bind(5, importId);
        insert->bind(6, otherRunId);
        insert->step();
    }
    addItems(otherRunId, runId, uid);
    // The rule and the aggregates, as the store's commit applies them: a seed this group already
    // has here makes an engine run a reproduction, never a second count. In a dry run the items
    // are not copied, but the rule still decides (and counts) the reproductions.
    if (m_ledger.admitCompleted(runId))
        ++m_result.reproductions;
}

void Merger::addItems(int64_t otherRunId, int64_t runId, const std::string& uid)
{
    // The first index out of range, in index order: below 0, else the first past the task's end.
    // Each query is one seek in the primary key, not a read of the run's rows.
    std::optional<int64_t> bad;
    {
        sqlite::Use select(statement("SELECT min(idx) FROM other.run_items WHERE run_id = ?1"));
        select->bind(1, otherRunId);
        if (select->step() && !select->isNull(0) && select->int64At(0) < 0)
            bad = select->int64At(0);
    }
    if (!bad) {
        sqlite::Use select(
            statement("SELECT idx FROM other.run_items WHERE run_id = ?1 AND idx >= ?2 ORDER BY idx LIMIT 1"));
        select->bind(1, otherRunId);
        select->bind(2, m_group.taskItems);
        if (select->step())
            bad = select->int64At(0);
    }
    if (bad)
        corrupt("run " + uid + " has an answer for item " + std::to_string(*bad) + ", but its task has " +
                std::to_string(m_group.taskItems) + " items");
    if (m_dryRun) {
        sqlite::Use count(statement("SELECT count(*) FROM other.run_items WHERE run_id = ?1"));
        count->bind(1, otherRunId);
        count->step();
        m_result.itemsAdded += count->int64At(0);
        return;
    }
    // One statement per run: the rows never pass through bindings.
    sqlite::Use copy(statement(std::string("INSERT INTO main.run_items(run_id, idx, predicted, correct, p_true, "
                                           "n_shots, prompt_hash) SELECT ?1, idx, predicted, correct, p_true, ") +
                               lmItemColumns() + " FROM other.run_items WHERE run_id = ?2"));
    copy->bind(1, runId);
    copy->bind(2, otherRunId);
    copy->step();
    m_result.itemsAdded += m_db.changes();
}

std::optional<int64_t> Merger::matchOrCopy(const std::string& insertSql, const std::string& selectSql,
                                           int64_t otherId, int64_t& newCount)
{
    {
        sqlite::Use insert(statement(insertSql));
        insert->bind(1, otherId);
        insert->step();
        newCount += m_db.changes();
    }
    sqlite::Use select(statement(selectSql));
    select->bind(1, otherId);
    if (!select->step())
        return std::nullopt;
    return select->int64At(0);
}

int64_t Merger::mapModel(int64_t otherId)
{
    const auto id =
        matchOrCopy("INSERT INTO main.models(path, sha256, kind, label, created_at) "
                    "SELECT path, sha256, kind, label, created_at FROM other.models WHERE id = ?1 "
                    "ON CONFLICT(sha256) DO NOTHING",
                    "SELECT h.id FROM main.models h JOIN other.models o ON o.sha256 = h.sha256 "
                    "WHERE o.id = ?1",
                    otherId, m_result.modelsNew);
    if (!id)
        corrupt("model " + std::to_string(otherId) + " is missing");
    return *id;
}

int64_t Merger::mapTask(int64_t otherId)
{
    const int64_t before = m_result.tasksNew;
    const auto id = matchOrCopy("INSERT INTO main.tasks(kind, path, sha256, n_items, label) "
                                "SELECT kind, path, sha256, n_items, label FROM other.tasks WHERE id = ?1 "
                                "ON CONFLICT(sha256) DO NOTHING",
                                "SELECT h.id FROM main.tasks h JOIN other.tasks o ON o.sha256 = h.sha256 "
                                "WHERE o.id = ?1",
                                otherId, m_result.tasksNew);
    if (!id)
        corrupt("task " + std::to_string(otherId) + " is missing");
    if (m_result.tasksNew > before) {
        sqlite::Use items(statement("INSERT INTO main.task_items(task_id, idx, subject, ref) "
                                    "SELECT ?1, idx, subject, ref FROM other.task_items WHERE task_id = ?2"));
        items->bind(1, *id);
        items->bind(2, otherId);
        items->step();
    }
    return *id;
}

std::optional<int64_t> Merger::mapEnvironment(std::optional<int64_t> otherId, const std::string& uid)
{
    if (!otherId)
        return std::nullopt;
    auto it = m_environments.find(*otherId);
    if (it != m_environments.end())
        return it->second;
    const auto id =
        matchOrCopy("INSERT INTO main.environments(json, hash) "
                    "SELECT json, hash FROM other.environments WHERE id = ?1 "
                    "ON CONFLICT(hash) DO NOTHING",
                    "SELECT h.id FROM main.environments h JOIN other.environments o ON o.hash = h.hash "
                    "WHERE o.id = ?1",
                    *otherId, m_result.environmentsNew);
    if (!id)
        corrupt("run " + uid + " names environment " + std::to_string(*otherId) + ", which is not in it");
    return m_environments.emplace(*otherId, id).first->second;
}

std::optional<int64_t> Merger::mapImport(std::optional<int64_t> otherId, const std::string& uid)
{
    if (!otherId)
        return std::nullopt;
    auto it = m_imports.find(*otherId);
    if (it != m_imports.end())
        return it->second;
    const auto id =
        matchOrCopy("INSERT INTO main.imports(format, path, sha256, key, files, imported_at) "
                    "SELECT format, path, sha256, key, files, imported_at FROM other.imports WHERE id = ?1 "
                    "ON CONFLICT(key) DO NOTHING",
                    "SELECT h.id FROM main.imports h JOIN other.imports o ON o.key = h.key "
                    "WHERE o.id = ?1",
                    *otherId, m_result.importsNew);
    if (!id)
        corrupt("run " + uid + " names import " + std::to_string(*otherId) + ", which is not in it");
    return m_imports.emplace(*otherId, id).first->second;
}

// The id here of the run that a merged run reproduces: merged with it, or already here (same uid).
// None when that run is in neither (it did not complete there): the run is then an original.
std::optional<int64_t> Merger::mapReproduced(int64_t otherId, const std::string& uid)
{
    {
        sqlite::Use merged(statement("SELECT seq FROM temp.merge_runs WHERE old_id = ?1"));
        merged->bind(1, otherId);
        if (merged->step())
            return m_idBase + merged->int64At(0);
    }
    sqlite::Use here(
        statement("SELECT h.id FROM other.runs o LEFT JOIN main.runs h ON h.uid = o.uid WHERE o.id = ?1"));
    here->bind(1, otherId);
    if (!here->step())
        corrupt("run " + uid + " reproduces run " + std::to_string(otherId) + ", which is not in it");
    return here->optionalInt64At(0);
}

} // namespace

MergeResult mergeDatabase(Store& into, const std::filesystem::path& other, bool dryRun)
{
    if (into.path() == ":memory:")
        throw StoreError("an in-memory database cannot take a merge (the merge opens the file itself)");
    if (into.schemaVersion() != Store::kSchemaVersion)
        throw StoreError(into.path().string() + " has schema " + std::to_string(into.schemaVersion()) +
                         "; open it read-write once to upgrade it before merging into it");
    const int version = checkOther(other, into.path());
    try {
        Merger merger(into.path(), other, version, dryRun);
        return merger.run();
    } catch (const StoreError&) {
        // SQLite names the connection's own file (this database) also when the page it could not
        // read was the source's: damage the checks above could not see, or the file changed
        // since. Checked again, a damaged source is named; otherwise this database failed.
        checkOther(other, into.path());
        throw;
    }
}

} // namespace nf::store
