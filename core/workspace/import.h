#pragma once

// Importing other tools' outputs and noisefloor's own JSONL: find and read the sources (planImport,
// no database), show what they would change (previewImport), store them (applyImport, one
// transaction for everything). The CLI's `import` and the app's File -> Import and drag-and-drop
// share these.

#include "formats/importers/imported_run.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nf::store {
class Store;
}

namespace nf::workspace {

struct ImportOptions
{
    // A benchmark data folder or task spec (mmlu:DIR, cmmlu:DIR, ceval:DIR, or a plain DIR whose
    // kind is recognised from its files). LLaMA-Factory: needed to score results.json per item.
    // lm-eval: optional; checks the subjects and counts and joins the engine's task for it.
    std::string data;
    std::string split;          // "" = the benchmark's default (test; val for C-Eval)
    std::string metric = "acc"; // lm-eval: acc | acc_norm | ...
    std::string filter;         // lm-eval: "" = the only filter the tasks report (e.g. none)
    std::string modelLabel;     // "" = what the source says (lm-eval) or the folder name (LLaMA-Factory)
    std::optional<int64_t> seed; // LLaMA-Factory records none
    std::vector<std::pair<std::string, std::string>> params; // extra config keys, e.g. n_shot=5
};

// Formats importPaths recognises (from the content, not the name).
enum class SourceFormat { Jsonl, LlamaFactory, LmEval, NoisefloorDatabase, Unknown };
SourceFormat detectFormat(const std::string& path);
const char* formatName(SourceFormat format); // "jsonl", "llamafactory", "lm-eval", "noisefloor database"

struct ImportPlan
{
    std::vector<formats::ImportBatch> batches; // one per source found
};

// Expands each path (a file, a folder, or a glob such as 'out/*/results_*.json'), detects the
// format of each source and reads it completely, checking everything; writes nothing. A folder
// is searched for sources (LLaMA-Factory save_dirs, lm-eval results files, .jsonl files) up to
// three levels down. Throws InputError naming the path (file:line or key) on the first problem;
// a noisefloor database is refused with a pointer to `merge`.
ImportPlan planImport(const std::vector<std::string>& paths, const ImportOptions& options);

// What applying the plan would do to this database.
struct BatchPreview
{
    std::string format;
    std::string path;
    bool alreadyImported = false; // the same file (sha256) was imported before: nothing to do
    std::string importedAt;       // when, if so
    int runs = 0;                 // runs that would be added
    int runsAlreadyHere = 0;      // same uid already stored
    int runLevelRuns = 0;         // of `runs`, without per-item results
    int64_t items = 0;            // per-item results that would be added
    std::vector<std::string> notes;
};
struct ImportPreview
{
    std::vector<BatchPreview> batches;
    int runs = 0;
    int64_t items = 0;
    int groupsJoined = 0; // existing config groups the runs would join
    int groupsNew = 0;
    // One line per group the runs go to: "joins group 3: llama-3-8b on mmlu:test (14042 items), 5 runs" / "new group: ...".
    std::vector<std::string> groupLines;
};
ImportPreview previewImport(const store::Store& store, const ImportPlan& plan);

struct ImportResult
{
    int imported = 0;
    int skipped = 0;          // already in the database (same uid)
    int sourcesSkipped = 0;   // files imported before (same sha256)
    int64_t items = 0;
    std::vector<int64_t> groups; // groups that received runs
};
// Stores every batch in one transaction: all or nothing. Runs with equal model, task and params
// form one group; a run whose uid is stored is skipped; a source whose sha256 is recorded is
// skipped whole. Every stored run records its import (format, path, sha256, other files).
ImportResult applyImport(store::Store& store, const ImportPlan& plan);

} // namespace nf::workspace
