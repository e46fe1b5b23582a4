// The job class every page, dialog and the evaluation queue run their background work with:
// results and failures come back as queued signals, a superseded job's are dropped, cancel reaches
// the work, and the work's Store is its own.

#include "core/scratch_dir.h"
#include "jobs/job.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <stdexcept>

namespace nf::ui {
namespace {

constexpr int kWaitMs = 30000; // a bound for a loaded machine, never a timing assertion

// Holds a work until the test lets it go.
struct Gate
{
    std::atomic<bool> open{false};
    std::atomic<bool> entered{false};
    std::atomic<bool> left{false};
    void pass()
    {
        entered = true;
        while (!open.load())
            QThread::msleep(1);
    }
};

TEST(Job, FinishedCarriesTheResultOfTheWork)
{
    Job<int> job;
    QSignalSpy finished(&job, &JobBase::finished);
    job.start([](JobContext&) { return 42; });
    EXPECT_TRUE(job.busy());
    ASSERT_TRUE(finished.wait(kWaitMs));
    EXPECT_FALSE(job.busy());
    ASSERT_TRUE(job.result());
    EXPECT_EQ(*job.result(), 42);
    EXPECT_EQ(job.takeResult(), 42);
    EXPECT_FALSE(job.result());
}

TEST(Job, WorkThatThrowsEndsInFailedWithItsMessage)
{
    Job<int> job;
    QSignalSpy finished(&job, &JobBase::finished);
    QSignalSpy failed(&job, &JobBase::failed);
    job.start([](JobContext&) -> int { throw std::runtime_error("model.pt: not a TorchScript file"); });
    ASSERT_TRUE(failed.wait(kWaitMs));
    EXPECT_EQ(failed.front().front().toString(), QStringLiteral("model.pt: not a TorchScript file"));
    EXPECT_EQ(finished.count(), 0);
    EXPECT_FALSE(job.busy());
    EXPECT_FALSE(job.result());
}

TEST(Job, StartingAnotherDropsEverythingTheSupersededWorkReports)
{
    Job<int> job;
    QSignalSpy finished(&job, &JobBase::finished);
    QSignalSpy progress(&job, &JobBase::progress);
    auto gate = std::make_shared<Gate>();
    auto cancelSeen = std::make_shared<std::atomic<bool>>(false);
    job.start([gate, cancelSeen](JobContext& context) {
        gate->pass();
        *cancelSeen = context.cancelRequested();
        context.reportProgress(1, 2);
        gate->left = true;
        return 1;
    });
    ASSERT_TRUE(QTest::qWaitFor([&] { return gate->entered.load(); }, kWaitMs));
    job.start([](JobContext&) { return 2; });
    ASSERT_TRUE(finished.wait(kWaitMs));
    gate->open = true;
    ASSERT_TRUE(QTest::qWaitFor([&] { return gate->left.load(); }, kWaitMs));
    QCoreApplication::processEvents(); // what the first work posted, were it posted
    QTest::qWait(20);

    EXPECT_TRUE(*cancelSeen); // the superseded work was asked to stop
    EXPECT_EQ(finished.count(), 1);
    EXPECT_EQ(progress.count(), 0);
    EXPECT_EQ(*job.result(), 2);
}

TEST(Job, CancelReachesTheWorkWhichStillFinishesWithWhatItDid)
{
    Job<int> job;
    QSignalSpy finished(&job, &JobBase::finished);
    auto gate = std::make_shared<Gate>();
    job.start([gate](JobContext& context) {
        gate->pass();
        return context.cancelRequested() ? -1 : 1;
    });
    job.cancel();
    gate->open = true;
    ASSERT_TRUE(finished.wait(kWaitMs));
    EXPECT_EQ(*job.result(), -1);

    // A cancel belongs to the work it was meant for: the next start begins uncancelled.
    job.start([](JobContext& context) { return context.cancelRequested() ? -1 : 1; });
    ASSERT_TRUE(finished.wait(kWaitMs));
    EXPECT_EQ(*job.result(), 1);
}

TEST(Job, DiscardIsNotBusyAtOnceAndDropsTheResult)
{
    Job<int> job;
    QSignalSpy finished(&job, &JobBase::finished);
    auto gate = std::make_shared<Gate>();
    job.start([gate](JobContext&) {
        gate->pass();
        gate->left = true;
        return 1;
    });
    job.discard();
    EXPECT_FALSE(job.busy());
    gate->open = true;
    ASSERT_TRUE(QTest::qWaitFor([&] { return gate->left.load(); }, kWaitMs));
    job.waitForFinished();
    QCoreApplication::processEvents();
    EXPECT_EQ(finished.count(), 0);
}

TEST(Job, ProgressArrivesInOrderBeforeFinished)
{
    Job<int> job;
    QList<qint64> seen;
    QObject::connect(&job, &JobBase::progress, &job, [&](qint64 done, qint64 total) {
        EXPECT_EQ(total, 3);
        seen << done;
    });
    QSignalSpy finished(&job, &JobBase::finished);
    job.start([](JobContext& context) {
        for (int done = 1; done <= 3; ++done)
            context.reportProgress(done, 3);
        return 0;
    });
    ASSERT_TRUE(finished.wait(kWaitMs));
    EXPECT_EQ(seen, (QList<qint64>{1, 2, 3}));
}

TEST(Job, TheWorkOpensItsOwnStoreOnItsOwnThread)
{
    test::ScratchDir dir;
    const auto path = dir / "jobs.sqlite";
    store::Store(path).setSetting("answer", "42");

    Job<std::string> job(JobBase::Thread::Own);
    job.setDatabasePath(QString::fromStdString(path.string()));
    QSignalSpy finished(&job, &JobBase::finished);
    QThread* const gui = QThread::currentThread();
    job.start([gui](JobContext& context) {
        if (QThread::currentThread() == gui)
            throw std::runtime_error("ran on the GUI thread");
        context.store().setSetting("written", "by the job");
        return context.readOnlyStore().setting("answer").value_or("");
    });
    ASSERT_TRUE(finished.wait(kWaitMs));
    EXPECT_EQ(*job.result(), "42");
    EXPECT_EQ(store::Store(path, store::OpenMode::ReadOnly).setting("written"), "by the job");
}

TEST(Job, WorkWithoutADatabaseThatAsksForAStoreFails)
{
    Job<int> job;
    QSignalSpy failed(&job, &JobBase::failed);
    job.start([](JobContext& context) { return static_cast<int>(context.store().runs().size()); });
    ASSERT_TRUE(failed.wait(kWaitMs));
}

TEST(Job, DestroyingAJobOnItsOwnThreadCancelsAndWaitsForTheWork)
{
    auto job = std::make_unique<Job<int>>(JobBase::Thread::Own);
    auto gate = std::make_shared<Gate>();
    auto sawCancel = std::make_shared<std::atomic<bool>>(false);
    job->start([gate, sawCancel](JobContext& context) {
        gate->entered = true;
        while (!context.cancelRequested())
            QThread::msleep(1);
        *sawCancel = true;
        return 0;
    });
    ASSERT_TRUE(QTest::qWaitFor([&] { return gate->entered.load(); }, kWaitMs));
    job.reset();
    EXPECT_TRUE(*sawCancel);
}

} // namespace
} // namespace nf::ui
