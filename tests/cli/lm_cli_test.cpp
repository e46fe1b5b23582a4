// noisefloor-cli on a language model: a tiny TorchScript transformer with its tokenizer.json beside
// it, on the hand-written MMLU folder.

#include "cli/cli_runner.h"
#include "common/error.h"
#include "engine/lm_fixture.h"
#include "engine/models.h"
#include "engine/resume_plan.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

using nf::test::TinyLmWorld;

namespace {

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

nf::test::CliResult cli(const TinyLmWorld& world, const std::vector<std::string>& args)
{
    return nf::test::runCli(world / "", args);
}

std::vector<std::string> lmArgs(const TinyLmWorld& world, const std::string& model, const std::string& db)
{
    return {"--db", db, "run", "--model", model, "--task", world.taskSpec(), "--n-shot", "2", "--shots", "first"};
}

} // namespace

TEST(LmCli, RunsRepeatsWithTheTokenizerBesideTheModelAndShowsLetters)
{
    TinyLmWorld world;
    const auto db = (world / "runs.sqlite").string();
    auto args = lmArgs(world, world.model("lm"), db);
    args.insert(args.end(), {"--repeats", "2"});
    const auto run = cli(world, args);
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_CONTAINS(run.out, "2 run(s) completed");
    EXPECT_CONTAINS(run.out, "lm.pt");

    const auto groups = cli(world, {"--db", db, "groups"});
    EXPECT_CONTAINS(groups.out, "2-shot first llamafactory, greedy");

    const auto show = cli(world, {"--db", db, "show", "1", "--items"});
    ASSERT_EQ(show.code, 0) << show.err;
    EXPECT_CONTAINS(show.out, "n_shots");
    EXPECT_CONTAINS(show.out, "engine.tokenizer");

    // Exported and imported elsewhere, a run keeps its prompts' shot counts and hashes.
    const auto jsonl = (world / "runs.jsonl").string();
    const auto other = (world / "other.sqlite").string();
    ASSERT_EQ(cli(world, {"--db", db, "export", "--format", "jsonl", "--out", jsonl}).code, 0);
    const auto imported = cli(world, {"--db", other, "import", jsonl});
    ASSERT_EQ(imported.code, 0) << imported.err;
    {
        nf::store::Store original(db, nf::store::OpenMode::ReadOnly);
        nf::store::Store copy(other, nf::store::OpenMode::ReadOnly);
        const auto before = original.runItems(1);
        const auto after = copy.runItems(1);
        ASSERT_EQ(before.size(), after.size());
        for (size_t i = 0; i < before.size(); ++i) {
            EXPECT_EQ(after[i].nShots, before[i].nShots) << "item " << i;
            EXPECT_EQ(after[i].promptHash, before[i].promptHash) << "item " << i;
            EXPECT_TRUE(after[i].promptHash.has_value());
        }
    }

    // A language-model run reproduces bit for bit (greedy, fp32, CPU), with the tokenizer it used.
    const auto reproduce = cli(world, {"--db", db, "reproduce", "1"});
    ASSERT_EQ(reproduce.code, 0) << reproduce.err;
    EXPECT_CONTAINS(reproduce.out, "identical");
}

TEST(LmCli, BadLanguageModelInputGetsOneLineAndWritesNothing)
{
    TinyLmWorld world;
    const auto db = (world / "runs.sqlite").string();
    const auto model = world.model("lm");

    auto badTemplate = lmArgs(world, model, db);
    badTemplate.insert(badTemplate.end(), {"--template", "chatml"});
    auto missingTokenizer = lmArgs(world, model, db);
    missingTokenizer.insert(missingTokenizer.end(), {"--tokenizer", (world / "nope.json").string()});
    auto badShots = lmArgs(world, model, db);
    badShots[10] = "random";
    auto tooManyShots = lmArgs(world, model, db);
    tooManyShots[8] = "9";
    auto missingFolder = lmArgs(world, model, db);
    missingFolder[6] = "mmlu:" + (world / "no-such-folder").string();
    auto devSplit = lmArgs(world, model, db);
    devSplit[6] = world.taskSpec() + ":dev";

    const std::pair<std::vector<std::string>, std::string> cases[] = {
        {badTemplate, "chatml"},
        {missingTokenizer, "nope.json: no such file"},
        {badShots, "shots: 'random' is not one of first | per-run | per-item"},
        {tooManyShots, "--n-shot 9"},
        {missingFolder, "no-such-folder"},
        {devSplit, "whose questions are the few-shot examples themselves"},
    };
    for (const auto& [args, message] : cases) {
        const auto result = cli(world, args);
        EXPECT_EQ(result.code, 2) << message << "\n" << result.err;
        EXPECT_CONTAINS(result.err, message);
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    }
    EXPECT_FALSE(std::filesystem::exists(db)) << "bad input never reaches the database";
}

TEST(LmCli, AnInterruptedRunResumesWhereItStoppedWithTheSameAnswers)
{
    TinyLmWorld world;
    const auto db = (world / "runs.sqlite").string();
    const auto model = world.model("lm");
    auto args = lmArgs(world, model, db);
    args[10] = "per-item";
    args.insert(args.end(), {"--seeds", "5", "--batch-size", "1", "--decoding", "sample"});

    // The same run start to finish, in another database, for the expected answers.
    auto wholeArgs = args;
    wholeArgs[1] = (world / "whole.sqlite").string();
    ASSERT_EQ(cli(world, wholeArgs).code, 0);
    nf::store::Store whole((world / "whole.sqlite"), nf::store::OpenMode::ReadOnly);
    const auto expected = whole.runItems(1);

    const pid_t child = fork();
    if (child == 0) {
        std::freopen((world / "out.txt").c_str(), "w", stdout);
        std::freopen((world / "err.txt").c_str(), "w", stderr);
        std::vector<char*> argv = {const_cast<char*>(NF_CLI_PATH)};
        for (auto& arg : args)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        execv(NF_CLI_PATH, argv.data());
        _exit(127);
    }
    // Interrupt the moment the run is under way (its row exists once the CLI's handler is in
    // place): on a quiet machine the whole tiny run takes well under a second.
    bool running = false;
    for (int i = 0; i < 12000 && !running; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        try {
            nf::store::Store store(db, nf::store::OpenMode::ReadOnly);
            running = !store.runs().empty();
        } catch (const std::exception&) {
        }
    }
    ASSERT_TRUE(running);
    ::kill(child, SIGINT);
    int status = 0;
    ::waitpid(child, &status, 0);
    {
        nf::store::Store store(db, nf::store::OpenMode::ReadOnly);
        const auto run = store.run(1);
        ASSERT_TRUE(run);
        if (run->status == nf::store::RunStatus::Completed)
            GTEST_SKIP() << "the run finished before the interrupt arrived";
        EXPECT_EQ(run->status, nf::store::RunStatus::Cancelled);
        EXPECT_LT(store.runItems(1).size(), expected.size());
    }

    const auto resumed = cli(world, {"--db", db, "run", "--resume", "1"});
    ASSERT_EQ(resumed.code, 0) << resumed.err;
    EXPECT_CONTAINS(resumed.out, "1 run(s) completed");
    nf::store::Store store(db, nf::store::OpenMode::ReadOnly);
    EXPECT_EQ(store.run(1)->status, nf::store::RunStatus::Completed);
    const auto items = store.runItems(1);
    ASSERT_EQ(items.size(), expected.size());
    for (size_t i = 0; i < items.size(); ++i) {
        EXPECT_EQ(items[i].predicted, expected[i].predicted) << "item " << i;
        EXPECT_EQ(items[i].promptHash, expected[i].promptHash) << "item " << i;
    }
    EXPECT_EQ(store.runs().size(), 1u) << "resumed in place, not as a new run";

    const auto changed = cli(world, {"--db", db, "run", "--resume", "1", "--batch-size", "4"});
    EXPECT_EQ(changed.code, 2);
    EXPECT_CONTAINS(changed.err, "--batch-size cannot be given: a resumed run keeps its model, task, config");

    const auto again = cli(world, {"--db", db, "run", "--resume", "1"});
    EXPECT_EQ(again.code, 2);
    EXPECT_CONTAINS(again.err, "is completed: nothing to resume");
}

// `run --resume` and the app's "Resume run" build the same plan with the same checks and words
// (engine::resumePlanForRun): a completed run, another file given as its tokenizer, its model gone;
// and an interrupted run made through the store resumes from the CLI in place.
TEST(LmCli, ResumeChecksAndSaysWhatTheAppSays)
{
    TinyLmWorld world;
    const auto db = (world / "runs.sqlite").string();
    const auto model = world.model("lm");
    ASSERT_EQ(cli(world, lmArgs(world, model, db)).code, 0);
    int64_t interrupted = 0;
    {
        nf::store::Store store(db);
        const auto first = store.run(1);
        ASSERT_TRUE(first);
        interrupted = store.beginRun({first->configId, first->envId, 9, "second", "engine", std::nullopt, {}});
        store.appendRunItems(interrupted, {store.runItems(1).front()});
        store.endRun(interrupted, nf::store::RunStatus::Interrupted, "the process went away");
    }
    auto appSays = [&](int64_t run, const std::string& tokenizer = {}) {
        nf::store::Store store(db, nf::store::OpenMode::ReadOnly);
        try {
            nf::engine::resumePlanForRun(store, run, tokenizer);
        } catch (const nf::InputError& e) {
            return std::string(e.what());
        }
        return std::string("(resumable)");
    };
    auto cliSays = [&](int64_t run, const std::vector<std::string>& more = {}) {
        std::vector<std::string> args = {"--db", db, "run", "--resume", std::to_string(run)};
        args.insert(args.end(), more.begin(), more.end());
        const auto result = cli(world, args);
        EXPECT_EQ(result.code, 2) << result.out;
        return result.err;
    };

    EXPECT_CONTAINS(appSays(1), "run 1 is completed: nothing to resume");
    EXPECT_CONTAINS(cliSays(1), appSays(1));
    const auto other = (world / "other-tokenizer.json").string();
    std::ofstream(other) << "{}";
    EXPECT_CONTAINS(appSays(interrupted, other), other + ": not the tokenizer run " + std::to_string(interrupted));
    EXPECT_CONTAINS(cliSays(interrupted, {"--tokenizer", other}), appSays(interrupted, other));
    std::filesystem::rename(model, model + ".moved");
    EXPECT_CONTAINS(appSays(interrupted), "Model not found: " + model);
    EXPECT_CONTAINS(cliSays(interrupted), appSays(interrupted));

    std::filesystem::rename(model + ".moved", model);
    EXPECT_EQ(appSays(interrupted), "(resumable)");
    const size_t runsBefore = nf::store::Store(db, nf::store::OpenMode::ReadOnly).runs().size();
    const auto resumed = cli(world, {"--db", db, "run", "--resume", std::to_string(interrupted)});
    ASSERT_EQ(resumed.code, 0) << resumed.err;
    nf::store::Store store(db, nf::store::OpenMode::ReadOnly);
    EXPECT_EQ(store.run(interrupted)->status, nf::store::RunStatus::Completed);
    EXPECT_EQ(store.run(interrupted)->label, "second");
    EXPECT_EQ(store.runs().size(), runsBefore) << "resumed in place";
}

// A Hugging Face folder with a LoRA adapter, as LLaMA-Factory leaves them: the model line before
// the run, the folder and adapter named in the group, a reproduction that finds the adapter again,
// and bad input refused with one line and nothing written.
TEST(LmCli, RunsAModelFolderWithAnAdapterAndReproducesIt)
{
    TinyLmWorld world;
    nf::engine::TinyHfModelSpec spec;
    spec.vocab = world.vocabSize();
    spec.scale = 20;
    nf::engine::writeTinyHfModel(world / "qwen3-base", spec);
    std::filesystem::copy_file(world.tokenizer(), world / "qwen3-base" / "tokenizer.json");
    nf::engine::TinyLoraSpec lora;
    lora.scale = 20;
    nf::engine::writeTinyLoraAdapter(world / "sft-lora", spec, lora);

    const auto db = (world / "runs.sqlite").string();
    auto args = lmArgs(world, (world / "qwen3-base").string(), db);
    args.insert(args.end(), {"--adapter", (world / "sft-lora").string(), "--repeats", "2"});
    const auto run = cli(world, args);
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_CONTAINS(run.err, "model: Qwen3ForCausalLM, ");
    EXPECT_CONTAINS(run.err, "F32 weights + LoRA r 4 (2 target modules); on cpu: weights");
    EXPECT_CONTAINS(run.out, "qwen3-base + sft-lora");

    const auto show = cli(world, {"--db", db, "show", "1"});
    EXPECT_CONTAINS(show.out, "model.adapter_sha256");
    const auto reproduce = cli(world, {"--db", db, "reproduce", "1"});
    ASSERT_EQ(reproduce.code, 0) << reproduce.err;
    EXPECT_CONTAINS(reproduce.out, "identical");
    // Without the prefix cache: every prompt whole, the same letters (p_true within 1e-4 in fp32).
    const auto whole = cli(world, {"--db", db, "--json", "reproduce", "1", "--no-prefix-cache"});
    ASSERT_EQ(whole.code, 0) << whole.err;
    const auto report = nlohmann::json::parse(whole.out);
    EXPECT_EQ(report["predicted_differ"], 0);
    EXPECT_LT(report["max_p_true_change"].get<double>(), 1e-4);
    {
        nf::store::Store store(db, nf::store::OpenMode::ReadOnly);
        const auto env = nlohmann::json::parse(
            store.environmentJson(store.run(report["reproduction"].get<int64_t>())->envId));
        EXPECT_EQ(env["engine.prefix_cache"], "off");
    }

    // An adapter changed since: the model is another one, and reproduce says which file moved.
    nf::engine::TinyLoraSpec other = lora;
    other.seed = 9;
    nf::engine::writeTinyLoraAdapter(world / "sft-lora", spec, other);
    const auto changed = cli(world, {"--db", db, "reproduce", "1"});
    EXPECT_EQ(changed.code, 2);
    EXPECT_CONTAINS(changed.err, "qwen3-base: the model folder or its adapter changed since run 1");

    const auto fresh = (world / "fresh.sqlite").string();
    nf::engine::TinyHfModelSpec gemma = spec;
    nf::engine::writeTinyHfModel(world / "gemma", gemma);
    {
        std::ifstream in(world / "gemma" / "config.json");
        auto config = nlohmann::json::parse(in);
        in.close();
        config["architectures"] = {"Gemma2ForCausalLM"};
        std::ofstream(world / "gemma" / "config.json") << config.dump();
    }
    const auto refused = cli(world, lmArgs(world, (world / "gemma").string(), fresh));
    EXPECT_EQ(refused.code, 2);
    EXPECT_CONTAINS(refused.err, "Gemma2ForCausalLM is not an architecture noisefloor runs natively");
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
    EXPECT_FALSE(std::filesystem::exists(fresh));
}
