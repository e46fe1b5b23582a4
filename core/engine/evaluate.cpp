// The engine as the app reaches it (engine.h): the same runner, checks and demo models as the CLI.

#include "common/error.h"
#include "engine/engine.h"
#include "engine/evaluation_checks.h"
#include "engine/hf_model.h"
#include "engine/runtime.h"
#include "store/store.h"

namespace nf::engine {
namespace {

// A database that cannot be opened (not one, read-only, locked past the timeout) is the user's to
// fix before anything runs: an input error, like a model that does not load.
store::Store openForWriting(const std::string& path)
{
    try {
        return store::Store(path, store::OpenMode::ReadWrite);
    } catch (const StoreError& e) {
        throw InputError(e.what());
    }
}

class LinkedEngine final : public Engine
{
public:
    int cudaDeviceCount() const override { return engine::cudaDeviceCount(); }

    ResolvedDevice resolveDevice(const std::string& requested) const override
    {
        return engine::resolveDevice(requested);
    }

    DemoModels ensureDemoModels(const std::filesystem::path& directory,
                                const TrainProgress& progress) const override
    {
        return engine::ensureDemoModels(directory, progress);
    }

    RepeatResult evaluate(const EvaluationRequest& request, const EvaluationCallbacks& callbacks,
                          const std::atomic<bool>* cancel) const override
    {
        auto evaluations = prepareEvaluations(request.plans);
        if (cancel != nullptr && cancel->load()) {
            RepeatResult cancelled;
            cancelled.cancelled = true;
            return cancelled;
        }
        auto store = openForWriting(request.databasePath);
        std::vector<LoadedEvaluation> loaded;
        for (size_t i = 0; i < evaluations.size(); ++i) {
            checkResumable(store, evaluations[i]);
            checkReproducible(store, evaluations[i]);
            if (i < request.addsToGroups.size() && request.addsToGroups[i] > 0)
                checkAddsToGroup(store, request.addsToGroups[i], evaluations[i]);
            const auto* folder = evaluations[i].folderInfo();
            loaded.push_back(
                {evaluations[i].deviceDescription(), folder != nullptr ? folder->summary() : ""});
        }
        if (callbacks.loaded)
            callbacks.loaded(loaded);
        RepeatRunner runner(store, callbacks.progress, cancel);
        if (callbacks.outcome)
            runner.setOutcomeCallback(callbacks.outcome);
        return runner.run(evaluations);
    }
};

} // namespace

const Engine& linkedEngine()
{
    static const LinkedEngine engine;
    return engine;
}

} // namespace nf::engine
