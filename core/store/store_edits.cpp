// Store's edits from the app's run browser: tags, notes, hiding and deleting a run, and the
// data_version the app polls to notice other processes' commits.

#include "common/error.h"
#include "store/store.h"
#include "store/store_impl.h"

#include <string>
#include <vector>

namespace nf::store {
namespace {

[[noreturn]] void noSuchRun(const std::filesystem::path& path, int64_t runId)
{
    throw InputError("run " + std::to_string(runId) + " is not in " + path.string());
}

} // namespace

void Store::setRunTags(int64_t runId, const std::string& tags)
{
    sqlite::Transaction transaction(d->db);
    sqlite::Use update(d->cached("UPDATE runs SET tags = ?2 WHERE id = ?1"));
    update->bind(1, runId);
    update->bind(2, tags);
    update->step();
    if (d->db.changes() == 0)
        noSuchRun(d->path, runId);
    transaction.commit();
}

void Store::setRunNotes(int64_t runId, const std::string& notes)
{
    sqlite::Transaction transaction(d->db);
    sqlite::Use update(d->cached("UPDATE runs SET notes = ?2 WHERE id = ?1"));
    update->bind(1, runId);
    update->bind(2, notes);
    update->step();
    if (d->db.changes() == 0)
        noSuchRun(d->path, runId);
    transaction.commit();
}

void Store::setRunHidden(int64_t runId, bool hidden)
{
    sqlite::Transaction transaction(d->db);
    sqlite::Use update(d->cached("UPDATE runs SET hidden = ?2 WHERE id = ?1"));
    update->bind(1, runId);
    update->bind(2, static_cast<int64_t>(hidden));
    update->step();
    if (d->db.changes() == 0)
        noSuchRun(d->path, runId);
    transaction.commit();
}

void Store::deleteRun(int64_t runId)
{
    // A run the browser shows as interrupted (its process gone since this store opened) is
    // recorded as such first, so that it can be deleted as shown.
    recoverInterrupted();
    sqlite::Transaction transaction(d->db);
    d->ledger().remove(runId);
    transaction.commit();
}

int64_t Store::dataVersion() const
{
    return d->db.queryInt("PRAGMA data_version");
}

} // namespace nf::store
