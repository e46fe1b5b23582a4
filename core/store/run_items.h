#pragma once

// The per-item work of a run's commit, the store's hot path: a run of MMLU is 14,042 rows in
// run_items and as many in group_items. Shared by Store and bench/store_bench.cpp, which measures
// it alone.

#include "store/sqlite.h"
#include "store/store.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nf::store {

class RunItemWriter
{
public:
    // Rows per execution of the multi-row INSERT. One row per sqlite3_step spends most of its time
    // starting and stopping the statement (cursor open, transaction check, halt); 64 rows share
    // that and more than double the insert rate. 64 x 6 + 1 parameters stay far below SQLite's limit.
    static constexpr int kBatchRows = 64;

    // Prepares the statements on db, which must outlive the writer.
    explicit RunItemWriter(sqlite::Database& db);

    // Inserts a run's items inside the caller's transaction; returns how many are correct.
    int64_t insertItems(int64_t runId, const std::vector<ItemRow>& items);

    // Adds a run's items (already inserted) to its group's per-item counts: n_runs + 1, and
    // n_correct + 1 where correct. Rows appear for items the group has not seen yet.
    void addToGroup(int64_t configId, int64_t runId, const std::vector<ItemRow>& items);
    // The inverse of addToGroup, for a run being deleted (its items still in run_items): n_runs - 1,
    // and n_correct - 1 where correct; rows no run answers any more are deleted, as if the run
    // had never been added.
    void removeFromGroup(int64_t configId, int64_t runId);

private:
    sqlite::Database& m_db;
    sqlite::Statement m_insertBatch;
    sqlite::Statement m_insertOne;
    sqlite::Statement m_groupUpdate;
    sqlite::Statement m_groupInsertMissing;
    sqlite::Statement m_groupUpsert;
    std::string m_marks; // reused between runs: one byte per index of the run's range
};

} // namespace nf::store
