#pragma once

// Bringing a noisefloor database from another machine into this one (`noisefloor-cli merge`).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nf::store {

class Store;

struct MergeResult
{
    int64_t runsAdded = 0;          // completed runs new here (with their items and aggregates)
    int64_t runsAlreadyHere = 0;    // same uid already in this database: left as they are
    int64_t runsNotCompleted = 0;   // running, interrupted, cancelled or failed there: not merged
    int64_t reproductions = 0;      // of runsAdded, engine runs whose (group, seed) this database had
    int64_t itemsAdded = 0;
    int64_t groupsJoined = 0;       // groups of added runs that were already here (same params_hash)
    int64_t groupsNew = 0;
    int64_t modelsNew = 0;
    int64_t tasksNew = 0;
    int64_t environmentsNew = 0;
    int64_t importsNew = 0;         // import records (imports rows) brought along
    std::vector<int64_t> groups;    // ids here of the groups that received runs
};

// Merges the completed runs of the database at `other` (opened read-only; schema 1 to this
// program's) into `into`: models, tasks, environments and import records matched by their
// sha256/hash, config groups by params_hash, runs by uid, so merging twice adds nothing. All in
// one transaction: the database is unchanged when anything fails. Streams the other database run
// by run; memory does not grow with its size. dryRun: computes the same result, writes nothing.
// Before anything is written (dry run too) the other file passes SQLite's integrity check and
// every run it would bring adds up: counts recomputed from its items, accuracy and p_true within
// [0, 1], correct 0 or 1 (merge_check.h); one that does not refuses the whole merge.
// Throws InputError naming `other` when it is missing, not a noisefloor database, newer than this
// program, damaged, holds runs that do not add up (named by uid, with the reason), or is this very
// database; StoreError when this database fails. Opens its own connection to into.path() (not
// ":memory:"), so `into` must not hold a transaction open.
MergeResult mergeDatabase(Store& into, const std::filesystem::path& other, bool dryRun = false);

} // namespace nf::store
