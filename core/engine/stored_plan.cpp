#include "engine/stored_plan.h"

#include "common/error.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

namespace nf::engine {

RunPlan planForGroup(const store::ModelRow& model, const store::TaskRow& task, const store::GroupRow& group)
{
    RunPlan plan;
    plan.modelPath = model.path;
    plan.modelLabel = model.label;
    plan.taskSpec = task.path;
    plan.config = configFromParamsJson(group.paramsJson);
    return plan;
}

namespace {

std::string recordedString(const store::Store& store, const store::RunRow& run, const char* key)
{
    if (run.envId == 0)
        return {};
    const auto environment = nlohmann::json::parse(store.environmentJson(run.envId), nullptr, false);
    if (!environment.is_object())
        return {};
    const auto found = environment.find(key);
    return found != environment.end() && found->is_string() ? found->get<std::string>() : std::string();
}

} // namespace

std::string recordedTokenizer(const store::Store& store, const store::RunRow& run)
{
    return recordedString(store, run, "engine.tokenizer");
}

std::string recordedAdapter(const store::Store& store, const store::RunRow& run)
{
    return recordedString(store, run, "engine.adapter");
}

void checkSameFiles(const store::Store& store, int64_t configId, const Evaluation& evaluation,
                    const std::string& what)
{
    const auto group = store.group(configId);
    if (!group)
        throw InputError(what + ": its config group " + std::to_string(configId) + " is not in " +
                         store.path().string());
    if (evaluation.modelSha256() != store.model(group->modelId).sha256)
        throw InputError(evaluation.plan().modelPath + ": the model " +
                         (evaluation.folderInfo() == nullptr           ? "file"
                          : evaluation.plan().adapterPath.empty() ? "folder"
                                                                  : "folder or its adapter") +
                         " changed since " + what + " (sha256 differs)");
    if (evaluation.taskSha256() != store.task(group->taskId).sha256)
        throw InputError(evaluation.taskSpec() + ": the task's data changed since " + what + " (sha256 differs)");
    const auto stored = configFromParamsJson(group->paramsJson);
    const auto& got = evaluation.plan().config.lm;
    if (stored.lm && got && stored.lm->tokenizerSha256 != got->tokenizerSha256)
        throw InputError(evaluation.plan().tokenizerPath + ": not the tokenizer " + what +
                         " used (sha256 differs)");
}

} // namespace nf::engine
