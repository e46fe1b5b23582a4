// What an array task is handed: the options cluster::runArguments writes for a plan, read back by
// `run`'s own option parser (run_options.h), make the same plan, setting for setting, whatever
// the defaults: a classifier sampling with MC dropout, a language model with its template, shots
// and lengths, labels and paths with spaces.

#include "cluster/script.h"
#include "engine/settings.h"
#include "run_options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace nf;

engine::RunPlan readBack(const std::vector<std::string>& arguments)
{
    cli::RunOptions options;
    CLI::App run{"", "run"};
    cli::addRunOptions(&run, options);
    std::vector<std::string> args = {"--seeds", "1"};
    args.insert(args.end(), arguments.begin(), arguments.end());
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    run.parse(reversed);
    return cli::planFrom(options);
}

void expectSamePlan(const engine::RunPlan& plan, const engine::RunPlan& back)
{
    EXPECT_EQ(back.modelPath, plan.modelPath);
    EXPECT_EQ(back.modelLabel, plan.modelLabel);
    EXPECT_EQ(back.taskSpec, plan.taskSpec);
    EXPECT_EQ(back.label, plan.label);
    EXPECT_EQ(back.tokenizerPath, plan.tokenizerPath);
    EXPECT_EQ(back.adapterPath, plan.adapterPath);
    EXPECT_EQ(back.rerun, plan.rerun);
    EXPECT_EQ(back.config.lm.has_value(), plan.config.lm.has_value());
    for (const auto& setting : engine::settings()) {
        if (setting.derived || !setting.appliesTo(plan.config))
            continue; // a classifier's prefix_cache, greedy decoding's temperature: not used
        const auto want = setting.get(plan.config);
        const auto got = setting.get(back.config);
        ASSERT_EQ(got.has_value(), want.has_value()) << setting.key;
        if (want)
            EXPECT_EQ(engine::settingText(setting, *got), engine::settingText(setting, *want)) << setting.key;
    }
}

TEST(ClusterArguments, AClassifierSamplingWithDropoutReadsBackTheSame)
{
    engine::RunPlan plan;
    plan.modelPath = "/models dir/classifier ü.pt";
    plan.modelLabel = "it's mine";
    plan.taskSpec = "fashion-mnist:test";
    plan.label = "$HOME `x`";
    plan.rerun = true;
    plan.config.decoding = engine::Decoding::Sample;
    plan.config.temperature = 0.7;
    plan.config.topK = 5;
    plan.config.dropout = engine::DropoutMode::Train;
    plan.config.batchSize = 64;
    plan.config.limit = 500;
    plan.config.threads = 2;
    plan.config.deterministic = true;
    expectSamePlan(plan, readBack(cluster::runArguments(plan)));
}

TEST(ClusterArguments, ALanguageModelWithItsTemplateAndShotsReadsBackTheSame)
{
    engine::RunPlan plan;
    plan.modelPath = "/models/Qwen3 0.6B";
    plan.modelLabel = "Qwen3 + lora";
    plan.taskSpec = "mmlu:/data/mmlu dir:val";
    plan.tokenizerPath = "/models/Qwen3 0.6B/tokenizer.json";
    plan.adapterPath = "/adapters/lora one";
    plan.config.lm.emplace();
    plan.config.lm->promptTemplate = "mmlu-original";
    plan.config.lm->nShot = 0;
    plan.config.lm->maxLength = 512;
    plan.config.lm->paddingSide = engine::PaddingSide::Left;
    plan.config.batchSize = 8;
    plan.config.dtype = engine::DType::BFloat16;
    plan.config.device = "cuda:1";
    plan.config.prefixCache = false;
    expectSamePlan(plan, readBack(cluster::runArguments(plan)));
}

} // namespace
