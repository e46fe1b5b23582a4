#pragma once

#include "engine/config.h"
#include "store/store.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nf::formats {
struct ImageTask;
}
namespace nf::env {
class Snapshot;
}

namespace nf::engine {

// Items done of the run's total, called after each batch.
using BatchProgress = std::function<void(int64_t done, int64_t total)>;

// A TorchScript image classifier ready to evaluate: forward(Tensor[B, ...]) -> Tensor[B, C] logits.
// torch stays inside classifier.cpp; callers see plain types.
class Classifier
{
public:
    // Loads the module (eval() by default), resolves the device and dtype, and for
    // dropout = train switches on only the Dropout submodules, refusing a model where that changes
    // nothing. Throws nf::InputError naming the file or the key and what is wrong.
    Classifier(const std::string& path, const EvalConfig& config);
    ~Classifier();
    Classifier(const Classifier&) = delete;
    Classifier& operator=(const Classifier&) = delete;

    // "cpu" or "cuda": the device type that goes into the config hash.
    const std::string& deviceType() const;
    // "cpu" or "cuda:0 (NVIDIA H100 80GB HBM3)", for messages.
    std::string deviceDescription() const;

    // Runs two items of the task through the model and checks that the output is [B, C] with C
    // matching the task's classes. Throws nf::InputError naming the model file.
    void checkAgainst(const formats::ImageTask& task);

    // Applies the config's threads and determinism flags to this process (evaluate does it too;
    // call it before describe() so the snapshot shows what the runs use).
    void applyRuntime();

    // One run: every item of the task (or the first `limit`), in the config's order, with all
    // randomness drawn from `seed`. Applies the config's threads and determinism flags first.
    // Checks `cancel` between batches and throws nf::Cancelled when it is set.
    std::vector<store::ItemRow> evaluate(const formats::ImageTask& task, int64_t seed,
                                         const BatchProgress& progress, const std::atomic<bool>* cancel);

    // Frees the task's inputs converted for this classifier's runs (kept between runs so that
    // repeats convert them once).
    void releaseInputCache();

    // Times only module.forward over the task's batches (inputs built beforehand, logits left on
    // the device), `repeats` times, for comparing the engine's overhead with a bare loop. Returns
    // items per second.
    double bareForwardItemsPerSecond(const formats::ImageTask& task, int repeats);

    // Adds libtorch's version, threads, device and determinism flags to an environment snapshot.
    void describe(env::Snapshot& snapshot) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// The item indices 0..items-1 in the order a run with this seed visits them (the config's order:
// fixed, or shuffled by the seed).
std::vector<int64_t> runOrder(int64_t items, const EvalConfig& config, int64_t seed);

// How many items a run over this task will evaluate under this config.
int64_t itemCount(const formats::ImageTask& task, const EvalConfig& config);

} // namespace nf::engine
