// Prints the language-model pipeline's throughput (tokenize, batch, forward, score, store) against a
// bare forward loop over the same padded batches, for the tiny fixture transformer on prompts of
// about 512 tokens at batch size 8, and the process's peak memory. Figures only: nothing here
// asserts a time.
//
// The data is a generated MMLU-format folder (4 subjects, 5 dev rows and 48 test rows each) whose
// 5-shot prompts come to roughly 512 tokens with a tokenizer trained on it.

#include "engine/causal_lm.h"
#include "engine/models.h"
#include "engine/prompt.h"
#include "engine/runner.h"
#include "env/environment.h"
#include "formats/mcq.h"
#include "formats/tokenizer.h"
#include "store/store.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since)
{
    return std::chrono::duration<double>(Clock::now() - since).count();
}

double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0;
}

// Sentences of seeded random words: questions long enough that five shots and a question make
// about 512 tokens.
std::string words(std::mt19937& random, int count)
{
    static const char* kWords[] = {"energy", "group", "field",   "matrix", "theory",  "river",  "ancient",
                                   "market", "cell",  "protein", "vector", "history", "law",    "value",
                                   "light",  "force", "number",  "prime",  "society", "policy", "wave"};
    std::string text;
    for (int i = 0; i < count; ++i) {
        text += i == 0 ? "" : " ";
        text += kWords[random() % std::size(kWords)];
    }
    return text;
}

std::string csvRow(std::mt19937& random, int questionWords)
{
    std::string row = "\"" + words(random, questionWords) + "?\"";
    for (int c = 0; c < 4; ++c)
        row += "," + words(random, 3);
    row += std::string(",") + static_cast<char>('A' + random() % 4) + "\n";
    return row;
}

std::string writeData(const fs::path& dir, std::string& corpus)
{
    std::mt19937 random(2026);
    fs::create_directories(dir / "dev");
    fs::create_directories(dir / "test");
    for (const char* subject : {"astronomy", "biology", "economics", "philosophy"}) {
        std::ofstream dev(dir / "dev" / (std::string(subject) + "_dev.csv"));
        std::ofstream test(dir / "test" / (std::string(subject) + "_test.csv"));
        for (int i = 0; i < 5; ++i) {
            const auto row = csvRow(random, 42);
            dev << row;
            corpus += row;
        }
        for (int i = 0; i < 48; ++i) {
            const auto row = csvRow(random, 42);
            test << row;
            corpus += row;
        }
    }
    return "mmlu:" + dir.string();
}

} // namespace

int main()
{
    const auto cpu = nf::env::detectCpu();
    std::printf("machine: %s, %d logical cores\n", cpu.model.c_str(), cpu.logicalCores);
    const fs::path dir = fs::temp_directory_path() / ("noisefloor-lm-bench-" + std::to_string(getpid()));
    fs::create_directories(dir);

    std::string corpus;
    const auto spec = writeData(dir / "mmlu", corpus);
    corpus += "The following are multiple choice questions (with answers) about .\n\nAnswer:A Answer:B\n";
    nf::formats::writeTrainedTokenizer(dir / "tokenizer.json", corpus, 1000);
    const auto tokenizer =
        std::make_shared<const nf::formats::Tokenizer>(nf::formats::Tokenizer::fromFile(dir / "tokenizer.json"));
    nf::engine::TinyCausalLmSpec modelSpec;
    modelSpec.vocab = tokenizer->vocabSize();
    nf::engine::writeTinyCausalLm(dir / "model.pt", modelSpec);

    nf::engine::RunPlan plan;
    plan.modelPath = (dir / "model.pt").string();
    plan.taskSpec = spec;
    plan.tokenizerPath = (dir / "tokenizer.json").string();
    plan.seeds = {1, 2, 3};
    plan.config.batchSize = 8;
    plan.config.lm = nf::engine::LanguageModelOptions{};
    plan.config.lm->nShot = 5;
    plan.config.lm->shots = nf::engine::ShotSelection::PerItem;
    plan.config.lm->maxLength = 512;

    const auto task = std::make_shared<const nf::formats::McqTask>(nf::formats::loadMcqTask(spec));
    nf::engine::PromptOptions options;
    options.nShot = 5;
    options.shots = nf::engine::ShotSelection::PerItem;
    options.maxLength = 512;
    int64_t tokensPerRun = 0;
    size_t longest = 0;
    {
        nf::engine::PromptBuilder prompts(task, tokenizer, options);
        for (int64_t i = 0; i < task->n(); ++i) {
            const auto prompt = prompts.build(i, 1);
            tokensPerRun += static_cast<int64_t>(prompt.ids.size());
            longest = std::max(longest, prompt.ids.size());
        }
    }
    std::printf("model: tiny transformer, vocab %d, dim %d, %d layers, %d heads\n", modelSpec.vocab, modelSpec.dim,
                modelSpec.layers, modelSpec.heads);
    std::printf("task: %lld questions, 5-shot per-item prompts of %.0f tokens on average (longest %zu, "
                "max_length 512), batch size 8\n\n",
                static_cast<long long>(task->n()), static_cast<double>(tokensPerRun) / task->n(), longest);

    // Tokenization alone, cold (every piece encoded) and warm (cached pieces, new shot draws).
    {
        nf::engine::PromptBuilder prompts(task, tokenizer, options);
        auto start = Clock::now();
        for (int64_t i = 0; i < task->n(); ++i)
            prompts.build(i, 1);
        const double cold = seconds(start);
        start = Clock::now();
        for (int64_t i = 0; i < task->n(); ++i)
            prompts.build(i, 2);
        const double warm = seconds(start);
        std::printf("prompts: first run %.1f ms (tokenizing), a repeat %.2f ms (cached pieces)\n", cold * 1e3,
                    warm * 1e3);
    }

    // The whole pipeline: RepeatRunner into a database file, three seeded runs.
    double pipeline = 0;
    {
        nf::store::Store store(dir / "runs.sqlite");
        std::vector<nf::engine::Evaluation> evaluations;
        evaluations.emplace_back(plan);
        nf::engine::RepeatRunner runner(store, {}, nullptr);
        std::vector<double> runSeconds;
        runner.setOutcomeCallback([&](const nf::engine::RunOutcome& outcome) { runSeconds.push_back(outcome.seconds); });
        const auto start = Clock::now();
        runner.run(evaluations);
        const double total = seconds(start);
        for (size_t r = 0; r < runSeconds.size(); ++r)
            std::printf("pipeline run %zu: %.2f s, %.0f prompt tokens/s\n", r + 1, runSeconds[r],
                        tokensPerRun / runSeconds[r]);
        pipeline = 3.0 * static_cast<double>(tokensPerRun) / total;
        std::printf("pipeline, 3 runs end to end (load, tokenize, batch, forward, score, store): %.0f prompt "
                    "tokens/s\n",
                    pipeline);
    }

    // The same batches through module.forward alone.
    double bare = 0;
    {
        nf::engine::PromptBuilder prompts(task, tokenizer, options);
        nf::engine::CausalLm lm(plan.modelPath, "", plan.config);
        lm.bareForwardTokensPerSecond(*task, prompts, 1, 1); // warm-up
        bare = lm.bareForwardTokensPerSecond(*task, prompts, 1, 3);
        std::printf("bare forward loop over the same padded batches: %.0f prompt tokens/s\n", bare);
    }
    std::printf("ratio pipeline / bare: %.3f (goal >= 0.95)\n", pipeline / bare);
    std::printf("peak memory (RSS, whole bench process): %.0f MiB\n", peakRssMiB());

    std::error_code ignored;
    fs::remove_all(dir, ignored);
    return 0;
}
