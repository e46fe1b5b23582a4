#include "store/run_items.h"

#include <algorithm>

namespace nf::store {
namespace {

constexpr int kItemParameters = 6;

// Parameter ?1 is the run id, shared by every row; row r uses ?(2+6r) .. ?(7+6r).
std::string insertItemsSql(int rows)
{
    std::string sql = "INSERT INTO run_items(run_id, idx, predicted, correct, p_true, n_shots, prompt_hash) VALUES";
    for (int r = 0; r < rows; ++r) {
        const int p = 2 + kItemParameters * r;
        sql += r == 0 ? " (?1" : ", (?1";
        for (int c = 0; c < kItemParameters; ++c)
            sql += ", ?" + std::to_string(p + c);
        sql += ")";
    }
    return sql;
}

// Bytes of the marks blob: an index of the run's range is absent, wrong or correct. The UPDATE
// below spells kAbsent and kCorrect as x'00' and x'02'.
constexpr char kAbsent = 0;
constexpr char kWrong = 1;
constexpr char kCorrect = 2;

// Past this many bytes per item the marks blob is mostly holes (a sparse subset of a huge task):
// the plain upsert is cheaper then.
constexpr int64_t kMaxMarksPerItem = 8;
constexpr int64_t kMarksSlack = 4096;

void bindItem(sqlite::Statement& statement, int firstParameter, const ItemRow& item)
{
    statement.bind(firstParameter, item.idx);
    statement.bind(firstParameter + 1, static_cast<int64_t>(item.predicted));
    statement.bind(firstParameter + 2, static_cast<int64_t>(item.correct));
    statement.bind(firstParameter + 3, item.pTrue);
    statement.bind(firstParameter + 4,
                   item.nShots ? std::optional<int64_t>(*item.nShots) : std::optional<int64_t>());
    statement.bind(firstParameter + 5, item.promptHash);
}

} // namespace

RunItemWriter::RunItemWriter(sqlite::Database& db)
    : m_db(db), m_insertBatch(db, insertItemsSql(kBatchRows)), m_insertOne(db, insertItemsSql(1)),
      // Walks the group's rows of the run's index range in key order and rewrites each in place: no
      // per-item lookup, which is what makes an INSERT ... ON CONFLICT DO UPDATE about 2.5x slower.
      m_groupUpdate(
          db, "UPDATE group_items SET n_runs = n_runs + 1, "
              "n_correct = n_correct + (substr(?2, idx - ?3 + 1, 1) = x'02') "
              "WHERE config_id = ?1 AND idx BETWEEN ?3 AND ?4 AND substr(?2, idx - ?3 + 1, 1) <> x'00'"),
      m_groupInsertMissing(db, "INSERT INTO group_items(config_id, idx, n_runs, n_correct) "
                               "SELECT ?1, idx, 1, correct FROM run_items WHERE run_id = ?2 "
                               "ON CONFLICT(config_id, idx) DO NOTHING"),
      m_groupUpsert(db, "INSERT INTO group_items(config_id, idx, n_runs, n_correct) "
                        "SELECT ?1, idx, 1, correct FROM run_items WHERE run_id = ?2 "
                        "ON CONFLICT(config_id, idx) DO UPDATE SET n_runs = n_runs + 1, "
                        "n_correct = n_correct + excluded.n_correct")
{}

int64_t RunItemWriter::insertItems(int64_t runId, const std::vector<ItemRow>& items)
{
    int64_t nCorrect = 0;
    for (const ItemRow& item : items)
        nCorrect += item.correct ? 1 : 0;

    // Bindings survive sqlite3_reset, so the run id is bound once per statement.
    const size_t n = items.size();
    const size_t batched = n - n % kBatchRows;
    if (batched > 0) {
        sqlite::Use use(m_insertBatch);
        m_insertBatch.bind(1, runId);
        for (size_t start = 0; start < batched; start += kBatchRows) {
            for (int r = 0; r < kBatchRows; ++r)
                bindItem(m_insertBatch, 2 + kItemParameters * r, items[start + static_cast<size_t>(r)]);
            m_insertBatch.step();
            m_insertBatch.reset();
        }
    }
    if (batched < n) {
        sqlite::Use use(m_insertOne);
        m_insertOne.bind(1, runId);
        for (size_t i = batched; i < n; ++i) {
            bindItem(m_insertOne, 2, items[i]);
            m_insertOne.step();
            m_insertOne.reset();
        }
    }
    return nCorrect;
}

void RunItemWriter::addToGroup(int64_t configId, int64_t runId, const std::vector<ItemRow>& items)
{
    if (items.empty())
        return;
    auto [lo, hi] = std::minmax_element(items.begin(), items.end(),
                                        [](const ItemRow& a, const ItemRow& b) { return a.idx < b.idx; });
    const int64_t first = lo->idx;
    const int64_t span = hi->idx - first + 1;
    const auto n = static_cast<int64_t>(items.size());

    if (span > kMaxMarksPerItem * n + kMarksSlack) {
        sqlite::Use use(m_groupUpsert);
        m_groupUpsert.bind(1, configId);
        m_groupUpsert.bind(2, runId);
        m_groupUpsert.step();
        return;
    }

    // The run's correctness by index, handed to SQLite as one blob that the UPDATE reads with substr().
    m_marks.assign(static_cast<size_t>(span), kAbsent);
    for (const ItemRow& item : items)
        m_marks[static_cast<size_t>(item.idx - first)] = item.correct ? kCorrect : kWrong;
    int64_t updated = 0;
    {
        sqlite::Use use(m_groupUpdate);
        m_groupUpdate.bind(1, configId);
        m_groupUpdate.bindBlob(2, m_marks);
        m_groupUpdate.bind(3, first);
        m_groupUpdate.bind(4, hi->idx);
        m_groupUpdate.step();
        updated = m_db.changes();
    }
    // The group's first run, or items it has not seen before (a run over a larger subset).
    if (updated < n) {
        sqlite::Use use(m_groupInsertMissing);
        m_groupInsertMissing.bind(1, configId);
        m_groupInsertMissing.bind(2, runId);
        m_groupInsertMissing.step();
    }
}

void RunItemWriter::removeFromGroup(int64_t configId, int64_t runId)
{
    // Rare (an edit in the app), so plain statements: no need for the marks blob's speed.
    sqlite::Statement subtract(
        m_db, "UPDATE group_items SET n_runs = n_runs - 1, n_correct = n_correct - "
              "(SELECT r.correct FROM run_items r WHERE r.run_id = ?2 AND r.idx = group_items.idx) "
              "WHERE config_id = ?1 AND idx IN (SELECT idx FROM run_items WHERE run_id = ?2)");
    subtract.bind(1, configId);
    subtract.bind(2, runId);
    subtract.run();
    sqlite::Statement prune(m_db, "DELETE FROM group_items WHERE config_id = ?1 AND n_runs <= 0");
    prune.bind(1, configId);
    prune.run();
}

} // namespace nf::store
