// The Import and Merge dialogs' sentences from core's previews and results, without widgets.

#include "dialogs/importtext.h"

#include <gtest/gtest.h>

namespace nf::ui {
namespace {

workspace::BatchPreview batch(const std::string& path, int runs, int64_t items)
{
    workspace::BatchPreview line;
    line.format = "lm-eval";
    line.path = path;
    line.runs = runs;
    line.items = items;
    return line;
}

TEST(ImportText, OneSourceIsNamedWithItsFolderAndFormat)
{
    workspace::ImportPreview preview;
    preview.batches.push_back(batch("/out/llama/results_2026-11-28T10-00-00.json", 3, 14042));
    preview.runs = 3;
    preview.items = 14042;
    EXPECT_EQ(importTotalsText(preview),
              QStringLiteral("3 runs, 14,042 items from llama/results_2026-11-28T10-00-00.json (lm-eval)."));
    EXPECT_EQ(batchStatusText(preview.batches[0]), QStringLiteral("new"));
}

TEST(ImportText, ASourceImportedBeforeIsCountedAsSkippedNotAsItsRuns)
{
    workspace::ImportPreview preview;
    auto again = batch("/a/results.json", 0, 0);
    again.alreadyImported = true;
    again.runsAlreadyHere = 4;
    again.importedAt = "not a time";
    auto fresh = batch("/b/results.json", 2, 50);
    fresh.runsAlreadyHere = 1;
    fresh.runLevelRuns = 1;
    preview.batches = {again, fresh};
    preview.runs = 2;
    preview.items = 50;
    EXPECT_EQ(importTotalsText(preview), QStringLiteral("2 runs, 50 items from 2 sources; 1 run-level only; 1 run already "
                                                        "here; 1 source imported before, skipped."));
    EXPECT_EQ(batchStatusText(again), QStringLiteral("already imported on not a time: nothing to do"));
    EXPECT_EQ(batchStatusText(fresh), QStringLiteral("1 run-level only (no per-item results); 1 run already here"));
}

TEST(ImportText, NothingToImportSaysWhy)
{
    workspace::ImportPreview preview;
    auto again = batch("/a/runs.jsonl", 0, 0);
    again.alreadyImported = true;
    again.importedAt = "2026-11-28T10:00:00Z";
    preview.batches = {again};
    EXPECT_TRUE(importTotalsText(preview).startsWith(QStringLiteral("Nothing to import: a/runs.jsonl was already imported on 2026-11-")))
        << importTotalsText(preview).toStdString();
    preview.batches = {again, again};
    EXPECT_EQ(importTotalsText(preview), QStringLiteral("Nothing to import: all 2 sources were already imported."));
}

TEST(ImportText, TheResultNamesTheGroupsThatReceivedRuns)
{
    workspace::ImportPreview preview;
    preview.batches = {batch("/a/r1.json", 2, 10), batch("/b/r2.json", 1, 5)};
    workspace::ImportResult result;
    result.imported = 3;
    result.items = 15;
    result.skipped = 1;
    result.groups = {3, 7};
    EXPECT_EQ(importResultText(result, preview),
              QStringLiteral("Imported 3 runs, 15 items from 2 sources into groups 3, 7; 1 run already here"));
}

TEST(ImportText, AMergeDryRunListsWhatWouldChange)
{
    store::MergeResult merge;
    merge.runsAdded = 12;
    merge.itemsAdded = 120000;
    merge.reproductions = 2;
    merge.runsAlreadyHere = 4;
    merge.runsNotCompleted = 1;
    merge.groupsJoined = 2;
    merge.groupsNew = 1;
    merge.modelsNew = 1;
    merge.environmentsNew = 2;
    EXPECT_EQ(mergeDryRunText(merge, QStringLiteral("gpu.sqlite")),
              QStringLiteral("12 runs to add (120,000 items), 2 reproducing a seed this database has.\n"
                             "4 runs already here: left as they are.\n"
                             "1 run not completed there (running, interrupted, cancelled or failed): not merged.\n"
                             "Joins 2 groups here and creates 1 group.\n"
                             "New here: 1 model, 2 environments."));
    EXPECT_EQ(mergeResultText(merge, QStringLiteral("gpu.sqlite")),
              QStringLiteral("Merged 12 runs (120,000 items) from gpu.sqlite; 4 runs already here; 1 run not "
                             "completed, left out"));
}

} // namespace
} // namespace nf::ui
