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

} // namespace nf::engine
