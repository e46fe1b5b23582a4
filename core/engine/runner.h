#pragma once

#include "engine/causal_lm.h"
#include "engine/classifier.h"
#include "engine/config.h"
#include "engine/seeds.h"
#include "store/run_status.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nf::formats {
struct ImageTask;
struct McqTask;
} // namespace nf::formats
namespace nf::store {
class Store;
}
namespace nf::env {
class Snapshot;
}

namespace nf::engine {


// What the user asked for: one model on one task under one config, over a list of seeds.
struct RunPlan
{
    std::string modelPath;
    std::string modelLabel; // defaults to the model's file name
    std::string taskSpec;
    EvalConfig config;
    std::vector<int64_t> seeds;
    std::string label;
    bool rerun = false;                // run seeds that already completed again, as reproductions
    std::optional<int64_t> reproduces; // store every run as a reproduction of this run
    // Language models: the tokenizer.json (empty: tokenizer.json in the model folder, or beside
    // the model file).
    std::string tokenizerPath;
    // A PEFT LoRA adapter folder merged into a Hugging Face model folder (empty: none).
    std::string adapterPath;
    // Continue this interrupted (or cancelled, or failed) run instead of starting one: the plan's
    // single seed must be the run's, its finished items are kept and the rest evaluated.
    std::optional<int64_t> resumeRun;
};

// A loaded task: an image task for classifiers or a multiple-choice task for language models.
struct LoadedTask
{
    std::shared_ptr<const formats::ImageTask> image;
    std::shared_ptr<const formats::McqTask> mcq;
};

// Loads either kind from its spec (formats::isMcqSpec tells which). Throws nf::InputError.
LoadedTask loadTask(const std::string& spec);

// A plan whose model and task are loaded and checked against each other. Building one reads
// files and may throw nf::InputError, but writes nothing: bad input never reaches the database.
class Evaluation
{
public:
    explicit Evaluation(RunPlan plan);
    // With the task already loaded (shared by the evaluations of one task; see prepareEvaluations).
    Evaluation(RunPlan plan, LoadedTask task);
    ~Evaluation();
    Evaluation(Evaluation&&) noexcept;
    Evaluation& operator=(Evaluation&&) noexcept;

    const RunPlan& plan() const;
    bool isLanguageModel() const;
    const std::string& taskSpec() const;   // canonical
    const std::string& taskSha256() const; // of the data
    std::string deviceDescription() const;
    // A Hugging Face folder's architecture, size and memory (nullptr for a TorchScript file).
    const ModelFolderInfo* folderInfo() const;
    const std::string& modelSha256() const;
    const std::string& paramsJson() const;
    const std::string& configHash() const;
    int64_t itemsPerRun() const;

    // The engine's side of a run: the model's output for every item not marked in `done`; items
    // may be handed to `sink` while it goes (see CausalLm::evaluate).
    std::vector<store::ItemRow> evaluate(int64_t seed, const std::vector<bool>& done, const BatchProgress& progress,
                                         const std::atomic<bool>* cancel, const ItemChunkSink& sink);
    // What registering the evaluation in a store needs.
    const char* modelKind() const; // classifier | causal_lm
    std::string taskKind() const;  // image | mmlu | cmmlu | ceval | jsonl
    std::string taskLabel() const;
    std::vector<store::TaskItem> taskItems() const;
    void applyRuntime();
    void describe(env::Snapshot& snapshot) const;
    // Frees what repeats share (converted inputs, a model folder's weights) once the evaluation's
    // runs are done.
    void releaseCaches();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

struct RunProgress
{
    size_t runIndex = 0; // 0-based over every run of every evaluation
    size_t runCount = 0;
    int64_t seed = 0;
    int64_t itemsDone = 0; // of this run
    int64_t itemsTotal = 0;
    int64_t overallDone = 0; // items over every run
    int64_t overallTotal = 0;
};

struct RunOutcome
{
    int64_t runId = 0; // the existing run when skipped
    int64_t configId = 0;
    int64_t seed = 0;
    // Completed, Cancelled or Failed; Completed also when skipped.
    store::RunStatus status = store::RunStatus::Completed;
    bool skipped = false; // the group already had a completed run of the seed: runId is that run
    std::optional<double> accuracy;
    double seconds = 0;
    std::string message; // why it failed
};

struct RepeatResult
{
    std::vector<RunOutcome> outcomes;
    bool cancelled = false;
};

// Runs every seed of every evaluation in turn and stores each run as it completes. A completed
// (config group, seed) pair is skipped unless the plan says rerun. Cancellation is checked
// between batches: the run in flight is stored as cancelled and runs that completed stay.
class RepeatRunner
{
public:
    using ProgressFn = std::function<void(const RunProgress&)>;

    RepeatRunner(store::Store& store, ProgressFn progress, const std::atomic<bool>* cancel);

    // Called on the runner's thread as each run ends (completed, skipped, cancelled or failed),
    // after its row is committed: the app shows a run the moment it is stored.
    using OutcomeFn = std::function<void(const RunOutcome&)>;
    void setOutcomeCallback(OutcomeFn onOutcome) { m_onOutcome = std::move(onOutcome); }

    RepeatResult run(std::vector<Evaluation>& evaluations);

private:
    store::Store& m_store;
    ProgressFn m_progress;
    const std::atomic<bool>* m_cancel;
    OutcomeFn m_onOutcome;
};

// One Evaluation per plan, loading each distinct task once.
std::vector<Evaluation> prepareEvaluations(std::vector<RunPlan> plans);

} // namespace nf::engine
