// The checks of a plan that read no weight: shared by Evaluation (evaluation.cpp) and cluster
// submission.

#include "engine/plan_check.h"

#include "common/error.h"
#include "common/paths.h"
#include "engine/hf_model.h"
#include "engine/prompt.h"
#include "formats/hf_config.h"
#include "formats/mcq.h"
#include "formats/task.h"
#include "formats/tokenizer.h"

#include <algorithm>
#include <filesystem>

namespace nf::engine {
namespace {

// A path as the evaluation records it: absolute, normalised, without a trailing slash.
std::string absolutePath(const std::string& path)
{
    auto text = std::filesystem::absolute(path).lexically_normal().string();
    if (text.size() > 1 && text.back() == '/')
        text.pop_back();
    return text;
}

} // namespace

LoadedTask loadTask(const std::string& spec)
{
    LoadedTask task;
    if (formats::isMcqSpec(spec))
        task.mcq = std::make_shared<const formats::McqTask>(formats::loadMcqTask(spec));
    else
        task.image = std::make_shared<const formats::ImageTask>(formats::loadImageTask(spec));
    return task;
}

void normalizePlan(RunPlan& plan)
{
    validate(plan.config);
    if (plan.seeds.empty())
        throw InputError("seeds: at least one seed is needed");
    if (!std::filesystem::exists(plan.modelPath))
        throw InputError(plan.modelPath + ": no such file or folder");
    // A folder named with a trailing slash is the same folder (and has the same label).
    plan.modelPath = absolutePath(plan.modelPath);
    if (std::filesystem::is_directory(plan.modelPath) && !formats::isHfModelFolder(plan.modelPath))
        throw InputError(plan.modelPath +
                         ": a folder without config.json; a model is a Hugging Face folder (" +
                         "config.json and safetensors weights) or a TorchScript file");
    // An architecture noisefloor does not run is refused before the task or tokenizer is read.
    if (std::filesystem::is_directory(plan.modelPath))
        formats::readHfConfig(plan.modelPath);
    else
        requireRegularFile(plan.modelPath, "model file");
    if (!plan.adapterPath.empty()) {
        if (!std::filesystem::exists(plan.adapterPath))
            throw InputError(plan.adapterPath + ": no such adapter folder");
        plan.adapterPath = absolutePath(plan.adapterPath);
    }
    if (plan.modelLabel.empty()) {
        plan.modelLabel = std::filesystem::path(plan.modelPath).filename().string();
        if (!plan.adapterPath.empty())
            plan.modelLabel += " + " + std::filesystem::path(plan.adapterPath).filename().string();
    }
}

void checkClassifierPlan(const RunPlan& plan)
{
    if (plan.config.lm)
        throw InputError(plan.taskSpec + ": an image task has no prompts; --template, --n-shot, --shots, "
                                         "--max-length and --padding-side are for multiple-choice tasks");
    if (std::filesystem::is_directory(plan.modelPath))
        throw InputError(plan.modelPath + ": a model folder is a language model; an image task (" +
                         plan.taskSpec + ") takes a TorchScript classifier file");
    if (!plan.adapterPath.empty())
        throw InputError(plan.adapterPath +
                         ": a LoRA adapter is for a language model folder, not a classifier");
}

void checkLanguageModelPlan(RunPlan& plan, const formats::McqTask& task)
{
    auto& config = plan.config;
    if (!config.lm)
        config.lm = LanguageModelOptions{};
    if (config.normalizeMean || config.input == InputLayout::Flat)
        throw InputError(plan.taskSpec +
                         ": a multiple-choice task has no images; --input and --normalize are "
                         "for image tasks");
    if (task.n() == 0)
        throw InputError(task.spec + ": no questions in it");
    const bool folder = formats::isHfModelFolder(plan.modelPath);
    if (!folder && !plan.adapterPath.empty())
        throw InputError(plan.adapterPath +
                         ": a LoRA adapter applies to a Hugging Face model folder, not to "
                         "a TorchScript file (" +
                         plan.modelPath + ")");
    if (plan.tokenizerPath.empty())
        plan.tokenizerPath = ((folder ? std::filesystem::path(plan.modelPath)
                                      : std::filesystem::path(plan.modelPath).parent_path()) /
                              "tokenizer.json")
                                 .string();
    if (!std::filesystem::exists(plan.tokenizerPath))
        throw InputError(plan.tokenizerPath + ": no such file (a language model needs its Hugging Face "
                                              "tokenizer.json: give it with --tokenizer)");
    // Recorded with the run (its environment), so resume and reproduce find it from anywhere.
    plan.tokenizerPath = std::filesystem::absolute(plan.tokenizerPath).lexically_normal().string();
}

RunPlan checkPlanFiles(RunPlan plan)
{
    normalizePlan(plan);
    const auto task = loadTask(plan.taskSpec);
    if (task.image) {
        checkClassifierPlan(plan);
        plan.taskSpec = task.image->spec;
        return plan;
    }
    checkLanguageModelPlan(plan, *task.mcq);
    plan.taskSpec = task.mcq->spec;
    const auto tokenizer =
        std::make_shared<const formats::Tokenizer>(formats::Tokenizer::fromFile(plan.tokenizerPath));
    PromptOptions options;
    options.templateName = plan.config.lm->promptTemplate;
    options.nShot = plan.config.lm->nShot;
    options.shots = plan.config.lm->shots;
    options.maxLength = plan.config.lm->maxLength;
    PromptBuilder prompts(task.mcq, tokenizer, options);
    const auto first = prompts.build(0, 0);
    if (formats::isHfModelFolder(plan.modelPath)) {
        // Sized for the CPU whatever the plan's device: the node's memory is not known here.
        ResolvedDevice device;
        device.description = "cpu";
        inspectModelFolder(plan.modelPath, plan.adapterPath, plan.config,
                           std::max<int64_t>(1, static_cast<int64_t>(first.ids.size())), device);
    }
    return plan;
}

} // namespace nf::engine
