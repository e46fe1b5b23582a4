#include "engine/resume_plan.h"

#include "common/error.h"
#include "common/sha256.h"
#include "engine/config.h"
#include "engine/stored_plan.h"
#include "store/store.h"

#include <algorithm>
#include <filesystem>

namespace nf::engine {
namespace {

std::string runName(int64_t runId)
{
    return "run " + std::to_string(runId);
}

} // namespace

void checkModelAndAdapter(const store::ModelRow& model, const std::string& adapter, const std::string& what,
                          const std::string& toDo, const std::string& ifChanged)
{
    const bool folder = std::filesystem::is_directory(model.path);
    const std::string wanted =
        folder ? (std::filesystem::path(model.path) / "config.json").string() : model.path;
    if (model.path.empty() || !std::filesystem::exists(wanted))
        throw InputError("Model not found: " + wanted + " (" + what +
                         " was run with it; put it back there to " + toDo + ")");
    if (!adapter.empty() && !std::filesystem::is_directory(adapter))
        throw InputError("Adapter folder not found: " + adapter + " (" + what + " merged it into " +
                         model.path + "; put it back there to " + toDo + ")");
    // A folder's sha256 reads every weight shard (gigabytes), which would freeze the window: the
    // evaluation thread compares the loaded model's with the group's (checkSameFilesAsGroup).
    if (!folder && sha256File(model.path) != model.sha256)
        throw InputError(model.path + ": the model file changed since " + what +
                         " was run (sha256 differs); " + ifChanged);
}

bool canResume(store::RunStatus status, store::RunSource source)
{
    return source == store::RunSource::Engine &&
           (status == store::RunStatus::Interrupted || status == store::RunStatus::Cancelled ||
            status == store::RunStatus::Failed);
}

RunPlan resumePlanForRun(const store::Store& store, int64_t runId, const std::string& tokenizer)
{
    const std::string name = runName(runId);
    const auto run = store.run(runId);
    if (!run)
        throw InputError(name + " is not in " + store.path().string());
    if (run->sourceKind() != store::RunSource::Engine)
        throw InputError(name + " was imported (" + run->source +
                         "); only runs made by noisefloor's engine can be resumed");
    if (run->status == store::RunStatus::Completed)
        throw InputError(name + " is completed: nothing to resume");
    if (run->status == store::RunStatus::Running)
        throw InputError(name + " is still running");
    const auto group = store.group(run->configId);
    if (!group)
        throw InputError(name + ": its config group " + std::to_string(run->configId) + " is not in " +
                         store.path().string());
    const auto model = store.model(group->modelId);
    const auto task = store.task(group->taskId);
    if (model.kind == "imported" || task.kind == "imported")
        throw InputError(name + " belongs to imported data (" + model.label + " on " + task.label +
                         "): noisefloor has no model file or task to run");
    const std::string adapter = recordedAdapter(store, *run);
    checkModelAndAdapter(model, adapter, name, "resume", "its answers would mix two models");

    RunPlan plan = planForGroup(model, task, *group);
    plan.adapterPath = adapter;
    plan.seeds = {run->seed};
    plan.label = run->label;
    plan.resumeRun = run->id;
    if (tokenizer.empty()) {
        plan.tokenizerPath = tokenizerForMoreRuns(store, *run, plan.config, model.path, name);
    } else if (plan.config.lm) {
        if (!std::filesystem::is_regular_file(tokenizer))
            throw InputError("Tokenizer file not found: " + tokenizer);
        if (const auto& wanted = plan.config.lm->tokenizerSha256; !wanted.empty() && sha256File(tokenizer) != wanted)
            throw InputError(tokenizer + ": not the tokenizer " + name + " used (sha256 differs)");
        plan.tokenizerPath = tokenizer;
    }
    return plan;
}

std::string tokenizerForMoreRuns(const store::Store& store, const store::RunRow& run,
                                 const EvalConfig& config, const std::string& modelPath,
                                 const std::string& what)
{
    if (!config.lm)
        return {};
    const std::string recorded = recordedTokenizer(store, run);
    // The recorded file while it is there, else the model's own (a copy moved with it): in a
    // model folder, or beside a model file.
    const std::string path = std::filesystem::is_regular_file(recorded) ? recorded : std::string();
    const bool folder = std::filesystem::is_directory(modelPath);
    const std::string tokenizer =
        path.empty()
            ? ((folder ? std::filesystem::path(modelPath) : std::filesystem::path(modelPath).parent_path()) /
               "tokenizer.json")
                  .string()
            : path;
    if (!std::filesystem::is_regular_file(tokenizer))
        throw InputError("Tokenizer file not found: " + tokenizer +
                         (recorded.empty() ? " (" + what + " used the tokenizer.json " +
                                                 (folder ? "in the model folder)" : "beside the model)")
                                           : " nor " + recorded + ", which " + what + " used"));
    const std::string& wanted = config.lm->tokenizerSha256;
    if (!wanted.empty() && sha256File(tokenizer) != wanted)
        throw InputError(tokenizer + ": not the tokenizer " + what + " used (sha256 differs)");
    return path;
}

std::vector<RunPlan> morePlansForGroup(const store::Store& store, int64_t groupId, int count)
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
    const std::string adapter = runs.empty() ? std::string() : recordedAdapter(store, runs.back());
    checkModelAndAdapter(model, adapter, groupName, "add repeats", "its runs would start a new group");

    RunPlan plan = planForGroup(model, task, *group);
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
        plan.tokenizerPath = tokenizerForMoreRuns(store, runs.back(), plan.config, model.path, groupName);
    plan.seeds = seedRange(anySeed ? largestSeed + 1 : 1, count);
    return {plan};
}

} // namespace nf::engine
