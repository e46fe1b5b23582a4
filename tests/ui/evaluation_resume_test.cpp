// "Resume run": the plan built from a stored interrupted run, the problems it names, and a
// cancelled language-model run continued in place on the evaluation queue.

#include "common/error.h"
#include "common/sha256.h"
#include "core/scratch_dir.h"
#include "engine/config.h"
#include "engine/lm_fixture.h"
#include "engine/resume_plan.h"
#include "folderrun_fixture.h"
#include "store/store.h"
#include "worker/evaluationqueue.h"
#include "engine/resume_plan.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <QSignalSpy>
#include <fstream>
#include <sstream>

namespace nf::ui {
namespace {

constexpr int kWaitMs = 120000; // a generous bound for a loaded machine, never a timing assertion

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

std::string errorOf(const std::function<void()>& work)
{
    try {
        work();
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no InputError)";
}

// A store written through its API: a language-model group on the MMLU folder whose model and
// tokenizer files exist, and runs of it in every status.
class ResumePlanTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        std::ofstream(m_dir / "lm.pt") << "model bytes";
        std::ofstream(m_dir / "tokenizer.json") << "{\"beside\": true}";
        std::filesystem::create_directory(m_dir / "tok");
        std::ofstream(m_dir / "tok" / "tokenizer.json") << "{\"elsewhere\": true}";

        m_config.lm = engine::LanguageModelOptions{};
        m_config.lm->nShot = 2;
        m_config.lm->shots = engine::ShotSelection::PerRun;
        m_config.lm->paddingSide = engine::PaddingSide::Left;
        m_config.lm->tokenizerSha256 = sha256File(m_dir / "tok" / "tokenizer.json");
        m_config.batchSize = 4;
        const std::string params = engine::canonicalParamsJson(m_config, "cpu");

        const auto model = m_store.ensureModel((m_dir / "lm.pt").string(), sha256File(m_dir / "lm.pt"),
                                               "causal_lm", "tiny lm");
        const auto task = m_store.ensureTask("mmlu", m_spec, "sha-task", "mmlu:test (3 subjects)",
                                             {{"abstract_algebra", "A"}, {"abstract_algebra", "C"}});
        m_group = m_store.ensureConfig(model, task, params, "hash");
        nlohmann::json environment = {{"engine.tokenizer", (m_dir / "tok" / "tokenizer.json").string()}};
        m_env = m_store.ensureEnvironment(environment.dump(), "env");
    }

    int64_t interruptedRun(int64_t seed)
    {
        const int64_t id = m_store.beginRun({m_group, m_env, seed, "first try", "engine", std::nullopt, {}});
        store::ItemRow first(0, 0, true, 0.6);
        first.nShots = 2;
        first.promptHash = 42;
        m_store.appendRunItems(id, {first});
        m_store.endRun(id, store::RunStatus::Interrupted, "the process went away");
        return id;
    }

    test::ScratchDir m_dir;
    store::Store m_store{":memory:"};
    std::string m_spec = "mmlu:" + std::string(NF_TEST_DATA_DIR) + "/mcq/mmlu:test";
    engine::EvalConfig m_config;
    int64_t m_group = 0;
    int64_t m_env = 0;
};

TEST_F(ResumePlanTest, AnInterruptedRunResumesWithItsGroupSeedLabelAndTokenizer)
{
    const int64_t run = interruptedRun(7);
    const engine::RunPlan plan = engine::resumePlanForRun(m_store, run);
    EXPECT_EQ(plan.resumeRun, run);
    EXPECT_EQ(plan.seeds, (std::vector<int64_t>{7}));
    EXPECT_EQ(plan.label, "first try");
    EXPECT_EQ(plan.modelPath, (m_dir / "lm.pt").string());
    EXPECT_EQ(plan.modelLabel, "tiny lm");
    EXPECT_EQ(plan.taskSpec, m_spec);
    EXPECT_EQ(plan.tokenizerPath, (m_dir / "tok" / "tokenizer.json").string()); // the one the run used
    ASSERT_TRUE(plan.config.lm.has_value());
    EXPECT_EQ(plan.config.lm->nShot, 2);
    EXPECT_EQ(plan.config.lm->shots, engine::ShotSelection::PerRun);
    EXPECT_EQ(plan.config.lm->paddingSide, engine::PaddingSide::Left);
    EXPECT_EQ(plan.config.batchSize, 4);
    EXPECT_EQ(engine::canonicalParamsJson(plan.config, "cpu"), m_store.group(m_group)->paramsJson);
}

TEST_F(ResumePlanTest, OnlyInterruptedCancelledAndFailedEngineRunsAreResumable)
{
    EXPECT_TRUE(engine::canResume(store::RunStatus::Interrupted, store::RunSource::Engine));
    EXPECT_TRUE(engine::canResume(store::RunStatus::Cancelled, store::RunSource::Engine));
    EXPECT_TRUE(engine::canResume(store::RunStatus::Failed, store::RunSource::Engine));
    EXPECT_FALSE(engine::canResume(store::RunStatus::Completed, store::RunSource::Engine));
    EXPECT_FALSE(engine::canResume(store::RunStatus::Running, store::RunSource::Engine));
    EXPECT_FALSE(engine::canResume(store::RunStatus::Interrupted, store::RunSource::Import));

    const int64_t completed = m_store.beginRun({m_group, m_env, 1, "", "engine", std::nullopt, {}});
    m_store.completeRun(completed, {{0, 0, true, 0.9}, {1, 2, true, 0.8}}, 1.0);
    EXPECT_CONTAINS(errorOf([&] { engine::resumePlanForRun(m_store, completed); }),
                    "is completed: nothing to resume");
    const int64_t running = m_store.beginRun({m_group, m_env, 2, "", "engine", std::nullopt, {}});
    EXPECT_CONTAINS(errorOf([&] { engine::resumePlanForRun(m_store, running); }), "is still running");
    EXPECT_CONTAINS(errorOf([&] { engine::resumePlanForRun(m_store, 999); }), "run 999 is not in");
}

TEST_F(ResumePlanTest, AChangedOrMissingModelFileIsNamed)
{
    const int64_t run = interruptedRun(3);
    std::ofstream(m_dir / "lm.pt") << "other model bytes";
    const std::string changed = errorOf([&] { engine::resumePlanForRun(m_store, run); });
    EXPECT_CONTAINS(changed,
                    (m_dir / "lm.pt").string() + ": the model file changed since run " + std::to_string(run));

    std::filesystem::remove(m_dir / "lm.pt");
    EXPECT_CONTAINS(errorOf([&] { engine::resumePlanForRun(m_store, run); }),
                    "Model not found: " + (m_dir / "lm.pt").string());
}

TEST_F(ResumePlanTest, AMovedTokenizerFallsBackBesideTheModelOnlyWhenItIsTheSameFile)
{
    const int64_t run = interruptedRun(3);
    std::filesystem::remove(m_dir / "tok" / "tokenizer.json");
    // tokenizer.json beside the model is another file: named rather than used.
    EXPECT_CONTAINS(errorOf([&] { engine::resumePlanForRun(m_store, run); }), (m_dir / "tokenizer.json").string() +
                                                                          ": not the tokenizer run " +
                                                                          std::to_string(run) + " used");

    std::ofstream(m_dir / "tokenizer.json") << "{\"elsewhere\": true}"; // the same bytes the run used
    EXPECT_EQ(engine::resumePlanForRun(m_store, run).tokenizerPath, ""); // the engine takes the one beside the model
    std::filesystem::remove(m_dir / "tokenizer.json");
    EXPECT_CONTAINS(errorOf([&] { engine::resumePlanForRun(m_store, run); }),
                    "Tokenizer file not found: " + (m_dir / "tokenizer.json").string());
}

TEST_F(ResumePlanTest, MoreRepeatsOfALanguageModelGroupUseTheTokenizerItsRunsUsed)
{
    interruptedRun(4);
    const auto plans = engine::morePlansForGroup(m_store, m_group, 2);
    ASSERT_EQ(plans.size(), 1u);
    EXPECT_EQ(plans[0].seeds, (std::vector<int64_t>{5, 6}));
    EXPECT_EQ(plans[0].tokenizerPath, (m_dir / "tok" / "tokenizer.json").string());
    EXPECT_FALSE(plans[0].resumeRun.has_value());

    std::ofstream(m_dir / "tok" / "tokenizer.json") << "{\"edited\": true}";
    EXPECT_CONTAINS(errorOf([&] { engine::morePlansForGroup(m_store, m_group, 2); }),
                    (m_dir / "tok" / "tokenizer.json").string() + ": not the tokenizer group " +
                        std::to_string(m_group) + " used");
}

// The whole path on the real engine: a language-model run cancelled part-way, resumed on the
// evaluation queue, ends completed in the same row with the answers of an uninterrupted run.
TEST(ResumeOnTheQueue, ACancelledLanguageModelRunCompletesInPlaceWithTheSameAnswers)
{
    test::TinyLmWorld world;
    engine::RunPlan plan;
    plan.modelPath = world.model("lm");
    plan.taskSpec = world.taskSpec();
    plan.tokenizerPath = world.tokenizer();
    plan.seeds = {7};
    plan.config.batchSize = 4;
    plan.config.device = "cpu";
    plan.config.decoding = engine::Decoding::Sample;
    plan.config.lm = engine::LanguageModelOptions{};
    plan.config.lm->nShot = 2;

    store::Store reference(":memory:");
    {
        std::vector<engine::Evaluation> evaluations;
        evaluations.emplace_back(plan);
        engine::RepeatRunner(reference, nullptr, nullptr).run(evaluations);
    }
    const auto whole = reference.runItems(reference.runs().front().id);

    const auto database = world / "runs.sqlite";
    int64_t runId = 0;
    {
        store::Store store(database);
        const auto stopped = test::runCancelledAfter(store, plan, 8);
        ASSERT_TRUE(stopped.cancelled);
        runId = stopped.outcomes.back().runId;
        ASSERT_EQ(store.run(runId)->status, store::RunStatus::Cancelled);
        ASSERT_LT(store.runItems(runId).size(), whole.size());
    }

    engine::RunPlan resume;
    {
        const store::Store store(database, store::OpenMode::ReadOnly);
        resume = engine::resumePlanForRun(store, runId);
    }
    EXPECT_EQ(resume.tokenizerPath, world.tokenizer());
    EvaluationQueue queue(QString::fromStdString(database.string()));
    QSignalSpy stored(&queue, &EvaluationQueue::runStored);
    QSignalSpy finished(&queue, &EvaluationQueue::jobFinished);
    QSignalSpy failed(&queue, &EvaluationQueue::jobFailed);
    queue.enqueue({EvaluationJob::Kind::Plans, QStringLiteral("resume"), {resume}});
    ASSERT_TRUE(finished.wait(kWaitMs) || !failed.isEmpty())
        << (failed.isEmpty() ? std::string("timed out") : failed.at(0).at(1).toString().toStdString());
    ASSERT_TRUE(failed.isEmpty()) << failed.at(0).at(1).toString().toStdString();
    ASSERT_EQ(stored.size(), 1);
    EXPECT_EQ(stored.at(0).at(0).toLongLong(), runId);
    EXPECT_EQ(stored.at(0).at(2).toString(), QStringLiteral("completed"));

    const store::Store store(database, store::OpenMode::ReadOnly);
    EXPECT_EQ(store.runs().size(), 1u) << "continued in place, no new row";
    EXPECT_EQ(store.run(runId)->status, store::RunStatus::Completed);
    const auto items = store.runItems(runId);
    ASSERT_EQ(items.size(), whole.size());
    for (size_t i = 0; i < items.size(); ++i) {
        EXPECT_EQ(items[i].predicted, whole[i].predicted) << "item " << i;
        EXPECT_EQ(items[i].promptHash, whole[i].promptHash) << "item " << i;
    }
}

TEST(ResumeOnTheQueue, AChangedTokenizerFailsTheJobAndLeavesTheRunAsItWas)
{
    test::TinyLmWorld world;
    engine::RunPlan plan;
    plan.modelPath = world.model("lm");
    plan.taskSpec = world.taskSpec();
    plan.tokenizerPath = world.tokenizer();
    plan.seeds = {3};
    plan.config.batchSize = 4;
    plan.config.device = "cpu";
    plan.config.lm = engine::LanguageModelOptions{};
    plan.config.lm->nShot = 0;

    const auto database = world / "runs.sqlite";
    int64_t runId = 0;
    {
        store::Store store(database);
        std::vector<engine::Evaluation> evaluations;
        evaluations.emplace_back(plan);
        // Cancelled before its first run: the group is registered, no run stored. One the process
        // that ran it left behind stands in for an interrupted run.
        std::atomic<bool> cancel{true};
        engine::RepeatRunner(store, nullptr, &cancel).run(evaluations);
        ASSERT_EQ(store.groups().size(), 1u);
        runId = store.beginRun({store.groups().front().id, 0, 3, "", "engine", std::nullopt, {}});
        store.endRun(runId, store::RunStatus::Interrupted, "");
    }
    // Another tokenizer where the run's was: same vocabulary size, other bytes.
    {
        std::ifstream in(world.tokenizer());
        std::stringstream text;
        text << in.rdbuf();
        std::ofstream(world.tokenizer()) << text.str() << "\n";
    }
    engine::RunPlan resume = plan;
    resume.resumeRun = runId;
    EvaluationQueue queue(QString::fromStdString(database.string()));
    QSignalSpy failed(&queue, &EvaluationQueue::jobFailed);
    queue.enqueue({EvaluationJob::Kind::Plans, QStringLiteral("resume"), {resume}});
    ASSERT_TRUE(failed.wait(kWaitMs));
    EXPECT_CONTAINS(failed.at(0).at(1).toString().toStdString(),
                    "not the tokenizer run " + std::to_string(runId));
    const store::Store store(database, store::OpenMode::ReadOnly);
    EXPECT_EQ(store.run(runId)->status, store::RunStatus::Interrupted);
}

} // namespace
} // namespace nf::ui
