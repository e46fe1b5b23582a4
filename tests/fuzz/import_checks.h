#pragma once

// The promises an importer's accepted batch keeps, whatever the source format: what the store
// and the statistics rely on when they take an imported run.

#include "formats/importers/imported_run.h"
#include "fuzz/fuzz_support.h"

#include <cmath>

namespace nf::fuzz {

inline void checkImportedRun(const nf::formats::ImportedRun& run)
{
    promise(run.task != nullptr, "a task");
    promise(!run.uid.empty(), "a uid");
    if (!run.hasItems()) {
        promise(run.runLevelAccuracy.has_value(), "a run without items has a run-level accuracy");
        promise(std::isfinite(*run.runLevelAccuracy) && *run.runLevelAccuracy >= 0 && *run.runLevelAccuracy <= 1,
                "a run-level accuracy in [0, 1]");
        promise(run.runLevelItems >= 0, "a non-negative item count");
        return;
    }
    promise(!run.runLevelAccuracy, "per-item results or a run-level accuracy, not both");
    const size_t n = run.correct.size();
    promise(run.idx.size() == n, "one index per item");
    for (const size_t size : {run.predicted.size(), run.pTrue.size(), run.nShots.size(), run.promptHash.size()})
        promise(size == 0 || size == n, "per-item arrays as long as correct");
    for (size_t i = 0; i < n; ++i) {
        promise(run.correct[i] <= 1, "correct is 0 or 1");
        promise(run.idx[i] >= 0 && (i == 0 || run.idx[i - 1] < run.idx[i]), "indices ascending, from 0");
        promise(run.task->nItems == 0 || run.idx[i] < run.task->nItems, "indices inside the task");
    }
    for (const double p : run.pTrue)
        promise(p >= 0 && p <= 1, "p_true in [0, 1]");
    promise(std::isfinite(run.durationSeconds) && run.durationSeconds >= 0, "a non-negative duration");
}

inline void checkImportBatch(const nf::formats::ImportBatch& batch)
{
    promise(!batch.runs.empty(), "an accepted source brings runs");
    for (const auto& run : batch.runs)
        checkImportedRun(run);
}

} // namespace nf::fuzz
