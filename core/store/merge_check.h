#pragma once

// Internal to nf_store: what a merge verifies of the other database (its source) before it
// writes anything here. A source that fails is bad input, an InputError naming the source file:
// this database is neither blamed nor changed.

#include "store/sqlite.h"

#include <filesystem>

namespace nf::store {

// SQLite's integrity_check of the source, on a read-only connection to it (quick_check would
// miss rows out of primary-key order, the usual trace of a bit flip in run_items). Throws
// InputError naming `other` with SQLite's first findings when the file is damaged.
void checkSourceIntegrity(sqlite::Database& source, const std::filesystem::path& other);

// The runs a merge is about to take (temp.merge_runs.old_id, on `db` with the source attached as
// "other"), each recomputed from its items: every item's index within its task, n_items and
// n_correct from the items, accuracy finite in [0, 1] and equal to n_correct / n_items, every
// item's correct 0 or 1 and p_true a number in [0, 1] (or NULL: not known). Throws InputError naming `other` and the runs that do not add up
// (by uid, with the reason) when any does; nothing of the merge has been written then.
void checkSourceRuns(sqlite::Database& db, const std::filesystem::path& other);

} // namespace nf::store
