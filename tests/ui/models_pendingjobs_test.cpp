// Cluster submissions in the run browser's model: which jobs show, which of their tasks, in what
// words, and the rows' shape (QAbstractItemModelTester, keys that survive a refresh).

#include "core/scratch_dir.h"
#include "models/browserdata.h"
#include "models/pendingjobs.h"
#include "models/runbrowsermodel.h"
#include "models/runfilterproxy.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QIcon>

using namespace nf;
using namespace nf::ui;

namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

struct JobStore
{
    JobStore()
    {
        store::JobRow row;
        row.arrayId = "4242";
        row.shardsDir = (dir / "shards" / "slurm-1").string();
        row.planJson = R"({"model_label":"tiny.pt","task":"fashion-mnist:test","seeds":[[1],[2],[3]]})";
        row.nTasks = 3;
        row.nRuns = 3;
        row.state = "running";
        row.submittedAt = "2026-12-07T10:00:00Z";
        job = row;
        job.id = db.addJob(row);
    }

    void collected(int64_t task, int exitCode, const std::string& suffix = {})
    {
        store::JobShardRow shard;
        shard.jobId = job.id;
        shard.name = "task-" + std::to_string(task) + suffix;
        shard.task = task;
        shard.exitCode = exitCode;
        db.addJobShard(shard);
    }

    test::ScratchDir dir;
    store::Store db{dir / "runs.sqlite"};
    store::JobRow job;
};

cluster::TaskStatus task(int64_t index, const std::string& state, const std::string& node = {})
{
    cluster::TaskStatus status;
    status.task = index;
    status.seeds = {index + 1};
    status.state = state;
    status.node = node;
    return status;
}

TEST(PendingJobs, AJobShowsUntilEveryTaskHasCompletedAndBeenCollected)
{
    JobStore s;
    auto pending = loadPendingJobs(s.db, {});
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].modelLabel, "tiny.pt");
    EXPECT_EQ(pending[0].task, "fashion-mnist:test");
    EXPECT_FALSE(pending[0].polled);
    EXPECT_TRUE(pending[0].inFlight());
    ASSERT_EQ(tasksToShow(pending[0]).size(), 3u);
    EXPECT_EQ(taskStateText(*tasksToShow(pending[0])[0]), "submitted to Slurm");

    s.collected(0, 0);
    s.collected(1, 1);
    pending = loadPendingJobs(s.db, {});
    ASSERT_EQ(pending.size(), 1u);
    // Task 0 is a run now; task 1 failed and stays to say so.
    const auto shown = tasksToShow(pending[0]);
    ASSERT_EQ(shown.size(), 2u);
    EXPECT_EQ(shown[0]->task, 1);
    EXPECT_EQ(taskStateText(*shown[0]), "failed (exit 1)");
    EXPECT_EQ(shown[1]->task, 2);

    s.collected(2, 0);
    s.collected(1, 0, ".r1"); // its requeue completed
    EXPECT_TRUE(loadPendingJobs(s.db, {}).empty());
}

TEST(PendingJobs, ARemovedJobAndAnEndedCancelledOneAreNotShown)
{
    JobStore s;
    dismissJob(s.db, s.job.id);
    EXPECT_EQ(dismissedJobs(s.db), std::set<int64_t>{s.job.id});
    EXPECT_TRUE(loadPendingJobs(s.db, {}).empty());

    JobStore cancelled;
    cancelled.db.setJobState(cancelled.job.id, "cancelled", "cancelled", "");
    cluster::JobStatus status;
    status.job = *cancelled.db.job(cancelled.job.id);
    status.state = "cancelled";
    status.tasks = {task(0, "running", "node1"), task(1, "cancelled"), task(2, "cancelled")};
    status.running = 1;
    // Still ending: shown, and asked after again.
    auto pending = loadPendingJobs(cancelled.db, {{cancelled.job.id, status}});
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_TRUE(pending[0].inFlight());
    status.tasks[0].state = "cancelled";
    status.running = 0;
    EXPECT_TRUE(loadPendingJobs(cancelled.db, {{cancelled.job.id, status}}).empty());
}

TEST(PendingJobs, TaskStatesReadAsWords)
{
    EXPECT_EQ(taskStateText(task(0, "pending")), "pending (Slurm)");
    auto requeued = task(0, "pending");
    requeued.slurmState = "REQUEUED";
    EXPECT_EQ(taskStateText(requeued), "pending (Slurm: REQUEUED)");
    EXPECT_EQ(taskStateText(task(0, "running", "gpu-07")), "running on gpu-07");
    auto failed = task(0, "failed");
    failed.message = "noisefloor-cli: error: Model not found: /models/gone.pt";
    EXPECT_EQ(taskStateText(failed), "failed: Model not found: /models/gone.pt");
    auto completed = task(0, "completed");
    EXPECT_EQ(taskStateText(completed), "completed, to collect");
    EXPECT_EQ(taskStateText(task(0, "timeout")), "timed out (the Slurm time limit)");
    EXPECT_EQ(seedsText({3}), "seed 3");
    EXPECT_EQ(seedsText({3, 4}), "seeds 3, 4");
}

TEST(RunBrowserModelJobs, PendingRowsAreAValidTreeWithKeysThatSurviveARefresh)
{
    JobStore s;
    cluster::JobStatus status;
    status.job = s.job;
    status.state = "running";
    status.tasks = {task(0, "running", "node7"), task(1, "pending"), task(2, "completed")};
    status.tasks[2].collected = true;
    status.running = 1;
    status.pending = 1;
    status.completed = 1;
    status.schedulerAnswered = true;
    BrowserData data;
    data.jobs = loadPendingJobs(s.db, {{s.job.id, status}});

    RunBrowserModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    model.setBrowserData(data);
    ASSERT_EQ(model.rowCount(), 1);
    const QModelIndex job = model.index(0, 0);
    EXPECT_EQ(RunBrowserModel::kindOf(job), RunBrowserModel::Kind::Job);
    EXPECT_EQ(job.data(RunBrowserModel::JobIdRole).toLongLong(), s.job.id);
    EXPECT_EQ(job.data().toString(),
              QStringLiteral("Slurm job %1 · tiny.pt on fashion-mnist:test").arg(s.job.id));
    EXPECT_EQ(job.siblingAtColumn(RunBrowserModel::StatusColumn).data().toString(),
              QStringLiteral("1 running, 1 pending, 1 completed"));
    EXPECT_TRUE(job.data(Qt::ToolTipRole).toString().contains(QStringLiteral("array 4242")));
    // The completed and collected task is a run: two rows.
    ASSERT_EQ(model.rowCount(job), 2);
    const QModelIndex running = model.index(0, 0, job);
    EXPECT_EQ(RunBrowserModel::kindOf(running), RunBrowserModel::Kind::PendingRun);
    EXPECT_EQ(running.data().toString(), QStringLiteral("seed 1 · running on node7"));
    EXPECT_FALSE(running.data(Qt::DecorationRole).value<QIcon>().isNull());
    EXPECT_TRUE(running.data(Qt::ToolTipRole).toString().contains(QStringLiteral("logs/task-0.log")));
    EXPECT_FALSE(running.data(RunBrowserModel::GroupIdRole).isValid());

    const QString jobKey = RunBrowserModel::nodeKey(job);
    const QString taskKey = RunBrowserModel::nodeKey(model.index(1, 0, job));
    EXPECT_EQ(jobKey, QStringLiteral("job:%1").arg(s.job.id));
    EXPECT_EQ(taskKey, QStringLiteral("pending:%1/1").arg(s.job.id));
    model.setBrowserData(data);
    EXPECT_EQ(model.indexForNodeKey(jobKey), model.index(0, 0));
    EXPECT_EQ(model.indexForNodeKey(taskKey), model.index(1, 0, model.index(0, 0)));

    // The filter finds a pending row by its node.
    RunFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.setFilterText(QStringLiteral("node7"));
    ASSERT_EQ(proxy.rowCount(), 1);
    EXPECT_EQ(proxy.rowCount(proxy.index(0, 0)), 1);
}

} // namespace
