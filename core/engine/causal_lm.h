#pragma once

#include "engine/classifier.h"
#include "engine/config.h"
#include "store/store.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nf::formats {
struct McqTask;
}
namespace nf::env {
class Snapshot;
}

namespace nf::engine {

class PromptBuilder;

// Items finished since the last call, handed over while the run goes on so that they can be
// committed (a long run keeps what it did when it is killed).
using ItemChunkSink = std::function<void(std::vector<store::ItemRow>&& items)>;

class HfModel;
struct ModelFolderInfo;

// A causal language model scored on multiple-choice prompts as LLaMA-Factory does: the logits at
// each prompt's last real token, restricted to the choice letters' token ids, softmax, then argmax
// (greedy) or a seeded draw. The model is a Hugging Face folder run natively (engine/hf_model.h),
// with an optional LoRA adapter, or a TorchScript file. torch stays inside the .cpp files.
//
// With a folder and config.prefixCache, the items of each subject are scored together and the
// tokens their prompts share (system line and shots, when shots are drawn per run or are the
// first k) are computed once per (run, subject); each batch continues from that prefix's keys and
// values. The answers equal the uncached computation's (p_true within 1e-4 in fp32).
class CausalLm
{
public:
    // A folder with config.json is checked (config, safetensors headers, adapter) and sized for
    // prompts of up to `promptTokens`; its weights are loaded on the config's device in its dtype
    // at the first forward. A TorchScript file is loaded now. `adapter` is a PEFT LoRA folder
    // (folders only). Throws nf::InputError naming the file.
    CausalLm(const std::string& path, const std::string& adapter, const EvalConfig& config,
             int64_t promptTokens = 0);
    ~CausalLm();
    CausalLm(const CausalLm&) = delete;
    CausalLm& operator=(const CausalLm&) = delete;

    const std::string& deviceType() const;
    std::string deviceDescription() const;

    // Before any run: a forward of `prompt` checks the output ([B, T, V], or a tuple/dict whose
    // first element / "logits" is), that V >= vocabSize, and that the prompt alone and the same
    // prompt padded inside a batch give the same choice logits (1e-4 in fp32) on the configured
    // padding side; when they do not, the other side is tried and the message says whether it
    // works. Throws nf::InputError naming the model file.
    void checkAgainst(const std::vector<int32_t>& prompt, const std::vector<int32_t>& choiceIds, int32_t vocabSize);

    void applyRuntime();

    // One run over the task's items (the config's order and limit) except those marked in `done`
    // (resuming). Returns the items not yet handed to `sink`; `sink` gets finished items every
    // few seconds and, before nf::Cancelled is thrown, the items finished so far.
    std::vector<store::ItemRow> evaluate(const formats::McqTask& task, PromptBuilder& prompts, int64_t seed,
                                         const std::vector<bool>& done, const BatchProgress& progress,
                                         const std::atomic<bool>* cancel, const ItemChunkSink& sink);

    // Prompt tokens per second of module.forward alone over the same padded batches a run uses
    // (built beforehand, logits left on the device), for comparing the engine with a bare loop.
    // For a folder, the tokens a run computes (each prefix once, then every batch's suffixes),
    // timed as plain forwards of those token batches: no prompts built, nothing scored. With
    // `attendToPrefix` the suffixes attend to their prefix's keys and values as a run's do (the
    // least a cached run must compute); without, each batch is a forward of its own tokens alone.
    double bareForwardTokensPerSecond(const formats::McqTask& task, PromptBuilder& prompts, int64_t seed,
                                      int repeats, bool attendToPrefix = false);

    // Folders only (nullptr for TorchScript): what the folder holds and what it takes in memory.
    const ModelFolderInfo* folderInfo() const;
    // Frees a folder's weights (loaded again at the next forward).
    void releaseWeights();

    // Tokens the last evaluate() put through the model: prefixes once each, and suffixes (whole
    // prompts when nothing was cached).
    struct Work
    {
        int64_t prefixTokens = 0;
        int64_t prefixes = 0;
        int64_t suffixTokens = 0;
        int64_t items = 0;
    };
    Work lastWork() const;

    // Bench only (folders): items per second of the way a generic evaluator scores (LLaMA-Factory's:
    // whole prompts, right padding, batches of `batchSize`, logits at every position).
    double allPositionsItemsPerSecond(const formats::McqTask& task, PromptBuilder& prompts, int64_t seed,
                                      int batchSize);

    void describe(env::Snapshot& snapshot) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace nf::engine
