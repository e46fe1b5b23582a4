// The evaluation queue against a real engine and database: tiny TorchScript classifiers on a
// tiny IDX task, runs landing in a scratch SQLite file, signals watched with QSignalSpy.

#include "engine/fixture.h"
#include "store/store.h"
#include "worker/evaluationqueue.h"

#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>
#include <memory>

namespace nf::ui {
namespace {

constexpr int kWaitMs = 120000; // a generous bound for a loaded machine, never a timing assertion

class EvaluationQueueTest : public ::testing::Test
{
protected:
    QString databasePath() const { return QString::fromStdString((m_db / "runs.sqlite").string()); }

    std::vector<store::RunRow> storedRuns() const
    {
        if (!std::filesystem::exists(m_db / "runs.sqlite"))
            return {};
        store::Store store(m_db / "runs.sqlite", store::OpenMode::ReadOnly);
        return store.runs();
    }

    engine::RunPlan plan(const test::TinyWorld& world, const std::string& model, std::vector<int64_t> seeds,
                         int batchSize = 16) const
    {
        engine::RunPlan plan;
        plan.modelPath = model;
        plan.taskSpec = world.taskSpec();
        plan.seeds = std::move(seeds);
        plan.config.batchSize = batchSize;
        plan.config.device = "cpu";
        return plan;
    }

    static EvaluationJob job(const QString& title, std::vector<engine::RunPlan> plans)
    {
        return {EvaluationJob::Kind::Plans, title, std::move(plans)};
    }

    test::ScratchDir m_db;
};

TEST_F(EvaluationQueueTest, PlansJobStoresEveryRunAndReportsEachAsItLands)
{
    test::TinyWorld world;
    EvaluationQueue queue(databasePath());
    QSignalSpy stored(&queue, &EvaluationQueue::runStored);
    QSignalSpy finished(&queue, &EvaluationQueue::jobFinished);
    QSignalSpy failed(&queue, &EvaluationQueue::jobFailed);
    queue.enqueue(job(QStringLiteral("three seeds"), {plan(world, world.model("tiny"), {1, 2, 3})}));
    EXPECT_TRUE(queue.busy());

    ASSERT_TRUE(finished.wait(kWaitMs));
    EXPECT_EQ(failed.count(), 0);
    ASSERT_EQ(stored.count(), 3);
    for (const auto& signal : stored)
        EXPECT_EQ(signal.at(2).toString(), QStringLiteral("completed"));
    const auto outcome = finished.front().front().value<JobOutcome>();
    EXPECT_EQ(outcome.title, QStringLiteral("three seeds"));
    EXPECT_EQ(outcome.completed, 3);
    EXPECT_FALSE(outcome.cancelled);
    ASSERT_EQ(outcome.groups.size(), 1u);

    const auto runs = storedRuns();
    ASSERT_EQ(runs.size(), 3u);
    for (size_t i = 0; i < runs.size(); ++i) {
        EXPECT_EQ(runs[i].status, store::RunStatus::Completed);
        EXPECT_EQ(runs[i].seed, static_cast<int64_t>(i + 1));
        EXPECT_EQ(runs[i].configId, outcome.groups.front());
        EXPECT_EQ(stored[static_cast<int>(i)].at(0).toLongLong(), runs[i].id);
    }
}

TEST_F(EvaluationQueueTest, ProgressCountsUpToTheJobsTotal)
{
    test::TinyWorld world(60);
    EvaluationQueue queue(databasePath());
    QSignalSpy progress(&queue, &EvaluationQueue::progress);
    QSignalSpy finished(&queue, &EvaluationQueue::jobFinished);
    queue.enqueue(job(QStringLiteral("progress"), {plan(world, world.model("tiny"), {1, 2, 3}, 7)}));
    ASSERT_TRUE(finished.wait(kWaitMs));

    ASSERT_GE(progress.count(), 3); // at least the first of each run
    int64_t lastOverall = -1;
    int evaluating = 0;
    for (const auto& signal : progress) {
        const auto p = signal.front().value<EvaluationProgress>();
        EXPECT_EQ(p.title, QStringLiteral("progress"));
        EXPECT_EQ(p.runCount, 3);
        if (p.phase != QStringLiteral("evaluating"))
            continue;
        ++evaluating;
        EXPECT_LE(p.itemsDone, p.itemsTotal);
        EXPECT_EQ(p.itemsTotal, 60);
        EXPECT_EQ(p.overallTotal, 180);
        EXPECT_GE(p.overallDone, lastOverall);
        EXPECT_GE(p.itemsPerSecond, 0.0);
        lastOverall = p.overallDone;
    }
    EXPECT_GE(evaluating, 3);
    const auto last = progress.back().front().value<EvaluationProgress>();
    EXPECT_EQ(last.phase, QStringLiteral("evaluating"));
    EXPECT_EQ(last.runIndex, 2);
    EXPECT_EQ(last.itemsDone, last.itemsTotal);
    EXPECT_EQ(last.overallDone, last.overallTotal);
    EXPECT_EQ(last.etaSeconds, 0.0);
}

TEST_F(EvaluationQueueTest, CancelMidRunKeepsCompletedRunsAndStoresTheRunInFlightAsCancelled)
{
    // Batch size 1 over many items: the second run is still going when its progress reaches the
    // GUI thread, so the cancel lands inside it (a run of 100,000 items takes about a second here,
    // against progress signals 50 ms apart).
    test::TinyWorld world(100000);
    EvaluationQueue queue(databasePath());
    QObject::connect(&queue, &EvaluationQueue::progress, &queue, [&](const EvaluationProgress& p) {
        if (p.phase == QStringLiteral("evaluating") && p.runIndex == 1 && p.itemsDone >= 10)
            queue.cancelCurrent();
    });
    QSignalSpy stored(&queue, &EvaluationQueue::runStored);
    QSignalSpy finished(&queue, &EvaluationQueue::jobFinished);
    queue.enqueue(job(QStringLiteral("cancel"), {plan(world, world.model("tiny"), {1, 2, 3}, 1)}));
    ASSERT_TRUE(finished.wait(kWaitMs));

    ASSERT_EQ(stored.count(), 2);
    EXPECT_EQ(stored[0].at(2).toString(), QStringLiteral("completed"));
    EXPECT_EQ(stored[1].at(2).toString(), QStringLiteral("cancelled"));
    const auto outcome = finished.front().front().value<JobOutcome>();
    EXPECT_TRUE(outcome.cancelled);
    EXPECT_EQ(outcome.completed, 1);

    const auto runs = storedRuns();
    ASSERT_EQ(runs.size(), 2u); // no third run
    EXPECT_EQ(runs[0].status, store::RunStatus::Completed);
    EXPECT_EQ(runs[0].seed, 1);
    EXPECT_EQ(runs[1].status, store::RunStatus::Cancelled);
    EXPECT_EQ(runs[1].seed, 2);
}

TEST_F(EvaluationQueueTest, ModelWithTheWrongOutputShapeFailsTheJobAndWritesNothing)
{
    test::TinyWorld world;
    engine::TinyClassifierSpec spec;
    spec.output = engine::TinyClassifierSpec::Output::Vector;
    const auto model = world.model("vector", spec);
    EvaluationQueue queue(databasePath());
    QSignalSpy failed(&queue, &EvaluationQueue::jobFailed);
    QSignalSpy finished(&queue, &EvaluationQueue::jobFinished);
    QSignalSpy stored(&queue, &EvaluationQueue::runStored);
    QSignalSpy idle(&queue, &EvaluationQueue::idle);
    queue.enqueue(job(QStringLiteral("wrong shape"), {plan(world, model, {1, 2})}));
    ASSERT_TRUE(failed.wait(kWaitMs));

    EXPECT_EQ(failed.front().at(0).toString(), QStringLiteral("wrong shape"));
    const QString message = failed.front().at(1).toString();
    EXPECT_TRUE(message.contains(QString::fromStdString(model))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("shape"))) << message.toStdString();
    EXPECT_TRUE(QTest::qWaitFor([&] { return idle.count() == 1; }, kWaitMs));
    EXPECT_EQ(finished.count(), 0);
    EXPECT_EQ(stored.count(), 0);
    EXPECT_TRUE(storedRuns().empty());
    EXPECT_FALSE(queue.busy());
}

TEST_F(EvaluationQueueTest, QueuedJobsRunOneAfterAnotherInOrder)
{
    test::TinyWorld world;
    EvaluationQueue queue(databasePath());
    QSignalSpy started(&queue, &EvaluationQueue::jobStarted);
    QSignalSpy finished(&queue, &EvaluationQueue::jobFinished);
    QSignalSpy idle(&queue, &EvaluationQueue::idle);
    queue.enqueue(job(QStringLiteral("first"), {plan(world, world.model("a"), {1, 2})}));
    engine::TinyClassifierSpec other;
    other.seed = 7;
    queue.enqueue(job(QStringLiteral("second"), {plan(world, world.model("b", other), {1})}));
    EXPECT_EQ(queue.waiting(), 1);

    ASSERT_TRUE(QTest::qWaitFor([&] { return idle.count() == 1; }, kWaitMs));
    ASSERT_EQ(started.count(), 2);
    EXPECT_EQ(started[0].front().toString(), QStringLiteral("first"));
    EXPECT_EQ(started[1].front().toString(), QStringLiteral("second"));
    ASSERT_EQ(finished.count(), 2);
    const auto first = finished[0].front().value<JobOutcome>();
    const auto second = finished[1].front().value<JobOutcome>();
    EXPECT_EQ(first.title, QStringLiteral("first"));
    EXPECT_EQ(first.completed, 2);
    EXPECT_EQ(second.title, QStringLiteral("second"));
    EXPECT_EQ(second.completed, 1);
    EXPECT_NE(first.groups, second.groups);

    const auto runs = storedRuns();
    ASSERT_EQ(runs.size(), 3u);
    EXPECT_EQ(runs[0].configId, first.groups.front());
    EXPECT_EQ(runs[2].configId, second.groups.front());
    EXPECT_FALSE(queue.busy());
    EXPECT_EQ(queue.waiting(), 0);
}

TEST_F(EvaluationQueueTest, CancelAllStopsTheCurrentJobAndDropsTheQueuedOnes)
{
    test::TinyWorld world;
    EvaluationQueue queue(databasePath());
    QSignalSpy started(&queue, &EvaluationQueue::jobStarted);
    QSignalSpy finished(&queue, &EvaluationQueue::jobFinished);
    QSignalSpy idle(&queue, &EvaluationQueue::idle);
    const auto model = world.model("tiny");
    queue.enqueue(job(QStringLiteral("first"), {plan(world, model, {1, 2})}));
    queue.enqueue(job(QStringLiteral("second"), {plan(world, model, {3})}));
    // Before the worker has begun the first job: the cancel still reaches it.
    queue.cancelAll();
    EXPECT_EQ(queue.waiting(), 0);

    ASSERT_TRUE(QTest::qWaitFor([&] { return idle.count() == 1; }, kWaitMs));
    EXPECT_EQ(started.count(), 1);
    ASSERT_EQ(finished.count(), 1);
    EXPECT_TRUE(finished.front().front().value<JobOutcome>().cancelled);
    EXPECT_TRUE(storedRuns().empty());
}

TEST_F(EvaluationQueueTest, AJobAfterACancelledOneRunsNormally)
{
    test::TinyWorld world;
    EvaluationQueue queue(databasePath());
    QSignalSpy finished(&queue, &EvaluationQueue::jobFinished);
    const auto model = world.model("tiny");
    queue.enqueue(job(QStringLiteral("cancelled"), {plan(world, model, {1})}));
    queue.cancelCurrent();
    ASSERT_TRUE(finished.wait(kWaitMs));
    queue.enqueue(job(QStringLiteral("after"), {plan(world, model, {1})}));
    ASSERT_TRUE(QTest::qWaitFor([&] { return finished.count() == 2; }, kWaitMs));
    const auto after = finished[1].front().value<JobOutcome>();
    EXPECT_FALSE(after.cancelled);
    EXPECT_EQ(after.completed, 1);
}

TEST_F(EvaluationQueueTest, AlreadyCompletedSeedsAreCountedAsSkippedNotStoredAgain)
{
    test::TinyWorld world;
    EvaluationQueue queue(databasePath());
    QSignalSpy stored(&queue, &EvaluationQueue::runStored);
    QSignalSpy finished(&queue, &EvaluationQueue::jobFinished);
    const auto model = world.model("tiny");
    queue.enqueue(job(QStringLiteral("once"), {plan(world, model, {1, 2})}));
    queue.enqueue(job(QStringLiteral("again"), {plan(world, model, {2, 3})}));
    ASSERT_TRUE(QTest::qWaitFor([&] { return finished.count() == 2; }, kWaitMs));
    const auto again = finished[1].front().value<JobOutcome>();
    EXPECT_EQ(again.completed, 1);
    EXPECT_EQ(again.skipped, 1);
    EXPECT_EQ(stored.count(), 3);
    EXPECT_EQ(storedRuns().size(), 3u);
}

TEST_F(EvaluationQueueTest, DestroyingTheQueueMidRunCancelsAndWaits)
{
    test::TinyWorld world(20000);
    auto queue = std::make_unique<EvaluationQueue>(databasePath());
    QSignalSpy progress(queue.get(), &EvaluationQueue::progress);
    queue->enqueue(job(QStringLiteral("long"), {plan(world, world.model("tiny"), {1, 2, 3}, 1)}));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return !progress.isEmpty() &&
                   progress.back().front().value<EvaluationProgress>().phase == QStringLiteral("evaluating");
        },
        kWaitMs));
    queue.reset();

    const auto runs = storedRuns();
    ASSERT_FALSE(runs.empty());
    EXPECT_LT(runs.size(), 3u);
    EXPECT_EQ(runs.back().status, store::RunStatus::Cancelled); // never left `running`
}

} // namespace
} // namespace nf::ui
