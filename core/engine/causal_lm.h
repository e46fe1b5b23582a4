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

// A TorchScript causal language model scored on multiple-choice prompts as LLaMA-Factory does:
// the logits at each prompt's last real token, restricted to the choice letters' token ids,
// softmax, then argmax (greedy) or a seeded draw. torch stays inside causal_lm.cpp.
class CausalLm
{
public:
    // Loads the module on the config's device in its dtype. Throws nf::InputError naming the file.
    CausalLm(const std::string& path, const EvalConfig& config);
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
    double bareForwardTokensPerSecond(const formats::McqTask& task, PromptBuilder& prompts, int64_t seed,
                                      int repeats);

    void describe(env::Snapshot& snapshot) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace nf::engine
