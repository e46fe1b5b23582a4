#include "worker/moreruns.h"

#include "common/error.h"
#include "engine/config.h"
#include "engine/stored_plan.h"
#include "store/store.h"
#include "engine/resume_plan.h"

#include <algorithm>

namespace nf::ui {

std::vector<engine::RunPlan> morePlansForGroup(const store::Store& store, int64_t groupId, int count)
{
    const std::string groupName = "group " + std::to_string(groupId);
    if (count < 1)
        throw InputError("repeats: " + std::to_string(count) + " must be at least 1");
    const auto group = store.group(groupId);
    if (!group)
        throw InputError(groupName + " is not in " + store.path().string());
    const auto model = store.model(group->modelId);
    const auto task = store.task(group->taskId);
    if (model.kind == "imported" || task.kind == "imported")
        throw InputError("imported runs cannot be repeated here: " + groupName + " (" + model.label + " on " +
                         task.label + ") was imported, and noisefloor has no model file or task to run");
    store::RunFilter ofGroup;
    ofGroup.configId = groupId;
    const auto runs = store.runs(ofGroup);
    // A model folder's group is run with the adapter its latest run merged in.
    const std::string adapter = runs.empty() ? std::string() : engine::recordedAdapter(store, runs.back());
    engine::checkModelAndAdapter(model, adapter, groupName, "add repeats", "its runs would start a new group");

    engine::RunPlan plan = engine::planForGroup(model, task, *group);
    plan.adapterPath = adapter;

    int64_t largestSeed = 0;
    bool anySeed = false;
    for (const auto& run : runs) {
        largestSeed = anySeed ? std::max(largestSeed, run.seed) : run.seed;
        anySeed = true;
        // The label of the group's latest original run ("demo: greedy") carries over.
        if (!run.reproduces)
            plan.label = run.label;
    }
    // A language model's runs use the tokenizer the group's latest run used.
    if (plan.config.lm && !runs.empty())
        plan.tokenizerPath = engine::tokenizerForMoreRuns(store, runs.back(), plan.config, model.path, groupName);
    plan.seeds = engine::seedRange(anySeed ? largestSeed + 1 : 1, count);
    return {plan};
}

} // namespace nf::ui
