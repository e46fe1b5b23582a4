// Resume and "Run N more repeats" of runs of a Hugging Face model folder with a LoRA adapter: the
// plans find the adapter the run recorded and the tokenizer in the folder and name a missing
// adapter without reading the weights; the evaluation thread refuses a changed model or adapter
// before it stores anything; a resumed run completes in place and repeats join the group.

#include "common/error.h"
#include "core/error_message.h"
#include "folderrun_fixture.h"
#include "store/store.h"
#include "worker/evaluationqueue.h"
#include "engine/resume_plan.h"
#include "engine/resume_plan.h"

#include <gtest/gtest.h>

#include <QSignalSpy>
#include <fstream>

namespace nf::ui {
namespace {

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

using test::FolderRunTest;

std::string errorOf(const std::function<void()>& work)
{
    return test::errorMessage(work);
}

TEST_F(FolderRunTest, ResumeAndMoreRepeatsFindTheAdapterAndTheTokenizer)
{
    const auto store = readOnly();
    const engine::RunPlan resume = engine::resumePlanForRun(store, m_run);
    EXPECT_EQ(resume.modelPath, m_folder.string());
    EXPECT_EQ(resume.adapterPath, m_adapter.string());
    EXPECT_EQ(resume.tokenizerPath, m_world.tokenizer());
    EXPECT_EQ(resume.resumeRun, m_run);

    const auto more = engine::morePlansForGroup(store, m_group, 2);
    ASSERT_EQ(more.size(), 1u);
    EXPECT_EQ(more[0].adapterPath, m_adapter.string());
    EXPECT_EQ(more[0].seeds, (std::vector<int64_t>{8, 9}));

    // The recorded tokenizer gone: the copy in the model folder (same bytes), not one beside it.
    std::filesystem::remove(m_world.tokenizer());
    EXPECT_EQ(engine::resumePlanForRun(store, m_run).tokenizerPath, "");
    EXPECT_EQ(engine::morePlansForGroup(store, m_group, 1).at(0).tokenizerPath, "");
    std::filesystem::remove(m_folder / "tokenizer.json");
    EXPECT_CONTAINS(errorOf([&] { engine::resumePlanForRun(store, m_run); }),
                    "Tokenizer file not found: " + (m_folder / "tokenizer.json").string());
}

TEST_F(FolderRunTest, AMissingModelOrAdapterIsNamedWhilePlanning)
{
    const auto store = readOnly();
    std::filesystem::rename(m_adapter, m_world / "lora-moved");
    EXPECT_CONTAINS(errorOf([&] { engine::resumePlanForRun(store, m_run); }),
                    "Adapter folder not found: " + m_adapter.string() + " (run " + std::to_string(m_run) +
                        " merged it into " + m_folder.string());
    EXPECT_CONTAINS(errorOf([&] { engine::morePlansForGroup(store, m_group, 1); }),
                    "Adapter folder not found: " + m_adapter.string());
    std::filesystem::rename(m_world / "lora-moved", m_adapter);

    std::filesystem::rename(m_folder / "config.json", m_world / "config.json");
    EXPECT_CONTAINS(errorOf([&] { engine::resumePlanForRun(store, m_run); }),
                    "Model not found: " + (m_folder / "config.json").string() + " (run " +
                        std::to_string(m_run) + " was run with it");
    std::filesystem::remove_all(m_folder);
    EXPECT_CONTAINS(errorOf([&] { engine::morePlansForGroup(store, m_group, 1); }),
                    "Model not found: " + m_folder.string() + " (group " + std::to_string(m_group));
}

// A folder's sha256 reads every weight shard (16 GB for an 8B model): the plans, made on the GUI
// thread, leave that to the evaluation thread, which compares the loaded model's with the group's.
TEST_F(FolderRunTest, PlanningReadsNoWeightsAndTheWorkerRefusesAChangedModel)
{
    engine::TinyHfModelSpec other = m_spec;
    other.seed = 5;
    engine::writeTinyHfModel(m_folder, other);
    engine::RunPlan resume;
    std::vector<engine::RunPlan> more;
    {
        const auto store = readOnly();
        resume = engine::resumePlanForRun(store, m_run);
        more = engine::morePlansForGroup(store, m_group, 2);
    }
    ASSERT_EQ(more.size(), 1u);

    int stored = -1;
    EXPECT_CONTAINS(failureOf({EvaluationJob::Kind::Plans, QStringLiteral("resume"), {resume}}, &stored),
                    m_folder.string() + ": the model folder or its adapter changed since run " +
                        std::to_string(m_run) + " (sha256 differs)");
    EXPECT_EQ(stored, 0);
    EXPECT_CONTAINS(failureOf({EvaluationJob::Kind::Plans, QStringLiteral("more"), more, {m_group}}, &stored),
                    m_folder.string() + ": the model folder or its adapter changed since group " +
                        std::to_string(m_group) + " (sha256 differs); its runs would start a new group");
    EXPECT_EQ(stored, 0);
    expectNothingWritten();

    // Weights that are no safetensors at all do not stop a plan either: only loading reads them.
    std::ofstream(m_folder / "model.safetensors", std::ios::trunc) << "not safetensors";
    const auto store = readOnly();
    EXPECT_NO_THROW(engine::resumePlanForRun(store, m_run));
    EXPECT_NO_THROW(engine::morePlansForGroup(store, m_group, 1));
}

TEST_F(FolderRunTest, AChangedAdapterIsRefusedOnTheEvaluationThreadBeforeAnythingIsStored)
{
    engine::TinyLoraSpec other;
    other.seed = 2;
    engine::writeTinyLoraAdapter(m_adapter, m_spec, other);
    engine::RunPlan resume;
    std::vector<engine::RunPlan> more;
    {
        const auto store = readOnly();
        resume = engine::resumePlanForRun(store, m_run);
        more = engine::morePlansForGroup(store, m_group, 2);
    }
    EXPECT_CONTAINS(failureOf({EvaluationJob::Kind::Plans, QStringLiteral("resume"), {resume}}),
                    m_folder.string() + ": the model folder or its adapter changed since run " +
                        std::to_string(m_run) + " (sha256 differs); resuming would mix its answers");
    EXPECT_CONTAINS(failureOf({EvaluationJob::Kind::Plans, QStringLiteral("more"), more, {m_group}}),
                    m_folder.string() + ": the model folder or its adapter changed since group " +
                        std::to_string(m_group) + " (sha256 differs)");
    expectNothingWritten();
}

TEST_F(FolderRunTest, MoreRepeatsOfAFolderGroupJoinIt)
{
    std::vector<engine::RunPlan> more;
    {
        const auto store = readOnly();
        more = engine::morePlansForGroup(store, m_group, 2);
    }
    int stored = 0;
    EXPECT_EQ(failureOf({EvaluationJob::Kind::Plans, QStringLiteral("more"), more, {m_group}}, &stored), "");
    EXPECT_EQ(stored, 2);
    const auto store = readOnly();
    EXPECT_EQ(store.groups().size(), 1u);
    store::RunFilter ofGroup;
    ofGroup.configId = m_group;
    EXPECT_EQ(store.runs(ofGroup).size(), 3u);
}

TEST_F(FolderRunTest, AResumedFolderRunCompletesInPlace)
{
    engine::RunPlan resume;
    {
        const auto store = readOnly();
        std::filesystem::remove(m_world.tokenizer());
        resume = engine::resumePlanForRun(store, m_run);
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
    EXPECT_EQ(store.run(m_run)->status, store::RunStatus::Completed);
    EXPECT_EQ(store.runItems(m_run).size(), static_cast<size_t>(kItems));
}

} // namespace
} // namespace nf::ui
