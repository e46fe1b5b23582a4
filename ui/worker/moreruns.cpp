#include "worker/moreruns.h"

#include "common/error.h"
#include "common/sha256.h"
#include "engine/config.h"
#include "engine/stored_plan.h"
#include "store/store.h"
#include "worker/resumerun.h"

#include <algorithm>
#include <filesystem>

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
    if (model.path.empty() || !std::filesystem::exists(model.path))
        throw InputError("Model file not found: " + model.path + " (" + groupName +
                         " was run with it; put it back there to add repeats)");
    if (sha256File(model.path) != model.sha256)
        throw InputError(model.path + ": the model file changed since " + groupName +
                         " was run (sha256 differs); its runs would start a new group");

    engine::RunPlan plan = engine::planForGroup(model, task, *group);

    int64_t largestSeed = 0;
    bool anySeed = false;
    store::RunFilter ofGroup;
    ofGroup.configId = groupId;
    const auto runs = store.runs(ofGroup);
    for (const auto& run : runs) {
        largestSeed = anySeed ? std::max(largestSeed, run.seed) : run.seed;
        anySeed = true;
        // The label of the group's latest original run ("demo: greedy") carries over.
        if (!run.reproduces)
            plan.label = run.label;
    }
    // A language model's runs use the tokenizer the group's latest run used.
    if (plan.config.lm && !runs.empty())
        plan.tokenizerPath = tokenizerForMoreRuns(store, runs.back(), plan.config, model.path, groupName);
    plan.seeds = engine::seedRange(anySeed ? largestSeed + 1 : 1, count);
    return {plan};
}

} // namespace nf::ui
