#pragma once

// lm-evaluation-harness output: results_<date>.json and the samples_<task>_<date>.jsonl files
// written beside it with --log_samples (docs/formats.md).

#include "formats/importers/imported_run.h"

#include <filesystem>
#include <string>

namespace nf::formats {

struct McqTask;

struct LmEvalOptions
{
    std::string metric = "acc"; // acc | acc_norm (any metric of the tasks: "exact_match" works too)
    std::string filter;         // "" = the only filter the tasks have ("none" for multiple choice)
    std::string modelLabel;     // "" = config.model_name, else model_args' pretrained=, else config.model
    // The benchmark folder the run used, when given: subjects and item counts are checked against
    // it, and the runs join the engine's task for that folder (pairing item by item with runs
    // noisefloor executed). Null: the task is identified by its subtasks and sample counts.
    const McqTask* data = nullptr;
};

// True when the file looks like an lm-eval results file (a JSON object with "results" and
// "config" or "configs"): read only its first 64 KiB.
bool looksLikeLmEvalResults(const std::filesystem::path& path);

// Reads a results file and the samples files beside it (same folder, same <date> suffix), one
// run per benchmark: the leaf tasks under each top-level group joined into one run (subject =
// the leaf task name without the group's prefix, items in subject order then doc_id), a task in
// no group a run of its own. Without samples files a run is run-level only (the metric's value).
// Throws InputError naming the file and the line or key for: invalid or truncated JSON, a samples
// file whose task is not in the results, a group mixing tasks (different n-shot, metric missing),
// duplicate or missing doc_ids, a metric value that is not 0/1, subjects or counts that differ
// from `data`.
ImportBatch readLmEval(const std::filesystem::path& resultsFile, const LmEvalOptions& options);

} // namespace nf::formats
