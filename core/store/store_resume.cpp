// Runs that take longer than one commit: items handed over in chunks while a run goes, and an
// interrupted run taken back by another process to finish it.

#include "store/store.h"
#include "store/store_impl.h"

#include <string>
#include <vector>

namespace nf::store {

void Store::appendRunItems(int64_t runId, const std::vector<ItemRow>& items)
{
    sqlite::Transaction transaction(d->db);
    d->ledger().appendItems(runId, items, d->owner);
    transaction.commit();
}

std::vector<ItemRow> Store::resumeRun(int64_t runId)
{
    // As shown: a run whose process went since this store opened is interrupted, not running.
    recoverInterrupted();
    sqlite::Transaction transaction(d->db);
    auto done = d->ledger().reopen(runId, d->owner, utcNowIso());
    transaction.commit();
    return done;
}

} // namespace nf::store
