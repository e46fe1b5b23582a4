// run's options, and the plan they describe.

#include "run_options.h"

#include "engine/prompt.h"
#include "engine/seeds.h"
#include "formats/mcq.h"

namespace nf::cli {

engine::RunPlan planFrom(const RunOptions& options)
{
    engine::RunPlan plan;
    plan.modelPath = options.model;
    plan.modelLabel = options.modelLabel;
    plan.taskSpec = options.task;
    plan.tokenizerPath = options.tokenizer;
    plan.adapterPath = options.adapter;
    auto& config = plan.config;
    // A language model's knob given for an image task makes its config a language model's, an
    // error that the evaluation reports.
    if (formats::isMcqSpec(options.task) || !options.tokenizer.empty())
        config.lm.emplace();
    options.settings.apply(config);
    if (config.lm)
        config.lm->promptTemplate = engine::promptTemplate(config.lm->promptTemplate).name;
    engine::applyDependentDefaults(
        config, [&](std::string_view key) { return options.settings.given(std::string(key).c_str()); });
    plan.seeds = options.seeds.empty() ? engine::seedRange(options.seedStart, options.repeats)
                                       : engine::parseSeedList(options.seeds);
    plan.label = options.label;
    plan.rerun = options.rerun;
    return plan;
}

void addRunOptions(CLI::App* command, RunOptions& options)
{
    command->add_option(
        "--model", options.model,
        "Hugging Face model folder (config.json + safetensors: Llama, Mistral, Qwen2, Qwen3), or a "
        "TorchScript classifier or causal language model (.pt)")
        ->type_name("PATH");
    command->add_option(
        "--task", options.task,
        "fashion-mnist[:test|train], idx:IMAGES,LABELS, mmlu:DIR[:test|val|dev], cmmlu:DIR[:test|dev], "
        "ceval:DIR[:val|dev] or jsonl:FILE");
    command->add_option("--resume", options.resume,
                        "Continue an interrupted run (id or uid) where it stopped, with the same draws");
    command->add_option(
        "--model-label", options.modelLabel,
        "Name shown for the model (default: the file or folder name, + the adapter folder name)");
    command->add_option("--seeds", options.seeds,
                        "Comma-separated seeds, e.g. 1,2,3 (overrides --seed-start/--repeats)");
    command->add_option("--seed-start", options.seedStart, "First seed")->capture_default_str();
    command->add_option("--repeats", options.repeats, "Number of seeded repeats")->capture_default_str();
    options.settings.add(command, false);
    command->add_option("--label", options.label, "Label stored with each run");
    auto* lm = "Language models (multiple-choice tasks)";
    command
        ->add_option("--tokenizer", options.tokenizer,
                     "Hugging Face tokenizer.json (default: the model folder's, or beside the model file)")
        ->type_name("FILE")
        ->group(lm);
    command
        ->add_option("--adapter", options.adapter,
                     "PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors) merged into "
                     "the model folder's weights")
        ->type_name("DIR")
        ->group(lm);
    options.settings.add(command, true, lm);
    command->add_flag("--rerun", options.rerun,
                      "Run seeds that already completed again, stored as reproductions");
}

} // namespace nf::cli
