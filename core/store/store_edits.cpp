// Store's edits from the app's run browser: tags, notes, hiding and deleting a run, and the
// data_version the app polls to notice other processes' commits.

#include "common/error.h"
#include "store/ledger.h"
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
    sqlite::Transaction transaction(d->db);
    int64_t configId = 0;
    bool counted = false;
    {
        sqlite::Use select(d->cached("SELECT config_id, status, reproduces IS NULL FROM runs WHERE id = ?1"));
        select->bind(1, runId);
        if (!select->step())
            noSuchRun(d->path, runId);
        const std::string status = select->textAt(1);
        if (status == kRunning)
            throw InputError("run " + std::to_string(runId) +
                             " is still running; cancel it (or wait for it to end) before deleting it");
        configId = select->int64At(0);
        // Exactly the runs completeInTransaction added to group_items.
        counted = status == kCompleted && select->int64At(2) != 0;
    }
    if (counted)
        d->itemWriter().removeFromGroup(configId, runId);

    // Its reproductions, in commit order, become what they would have been had this run never
    // been stored: a reproduction of the seed's other original if the group has one, else the
    // original itself (the first completed one joins the group's aggregates, and later ones
    // reproduce it). runs.reproduces has a foreign key, so this comes before the DELETE.
    struct Reproduction
    {
        int64_t id;
        int64_t configId;
        int64_t seed;
        bool completed;
        bool engine;
    };
    std::vector<Reproduction> reproductions;
    {
        sqlite::Use select(d->cached("SELECT id, config_id, seed, status = 'completed', source = 'engine' "
                                     "FROM runs WHERE reproduces = ?1 ORDER BY id"));
        select->bind(1, runId);
        while (select->step())
            reproductions.push_back({select->int64At(0), select->int64At(1), select->int64At(2),
                                     select->int64At(3) != 0, select->int64At(4) != 0});
    }
    for (const Reproduction& reproduction : reproductions) {
        std::optional<int64_t> original;
        // As in completeInTransaction, only the engine's seed makes two runs the same run.
        if (reproduction.engine)
            original = ledger::originalRun(d->cached(ledger::kOriginalRunSql), reproduction.configId,
                                           reproduction.seed, runId);
        {
            sqlite::Use relink(d->cached("UPDATE runs SET reproduces = ?2 WHERE id = ?1"));
            relink->bind(1, reproduction.id);
            relink->bind(2, original);
            relink->step();
        }
        // Its run_subjects rows are already there; runSubjects() counts them from now on.
        if (!original && reproduction.completed)
            d->itemWriter().addToGroup(reproduction.configId, reproduction.id, runItems(reproduction.id));
    }

    // run_items has no foreign key (see the schema); run_subjects would cascade, but saying it
    // here keeps the delete correct on a connection without foreign_keys.
    for (const char* sql : {"DELETE FROM run_items WHERE run_id = ?1",
                            "DELETE FROM run_subjects WHERE run_id = ?1", "DELETE FROM runs WHERE id = ?1"}) {
        sqlite::Use remove(d->cached(sql));
        remove->bind(1, runId);
        remove->step();
    }
    transaction.commit();
}

int64_t Store::dataVersion() const
{
    return d->db.queryInt("PRAGMA data_version");
}

} // namespace nf::store
