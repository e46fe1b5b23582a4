// Resume and "Run N more repeats" of runs of a Hugging Face model folder with a LoRA adapter: the
// plans find the adapter the run recorded and the tokenizer in the folder, name a missing or
// changed adapter, and a resumed run completes in place on the evaluation queue.

#include "common/error.h"
#include "core/error_message.h"
#include "engine/lm_fixture.h"
#include "store/store.h"
#include "worker/evaluationqueue.h"
#include "worker/moreruns.h"
#include "worker/resumerun.h"

#include <gtest/gtest.h>

#include <QSignalSpy>
#include <atomic>

namespace nf::ui {
namespace {

constexpr int kWaitMs = 120000; // a generous bound for a loaded machine, never a timing assertion
constexpr int kItems = 6;

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

std::string errorOf(const std::function<void()>& work)
{
    return test::errorMessage(work);
}

// A tiny Qwen3 folder whose vocabulary fits the trained tokenizer, a copy of that tokenizer in the
// folder, a LoRA adapter beside it, and a run of them on the MMLU folder cancelled part-way.
class FolderRunTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_spec.vocab = m_world.vocabSize();
        engine::writeTinyHfModel(m_folder, m_spec);
        engine::writeTinyLoraAdapter(m_adapter, m_spec, {});
        std::filesystem::copy_file(m_world.tokenizer(), m_folder / "tokenizer.json");

        engine::RunPlan plan;
        plan.modelPath = m_folder.string();
        plan.adapterPath = m_adapter.string();
        // The tokenizer outside the folder, so that its going shows where the fallback looks.
        plan.tokenizerPath = m_world.tokenizer();
        plan.taskSpec = m_world.taskSpec();
        plan.seeds = {7};
        plan.config.batchSize = 2;
        plan.config.device = "cpu";
        plan.config.limit = kItems;
        plan.config.lm = engine::LanguageModelOptions{};
        plan.config.lm->nShot = 0;

        store::Store store(m_database);
        std::vector<engine::Evaluation> evaluations;
        evaluations.emplace_back(plan);
        std::atomic<bool> cancel{false};
        engine::RepeatRunner runner(
            store, [&](const engine::RunProgress& progress) { cancel = cancel || progress.itemsDone >= 2; },
            &cancel);
        const auto stopped = runner.run(evaluations);
        ASSERT_TRUE(stopped.cancelled);
        m_run = stopped.outcomes.back().runId;
        m_group = stopped.outcomes.back().configId;
        ASSERT_EQ(store.run(m_run)->status, store::kCancelled);
        ASSERT_LT(store.runItems(m_run).size(), static_cast<size_t>(kItems));
    }

    store::Store readOnly() const { return store::Store(m_database, store::OpenMode::ReadOnly); }

    test::TinyLmWorld m_world;
    engine::TinyHfModelSpec m_spec;
    std::filesystem::path m_folder = m_world / "qwen-tiny";
    std::filesystem::path m_adapter = m_world / "lora";
    std::filesystem::path m_database = m_world / "runs.sqlite";
    int64_t m_run = 0;
    int64_t m_group = 0;
};

TEST_F(FolderRunTest, ResumeAndMoreRepeatsFindTheAdapterAndTheTokenizer)
{
    const auto store = readOnly();
    const engine::RunPlan resume = resumePlanForRun(store, m_run);
    EXPECT_EQ(resume.modelPath, m_folder.string());
    EXPECT_EQ(resume.adapterPath, m_adapter.string());
    EXPECT_EQ(resume.tokenizerPath, m_world.tokenizer());
    EXPECT_EQ(resume.resumeRun, m_run);

    const auto more = morePlansForGroup(store, m_group, 2);
    ASSERT_EQ(more.size(), 1u);
    EXPECT_EQ(more[0].adapterPath, m_adapter.string());
    EXPECT_EQ(more[0].seeds, (std::vector<int64_t>{8, 9}));

    // The recorded tokenizer gone: the copy in the model folder (same bytes), not one beside it.
    std::filesystem::remove(m_world.tokenizer());
    EXPECT_EQ(resumePlanForRun(store, m_run).tokenizerPath, "");
    EXPECT_EQ(morePlansForGroup(store, m_group, 1).at(0).tokenizerPath, "");
    std::filesystem::remove(m_folder / "tokenizer.json");
    EXPECT_CONTAINS(errorOf([&] { resumePlanForRun(store, m_run); }),
                    "Tokenizer file not found: " + (m_folder / "tokenizer.json").string());
}

TEST_F(FolderRunTest, AMissingOrChangedAdapterIsNamed)
{
    const auto store = readOnly();
    std::filesystem::rename(m_adapter, m_world / "lora-moved");
    EXPECT_CONTAINS(errorOf([&] { resumePlanForRun(store, m_run); }),
                    "Adapter folder not found: " + m_adapter.string() + " (run " + std::to_string(m_run) +
                        " merged it into " + m_folder.string());
    EXPECT_CONTAINS(errorOf([&] { morePlansForGroup(store, m_group, 1); }),
                    "Adapter folder not found: " + m_adapter.string());

    engine::TinyLoraSpec other;
    other.seed = 2;
    engine::writeTinyLoraAdapter(m_adapter, m_spec, other);
    EXPECT_CONTAINS(errorOf([&] { resumePlanForRun(store, m_run); }),
                    m_folder.string() + ": the model folder or its adapter changed since run " +
                        std::to_string(m_run));

    std::filesystem::remove_all(m_folder);
    EXPECT_CONTAINS(errorOf([&] { morePlansForGroup(store, m_group, 1); }),
                    "Model not found: " + m_folder.string());
}

TEST_F(FolderRunTest, AResumedFolderRunCompletesInPlace)
{
    engine::RunPlan resume;
    {
        const auto store = readOnly();
        std::filesystem::remove(m_world.tokenizer());
        resume = resumePlanForRun(store, m_run);
    }
    EvaluationQueue queue(QString::fromStdString(m_database.string()));
    QSignalSpy stored(&queue, &EvaluationQueue::runStored);
    QSignalSpy finished(&queue, &EvaluationQueue::jobFinished);
    QSignalSpy failed(&queue, &EvaluationQueue::jobFailed);
    queue.enqueue({EvaluationJob::Kind::Plans, QStringLiteral("resume"), {resume}});
    ASSERT_TRUE(finished.wait(kWaitMs) || !failed.isEmpty())
        << (failed.isEmpty() ? std::string("timed out") : failed.at(0).at(1).toString().toStdString());
    ASSERT_TRUE(failed.isEmpty()) << failed.at(0).at(1).toString().toStdString();
    ASSERT_EQ(stored.size(), 1);
    EXPECT_EQ(stored.at(0).at(0).toLongLong(), m_run);

    const auto store = readOnly();
    EXPECT_EQ(store.runs().size(), 1u) << "continued in place, no new row";
    EXPECT_EQ(store.run(m_run)->status, store::kCompleted);
    EXPECT_EQ(store.runItems(m_run).size(), static_cast<size_t>(kItems));
}

} // namespace
} // namespace nf::ui
