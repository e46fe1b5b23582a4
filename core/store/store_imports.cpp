// Runs that arrive finished from elsewhere (imports) and the record of where they came from.

#include "common/error.h"
#include "store/store_impl.h"

#include <cmath>
#include <utility>

namespace nf::store {
namespace {

ImportRow readImport(const sqlite::Statement& select)
{
    ImportRow row;
    row.id = select.int64At(0);
    row.format = select.textAt(1);
    row.path = select.textAt(2);
    row.sha256 = select.textAt(3);
    row.filesJson = select.textAt(4);
    row.importedAt = select.textAt(5);
    row.key = select.textAt(6);
    return row;
}

std::optional<int64_t> optionalId(sqlite::Statement& select)
{
    if (!select.step())
        return std::nullopt;
    return select.int64At(0);
}

} // namespace

// SQLite's date functions read every ISO-8601 variant importers meet (a space for the T, no
// fraction, a +hh:mm offset) and normalise it to ours, in UTC.
std::pair<std::string, std::string> Store::Impl::importedTimes(const std::string& startedAt,
                                                               double durationSeconds)
{
    sqlite::Use times(cached("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ?1), "
                             "strftime('%Y-%m-%dT%H:%M:%fZ', ?1, printf('%+.3f seconds', ?2))"));
    times->bind(1, startedAt.empty() ? utcNowIso() : startedAt);
    times->bind(2, durationSeconds);
    times->step();
    if (times->isNull(0))
        throw InputError("run start time '" + startedAt + "' is not an ISO-8601 time such as " +
                         "2026-11-28T04:10:00.123Z");
    return {times->textAt(0), times->textAt(1)};
}

int64_t Store::insertCompletedRun(const NewRun& run, const std::vector<ItemRow>& items,
                                  double durationSeconds, const std::string& startedAt)
{
    const auto [started, finished] = d->importedTimes(startedAt, durationSeconds);
    sqlite::Transaction transaction(d->db);
    int64_t id = d->insertRun(run, started, false);
    d->ledger().complete(id, items, durationSeconds, finished, d->owner);
    transaction.commit();
    return id;
}

int64_t Store::insertRunLevelRun(const NewRun& run, double accuracy, int64_t nItems, double durationSeconds,
                                 const std::string& startedAt)
{
    if (!std::isfinite(accuracy) || accuracy < 0 || accuracy > 1)
        throw InputError("a run's accuracy must be a fraction between 0 and 1, not " + std::to_string(accuracy));
    const auto [started, finished] = d->importedTimes(startedAt, durationSeconds);
    sqlite::Transaction transaction(d->db);
    const int64_t id = d->insertRun(run, started, false);
    d->ledger().completeWithoutItems(id, nItems, static_cast<int64_t>(std::llround(accuracy * static_cast<double>(nItems))),
                                     accuracy, durationSeconds, finished);
    transaction.commit();
    return id;
}

int64_t Store::addImport(const ImportRow& row)
{
    sqlite::Transaction transaction(d->db);
    sqlite::Use insert(d->cached("INSERT INTO imports(format, path, sha256, files, imported_at, key) "
                                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
    insert->bind(1, row.format);
    insert->bind(2, row.path);
    insert->bind(3, row.sha256);
    insert->bind(4, row.filesJson.empty() ? std::string("[]") : row.filesJson);
    insert->bind(5, row.importedAt.empty() ? utcNowIso() : row.importedAt);
    insert->bind(6, row.key.empty() ? row.sha256 : row.key);
    insert->step();
    const int64_t id = d->db.lastInsertRowid();
    transaction.commit();
    return id;
}

std::optional<ImportRow> Store::findImport(const std::string& key) const
{
    sqlite::Use select(
        d->cached("SELECT id, format, path, sha256, files, imported_at, key FROM imports WHERE key = ?1"));
    select->bind(1, key);
    if (!select->step())
        return std::nullopt;
    return readImport(*select);
}

std::optional<ImportRow> Store::importRow(int64_t id) const
{
    sqlite::Use select(d->cached("SELECT id, format, path, sha256, files, imported_at, key FROM imports WHERE id = ?1"));
    select->bind(1, id);
    if (!select->step())
        return std::nullopt;
    return readImport(*select);
}

bool Store::runHasItems(int64_t runId) const
{
    sqlite::Use select(d->cached("SELECT EXISTS(SELECT 1 FROM run_items WHERE run_id = ?1)"));
    select->bind(1, runId);
    select->step();
    return select->int64At(0) != 0;
}

std::optional<int64_t> Store::findConfig(const std::string& paramsHash) const
{
    sqlite::Use select(d->cached("SELECT id FROM configs WHERE params_hash = ?1"));
    select->bind(1, paramsHash);
    return optionalId(*select);
}

std::optional<int64_t> Store::findTask(const std::string& sha256) const
{
    sqlite::Use select(d->cached("SELECT id FROM tasks WHERE sha256 = ?1"));
    select->bind(1, sha256);
    return optionalId(*select);
}

} // namespace nf::store
