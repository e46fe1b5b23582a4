// Runs that take longer than one commit: items handed over in chunks while a run goes, and an
// interrupted run taken back by another process to finish it.

#include "common/error.h"
#include "store/owner.h"
#include "store/store.h"
#include "store/store_impl.h"

#include <string>
#include <vector>

namespace nf::store {

void Store::appendRunItems(int64_t runId, const std::vector<ItemRow>& items)
{
    sqlite::Transaction transaction(d->db);
    {
        sqlite::Use select(d->cached("SELECT status, owner_host, owner_pid FROM runs WHERE id = ?1"));
        select->bind(1, runId);
        if (!select->step())
            throw StoreError(d->path.string() + ": run " + std::to_string(runId) + " does not exist");
        const std::string status = select->textAt(0);
        // Another process may have judged this live run's owner gone (as completeRun allows too).
        const bool ownRun = select->textAt(1) == d->owner.host && select->int64At(2) == d->owner.pid;
        if (status != kRunning && !(status == kInterrupted && ownRun))
            throw StoreError(d->path.string() + ": run " + std::to_string(runId) + " is " + status +
                             ", so it takes no more items");
        if (status == kInterrupted) {
            sqlite::Use revive(d->cached("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?1"));
            revive->bind(1, runId);
            revive->step();
        }
    }
    d->itemWriter().insertItems(runId, items);
    transaction.commit();
}

std::vector<ItemRow> Store::resumeRun(int64_t runId)
{
    sqlite::Transaction transaction(d->db);
    const auto row = run(runId);
    if (!row)
        throw InputError("run " + std::to_string(runId) + " does not exist in " + d->path.string());
    if (row->status == kCompleted)
        throw InputError("run " + std::to_string(runId) + " is completed: nothing to resume");
    if (row->status == kRunning)
        throw InputError("run " + std::to_string(runId) +
                         " is still running in another process; resume it after that process ends");
    if (row->source != "engine")
        throw InputError("run " + std::to_string(runId) + " was imported (" + row->source +
                         "): only runs noisefloor executed can be resumed");
    sqlite::Use update(d->cached("UPDATE runs SET status = 'running', finished_at = NULL, owner_host = ?2, "
                                 "owner_pid = ?3, owner_start = ?4, "
                                 "notes = CASE WHEN notes = '' THEN ?5 ELSE notes || char(10) || ?5 END "
                                 "WHERE id = ?1"));
    update->bind(1, runId);
    update->bind(2, d->owner.host);
    update->bind(3, d->owner.pid);
    update->bind(4, d->owner.startTicks);
    update->bind(5, "resumed " + utcNowIso() + " after being " + row->status);
    update->step();
    auto done = d->selectRunItems(runId);
    transaction.commit();
    return done;
}

} // namespace nf::store
