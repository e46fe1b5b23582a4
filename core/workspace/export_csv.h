#pragma once

// Runs written as CSV, the same for the CLI's `export --format csv` and the app's Export runs:
// one quoting rule (formats::csvField) and one set of columns each.

#include <cstdint>
#include <iosfwd>
#include <vector>

namespace nf::store {
class Store;
struct RunRow;
} // namespace nf::store

namespace nf::workspace {

// One row per run: run, uid, group, model, task, seed, status, accuracy (a fraction, 10
// significant digits), n_items, n_correct, started_at, finished_at, duration_s, source, tags,
// notes. Ids that name no run are skipped; returns the number of rows written.
size_t writeRunsCsv(const store::Store& store, const std::vector<int64_t>& runIds, std::ostream& out);

// Tidy, one row per (run, item): run_id, run_uid, group, model, task, seed, status, label, idx,
// subject, predicted, correct (0/1), p_true (9 decimals), so that a spreadsheet or pandas can
// pivot it either way. Streams run by run: 100 runs x 14,000 items are never all in memory.
void writeItemsCsv(const store::Store& store, const std::vector<store::RunRow>& runs, std::ostream& out);

} // namespace nf::workspace
