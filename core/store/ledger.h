#pragma once

// Internal to nf_store: the engine's rule for a (config group, seed), kept in one place for every
// path that writes runs (a commit, a delete, a merge) and for findCompletedRun: the group's first
// completed run of the seed that reproduces nothing is the original, and any other completed run
// of that seed is a reproduction of it, never a second count.

#include "store/sqlite.h"

#include <cstdint>
#include <optional>

namespace nf::store::ledger {

// Prepare once per connection (`main.runs`: right also while another file is attached).
inline constexpr const char* kOriginalRunSql =
    "SELECT id FROM main.runs WHERE config_id = ?1 AND seed = ?2 AND status = 'completed' "
    "AND reproduces IS NULL AND id != ?3 ORDER BY id LIMIT 1";

// The original of (configId, seed), other than run `excluding` (0: none), through `query`, a
// statement of kOriginalRunSql.
inline std::optional<int64_t> originalRun(sqlite::Statement& query, int64_t configId, int64_t seed,
                                          int64_t excluding = 0)
{
    sqlite::Use use(query);
    use->bind(1, configId);
    use->bind(2, seed);
    use->bind(3, excluding);
    if (!use->step())
        return std::nullopt;
    return use->int64At(0);
}

} // namespace nf::store::ledger
