#pragma once

// A run of a Hugging Face model folder with a LoRA adapter, cancelled part-way, for the tests of
// "Resume run" and "Run N more repeats" (the worker's plans and the main window's actions).

#include "engine/lm_fixture.h"
#include "engine/runner.h"
#include "store/store.h"
#include "worker/evaluationqueue.h"

#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>
#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

namespace nf::test {

// Runs `plan` into `store` and cancels it once `items` items are done: a run to resume.
inline engine::RepeatResult runCancelledAfter(store::Store& store, const engine::RunPlan& plan, int64_t items)
{
    std::vector<engine::Evaluation> evaluations;
    evaluations.emplace_back(plan);
    std::atomic<bool> cancel{false};
    engine::RepeatRunner runner(
        store, [&](const engine::RunProgress& progress) { cancel = cancel || progress.itemsDone >= items; }, &cancel);
    return runner.run(evaluations);
}

// A tiny Qwen3 folder whose vocabulary fits the trained tokenizer, a copy of that tokenizer in the
// folder, a LoRA adapter beside it, and a run of them on the MMLU folder cancelled part-way.
class FolderRunTest : public ::testing::Test
{
protected:
    static constexpr int kWaitMs = 120000; // a generous bound for a loaded machine, never a timing assertion
    static constexpr int kItems = 6;

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
        const auto stopped = runCancelledAfter(store, plan, 2);
        ASSERT_TRUE(stopped.cancelled);
        m_run = stopped.outcomes.back().runId;
        m_group = stopped.outcomes.back().configId;
        ASSERT_EQ(store.run(m_run)->status, store::RunStatus::Cancelled);
        m_itemsStored = store.runItems(m_run).size();
        ASSERT_LT(m_itemsStored, static_cast<size_t>(kItems));
    }

    store::Store readOnly() const { return store::Store(m_database, store::OpenMode::ReadOnly); }

    // Runs `job` on an evaluation queue over the database: the message it failed with, empty when
    // it finished. `stored` counts the runs it stored.
    std::string failureOf(ui::EvaluationJob job, int* stored = nullptr) const
    {
        ui::EvaluationQueue queue(QString::fromStdString(m_database.string()));
        QSignalSpy runs(&queue, &ui::EvaluationQueue::runStored);
        QSignalSpy finished(&queue, &ui::EvaluationQueue::jobFinished);
        QSignalSpy failed(&queue, &ui::EvaluationQueue::jobFailed);
        queue.enqueue(std::move(job));
        EXPECT_TRUE(QTest::qWaitFor([&] { return !finished.isEmpty() || !failed.isEmpty(); }, kWaitMs))
            << "the job neither finished nor failed";
        if (stored)
            *stored = static_cast<int>(runs.size());
        return failed.isEmpty() ? std::string() : failed.at(0).at(1).toString().toStdString();
    }

    // The cancelled run as the fixture left it, and no other run or group.
    void expectNothingWritten() const
    {
        const auto store = readOnly();
        EXPECT_EQ(store.runs().size(), 1u);
        EXPECT_EQ(store.groups().size(), 1u);
        EXPECT_EQ(store.run(m_run)->status, store::RunStatus::Cancelled);
        EXPECT_EQ(store.runItems(m_run).size(), m_itemsStored);
    }

    TinyLmWorld m_world;
    engine::TinyHfModelSpec m_spec;
    std::filesystem::path m_folder = m_world / "qwen-tiny";
    std::filesystem::path m_adapter = m_world / "lora";
    std::filesystem::path m_database = m_world / "runs.sqlite";
    int64_t m_run = 0;
    int64_t m_group = 0;
    size_t m_itemsStored = 0;
};

} // namespace nf::test
