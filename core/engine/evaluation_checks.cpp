#include "engine/evaluation_checks.h"

#include "common/error.h"
#include "engine/runner.h"
#include "engine/stored_plan.h"
#include "store/store.h"

namespace nf::engine {

void checkSameFiles(const store::Store& store, int64_t configId, const Evaluation& evaluation,
                    const std::string& what)
{
    const auto group = store.group(configId);
    if (!group)
        throw InputError(what + ": its config group " + std::to_string(configId) + " is not in " +
                         store.path().string());
    if (evaluation.modelSha256() != store.model(group->modelId).sha256)
        throw InputError(evaluation.plan().modelPath + ": the model " +
                         (evaluation.folderInfo() == nullptr      ? "file"
                          : evaluation.plan().adapterPath.empty() ? "folder"
                                                                  : "folder or its adapter") +
                         " changed since " + what + " (sha256 differs)");
    if (evaluation.taskSha256() != store.task(group->taskId).sha256)
        throw InputError(evaluation.taskSpec() + ": the task's data changed since " + what +
                         " (sha256 differs)");
    const auto stored = configFromParamsJson(group->paramsJson);
    const auto& got = evaluation.plan().config.lm;
    if (stored.lm && got && stored.lm->tokenizerSha256 != got->tokenizerSha256)
        throw InputError(evaluation.plan().tokenizerPath + ": not the tokenizer " + what +
                         " used (sha256 differs)");
}

void checkSameFilesAsGroup(const store::Store& store, int64_t configId, const Evaluation& evaluation,
                           const std::string& what, const std::string& ifChanged)
{
    if (!store.group(configId))
        throw InputError(what + ": its config group " + std::to_string(configId) + " is not in " +
                         store.path().string() + " any more");
    try {
        checkSameFiles(store, configId, evaluation, what);
    } catch (const InputError& e) {
        throw InputError(std::string(e.what()) + "; " + ifChanged);
    }
}

void checkResumable(const store::Store& store, const Evaluation& evaluation)
{
    const auto& plan = evaluation.plan();
    if (!plan.resumeRun)
        return;
    const std::string name = "run " + std::to_string(*plan.resumeRun);
    const auto run = store.run(*plan.resumeRun);
    if (!run)
        throw InputError(name + " is not in " + store.path().string() + " any more");
    checkSameFilesAsGroup(store, run->configId, evaluation, name,
                          "resuming would mix its answers with answers of something else");
}

void checkReproducible(const store::Store& store, const Evaluation& evaluation)
{
    const auto& plan = evaluation.plan();
    if (!plan.reproduces)
        return;
    const std::string name = "run " + std::to_string(*plan.reproduces);
    const auto run = store.run(*plan.reproduces);
    if (!run)
        throw InputError(name + " is not in " + store.path().string() + " any more");
    checkSameFiles(store, run->configId, evaluation, name);
}

void checkAddsToGroup(const store::Store& store, int64_t groupId, const Evaluation& evaluation)
{
    checkSameFilesAsGroup(store, groupId, evaluation, "group " + std::to_string(groupId),
                          "its runs would start a new group");
}

} // namespace nf::engine
