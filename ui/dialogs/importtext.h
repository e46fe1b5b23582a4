#pragma once

// The Import and Merge dialogs' sentences, made from core's previews and results without widgets:
// "3 runs, 41 items from out/results_2026-11-28T10-00-00.json (lm-eval)." The status bar repeats
// the result's line after the dialog closes.

#include "workspace/import.h"
#include "store/merge.h"

#include <QString>

#include <cstdint>
#include <string>

namespace nf::ui {

// "14,042": counts as the dialogs and the status bar write them.
QString numberText(int64_t n);
// "1 run", "14,042 items".
QString countText(int64_t n, const char* one, const char* many);

// "save_dir/results.json": a source's file with its folder, since LLaMA-Factory and lm-eval name
// their files alike in one folder per model.
QString shortSourceName(const std::string& path);

// One source's state: "new", "1 run-level only (no per-item results)", "2 runs already here",
// "already imported on 2026-11-28 10:00: nothing to do".
QString batchStatusText(const workspace::BatchPreview& batch);
// The totals line: "4 runs, 29 items from 3 sources; 2 run-level only." or why nothing would be imported.
QString importTotalsText(const workspace::ImportPreview& preview);
// One line per group the runs go to, as previewImport words them, capitalised.
QString importGroupsText(const workspace::ImportPreview& preview);
// After the import: "Imported 3 runs, 41 items from x/results.json (lm-eval) into group 3".
QString importResultText(const workspace::ImportResult& result, const workspace::ImportPreview& preview);

// A merge's dry run, one sentence a line: runs to add, already here, not completed; groups; what is new.
QString mergeDryRunText(const store::MergeResult& merge, const QString& otherName);
// After the merge: "Merged 10 runs (2,000 items) from other.sqlite; 4 already here".
QString mergeResultText(const store::MergeResult& merge, const QString& otherName);

} // namespace nf::ui
