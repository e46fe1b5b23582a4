#pragma once

// What the importers of other tools' outputs (LLaMA-Factory, lm-evaluation-harness, noisefloor's
// own JSONL) produce: runs in the store's terms but without the store, so that reading a file,
// showing what it holds (`import --dry-run`, the app's summary dialog) and writing it are separate
// steps. workspace/import.h stores them.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nf::formats {

// The task an imported run answered. Runs of one benchmark from different sources pair item by
// item when their tasks have the same sha256: an importer given the data folder a run used takes
// the task noisefloor's engine registers for that folder (same kind, spec, sha256, items).
struct ImportedTask
{
    std::string kind;   // tasks.kind: mmlu | cmmlu | ceval | jsonl | imported
    std::string path;   // the engine's spec ("mmlu:/abs/dir:test") or "" when no data folder was read
    std::string sha256; // identity
    std::string label;
    int64_t nItems = 0;                // 0 for a run-level-only task (results.log alone)
    std::vector<std::string> subjects; // one per item, or empty
    std::vector<std::string> refs;     // one per item (the correct letter), or empty
};

// One imported run. Exactly one of `correct` (per item) or `runLevelAccuracy` describes its result.
struct ImportedRun
{
    std::string where; // for messages and the summary: "save_dir/results.json", "results_x.json: mmlu"
    std::string uid;   // stable: importing the same content again finds the run already there
    std::string modelLabel;
    std::string modelSha256; // identity of the model (a hash of what the source says about it)
    std::shared_ptr<const ImportedTask> task;
    std::string paramsJson;      // everything but the seed: compact, sorted keys (nlohmann dump())
    std::string environmentJson; // flat object of strings, or "" when the source says nothing
    int64_t seed = 0;
    bool seedKnown = false; // false: the source does not record one (stored as 0)
    std::string startedAt;  // ISO-8601, or "" for the time of the import
    double durationSeconds = 0;
    std::string label;
    std::string notes; // stored as the run's notes (seeds the source records, category scores, ...)

    // Per-item results: index into the task's items, correctness and the answer given (-1 unknown).
    std::vector<int64_t> idx;
    std::vector<uint8_t> correct;
    std::vector<int32_t> predicted;   // empty, or one per item (-1: unknown)
    std::vector<double> pTrue;        // empty, or one per item
    std::vector<int32_t> nShots;      // empty, or one per item
    std::vector<int64_t> promptHash;  // empty, or one per item
    // A run the source reports only as a score (LLaMA-Factory's results.log without the data
    // folder, lm-eval without samples files): accuracy as a fraction 0..1 over runLevelItems items
    // (0 when unknown). The statistics use it as a run-level value only.
    std::optional<double> runLevelAccuracy;
    int64_t runLevelItems = 0;

    bool hasItems() const { return !correct.empty(); }
};

// A file (or folder) one import read, recorded with every run it brought in.
struct ImportSource
{
    std::string format; // llamafactory | lm-eval | jsonl
    std::string path;   // absolute path of the primary file (results.json, results_<date>.json, runs.jsonl)
    std::string sha256; // of that file's bytes: importing the same file again is a no-op
    struct File
    {
        std::string path;
        std::string sha256;
    };
    std::vector<File> otherFiles; // read besides it (results.log, samples_*.jsonl, the data folder's sha as "data:")
};

struct McqTask;

// The task noisefloor's engine registers for a benchmark folder (same kind, spec, sha256, label,
// subjects and correct letters): runs imported with the data folder they used join it.
std::shared_ptr<const ImportedTask> taskOfBenchmark(const McqTask& data);

// A model known only by its name (and optionally a revision or hash the source gives): the same
// name from any importer (JSONL, LLaMA-Factory, lm-eval) is the same model.
std::string importedModelSha256(const std::string& label, const std::string& revision = "");

// A stable 32-hex-digit uid from the parts that identify an imported run.
std::string importedRunUid(const std::vector<std::string>& parts);

struct ImportBatch;
// What identifies an import: the format, the file's sha256 and the uids of the runs read from it.
// The same file read another way (another data folder, metric, filter) is another import.
std::string importKey(const ImportBatch& batch);

// Everything one source holds.
struct ImportBatch
{
    ImportSource source;
    std::vector<ImportedRun> runs;
    std::vector<std::string> notes; // what the user should know ("no samples files: run-level only")
};

} // namespace nf::formats
