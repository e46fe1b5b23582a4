#pragma once

// The part of the engine that loads libtorch, behind one interface, so that a program loads
// libtorch's libraries (0.7 s and 160 MB before anything else) only when it evaluates something.
// noisefloor-engine and the tests link nf_engine in (its runner directly, or linkedEngine); the
// desktop app reaches it through loadEngine, which opens libnoisefloor-engine.so on first use.
// Nothing here includes torch.

#include "engine/models.h"
#include "engine/runner.h"
#include "engine/runtime.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace nf::engine {

// Plans to run into a database, and for each plan (by index) the config group it adds runs to
// ("Run N more repeats"; 0 or absent: none), whose model, task data and tokenizer it must load
// with the same bytes.
struct EvaluationRequest
{
    std::string databasePath;
    std::vector<RunPlan> plans;
    std::vector<int64_t> addsToGroups;
};

// What a loaded plan runs on, for a front end to show before the first run.
struct LoadedEvaluation
{
    std::string device; // "cpu (2 threads)", "cuda:0 (NVIDIA H100, bf16)"
    std::string model;  // a Hugging Face folder's architecture, size and memory; empty for a .pt file
};

struct EvaluationCallbacks
{
    // Once every model and task has loaded and been checked against the store, before the first
    // run: one entry per plan.
    std::function<void(const std::vector<LoadedEvaluation>&)> loaded;
    RepeatRunner::ProgressFn progress;
    RepeatRunner::OutcomeFn outcome;
};

class Engine
{
public:
    virtual ~Engine() = default;

    // How many GPUs this libtorch sees (0 without CUDA).
    virtual int cudaDeviceCount() const = 0;

    // The device a config's "auto" | "cpu" | "cuda" | "cuda:N" is on this machine (runtime.h).
    virtual ResolvedDevice resolveDevice(const std::string& requested) const = 0;

    // The demo's two models, trained on first use and cached in `directory` (see models.h).
    virtual DemoModels ensureDemoModels(const std::filesystem::path& directory,
                                        const TrainProgress& progress) const = 0;

    // Loads every plan's model and task and checks them (a resumed run's, a reproduced run's and a
    // group's that a plan adds to, against the files they were run with) before anything is
    // written: a plan that fails to load or check, or a database that cannot be opened, throws
    // nf::InputError and nothing is written. Then runs every seed as RepeatRunner does, in a Store
    // of its own on `request.databasePath`. `cancel` is checked after loading and between batches.
    virtual RepeatResult evaluate(const EvaluationRequest& request, const EvaluationCallbacks& callbacks,
                                  const std::atomic<bool>* cancel) const = 0;
};

// The engine of a program that links it (nf_engine).
const Engine& linkedEngine();

// The engine in libnoisefloor-engine.so, opened on the first call (from the path in the
// environment variable NF_ENGINE_LIBRARY, else beside the installed program, else the build
// tree's). Throws std::runtime_error naming the library and what is wrong when it is missing,
// cannot be loaded or is from another build; a later call tries again.
const Engine& loadEngine();

// What libnoisefloor-engine.so exports: the engine, when `interfaceVersion` and `build` are the
// ones it was built with, else nullptr. `build` (engineBuild) names the version, the commit and
// the layout of what crosses the library (the sizes of the structs passed, the C++ library), so
// that a library of another build or compiler is refused rather than misread.
inline constexpr int kEngineInterfaceVersion = 2;
std::string engineBuild();
inline constexpr const char* kEngineEntryName = "nf_engine_entry";
using EngineEntry = const Engine* (*)(int interfaceVersion, const char* build);

} // namespace nf::engine
