// The engine as the app reaches it (engine.h): the same runner, checks and demo models as the CLI.

#include "engine/engine.h"

#include "engine/evaluation_checks.h"
#include "engine/runtime.h"
#include "store/store.h"

namespace nf::engine {
namespace {

class LinkedEngine final : public Engine
{
public:
    int cudaDeviceCount() const override { return engine::cudaDeviceCount(); }

    ResolvedDevice resolveDevice(const std::string& requested) const override
    {
        return engine::resolveDevice(requested);
    }

    DemoModels ensureDemoModels(const std::filesystem::path& directory, const TrainProgress& progress) const override
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
        store::Store store(request.databasePath);
        for (size_t i = 0; i < evaluations.size(); ++i) {
            checkResumable(store, evaluations[i]);
            if (i < request.addsToGroups.size() && request.addsToGroups[i] > 0)
                checkAddsToGroup(store, request.addsToGroups[i], evaluations[i]);
        }
        if (callbacks.loaded)
            callbacks.loaded();
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
