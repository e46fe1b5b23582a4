// Cluster submissions in the main window, against stand-ins for Slurm's programs
// (cluster_fixture.h): a submitted job shows as pending rows with each task's state, a shard that
// appears is collected and its rows become runs, and Cancel on a pending job calls scancel. Polls
// are asked for (ClusterWatch::pollNow) and waited for, except where the timer's own poll is what
// is checked.

#include "cluster/jobs.h"
#include "cluster_fixture.h"
#include "engine/fixture.h"
#include "engine/plan_check.h"
#include "models/runbrowsermodel.h"
#include "store/store.h"
#include "window/clusterwatch.h"
#include "window/mainwindow.h"

#include <gtest/gtest.h>

#include <QTest>
#include <QTreeView>
#include <fstream>

namespace nf::ui {
namespace {

namespace fs = std::filesystem;

constexpr int kWaitMs = 60000; // a bound for a loaded machine, never a timing assertion

class ClusterWindowTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_plan.modelPath = m_world.model("tiny");
        m_plan.taskSpec = m_world.taskSpec();
        m_plan.seeds = {1, 2};
        m_plan.config.device = "cpu";
        m_plan.config.batchSize = 16;
        m_plan = engine::checkPlanFiles(m_plan);
        // Submitted as `noisefloor-cli submit --slurm` does it: one task per seed.
        store::Store db(database());
        cluster::Submission submission;
        submission.plan = m_plan;
        submission.taskSeeds = cluster::splitSeeds(m_plan.seeds, 1);
        submission.slurm.cli = "/opt/noisefloor/bin/noisefloor-cli";
        submission.database = database();
        m_job = cluster::submit(db, submission, m_data / "shards", false).job;
    }

    fs::path database() const { return m_data / "runs.sqlite"; }

    // What a finished array task leaves: its seeds run into a shard database of its own, and
    // the status file the job script writes, renamed into place whole as the script does (a
    // poll may come at any moment).
    void leaveShard(int64_t task, int64_t seed)
    {
        const std::string name = "task-" + std::to_string(task);
        const fs::path folder = fs::path(m_job.shardsDir) / (".partial-" + name);
        fs::create_directories(folder);
        {
            store::Store shard(folder / "shard.sqlite");
            engine::RunPlan plan = m_plan;
            plan.seeds = {seed};
            std::vector<engine::Evaluation> evaluations;
            evaluations.emplace_back(plan);
            engine::RepeatRunner runner(shard, nullptr, nullptr);
            ASSERT_EQ(runner.run(evaluations).outcomes.size(), 1u);
        }
        std::ofstream(folder / "status") << "task=" << task << "\nexit_code=0\nnode=node1\n";
        fs::rename(folder, fs::path(m_job.shardsDir) / name);
    }

    bool openWindow(MainWindow& window)
    {
        QString error;
        if (!window.openDatabase(QString::fromStdString(database().string()), &error, false)) {
            ADD_FAILURE() << error.toStdString();
            return false;
        }
        return waitForPoll(window);
    }

    static bool waitForPoll(MainWindow& window)
    {
        return QTest::qWaitFor([&] { return !window.clusterWatch()->polling(); }, kWaitMs);
    }

    static void pollNow(MainWindow& window)
    {
        window.clusterWatch()->pollNow();
        ASSERT_TRUE(waitForPoll(window));
    }

    // Every row of the browser as "NAME | STATUS", depth first.
    static QStringList rows(const MainWindow& window)
    {
        const auto* view = window.findChild<QTreeView*>(QStringLiteral("runBrowser"));
        QStringList out;
        if (!view)
            return out;
        const QAbstractItemModel& model = *view->model();
        std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
            for (int row = 0; row < model.rowCount(parent); ++row) {
                const QModelIndex index = model.index(row, 0, parent);
                out << index.data().toString() + QStringLiteral(" | ") +
                           index.siblingAtColumn(RunBrowserModel::StatusColumn).data().toString();
                walk(index);
            }
        };
        walk({});
        return out;
    }

    static bool hasRow(const MainWindow& window, const QString& prefix)
    {
        const QStringList all = rows(window);
        return std::any_of(all.begin(), all.end(),
                           [&](const QString& row) { return row.startsWith(prefix); });
    }

    test::FakeSlurm m_slurm;
    test::ScratchDir m_data;
    test::TinyWorld m_world;
    engine::RunPlan m_plan;
    store::JobRow m_job;
};

TEST_F(ClusterWindowTest, ASubmittedJobShowsAPendingRowPerTaskWithItsSlurmState)
{
    m_slurm.setQueue("0|RUNNING|node1\n1|PENDING|\n");
    MainWindow window;
    ASSERT_TRUE(openWindow(window));
    const QStringList all = rows(window);
    ASSERT_EQ(all.size(), 3) << all.join(u'\n').toStdString();
    EXPECT_TRUE(all[0].startsWith(QStringLiteral("Slurm job %1 · tiny.pt on idx:").arg(m_job.id)))
        << all[0].toStdString();
    EXPECT_TRUE(all[0].endsWith(QStringLiteral("| 1 running, 1 pending"))) << all[0].toStdString();
    EXPECT_EQ(all[1], QStringLiteral("seed 1 · running on node1 | running on node1"));
    EXPECT_EQ(all[2], QStringLiteral("seed 2 · pending (Slurm) | pending (Slurm)"));
}

TEST_F(ClusterWindowTest, AShardThatAppearsIsCollectedAndItsRowBecomesARun)
{
    m_slurm.setQueue("0|RUNNING|node1\n1|PENDING|\n");
    MainWindow window;
    ASSERT_TRUE(openWindow(window));
    leaveShard(0, 1);
    m_slurm.setQueue("1|RUNNING|node2\n");
    pollNow(window);

    EXPECT_TRUE(hasRow(window, QStringLiteral("run 1 · seed 1 | completed")))
        << rows(window).join(u'\n').toStdString();
    EXPECT_FALSE(hasRow(window, QStringLiteral("seed 1 ·")));
    EXPECT_TRUE(hasRow(window, QStringLiteral("seed 2 · running on node2")));
    store::Store db(database(), store::OpenMode::ReadOnly);
    ASSERT_EQ(db.jobShards(m_job.id).size(), 1u);
    EXPECT_EQ(db.runs().size(), 1u);

    // The last task's shard: the job is all runs now and leaves the list.
    leaveShard(1, 2);
    m_slurm.setQueue("");
    pollNow(window);
    EXPECT_TRUE(hasRow(window, QStringLiteral("run 2 · seed 2 | completed")));
    EXPECT_FALSE(hasRow(window, QStringLiteral("Slurm job"))) << rows(window).join(u'\n').toStdString();
}

TEST_F(ClusterWindowTest, TheTimerCollectsNewShardsWithoutBeingAsked)
{
    m_slurm.setQueue("0|RUNNING|node1\n1|RUNNING|node1\n");
    MainWindow window;
    ASSERT_TRUE(openWindow(window));
    window.clusterWatch()->setPollIntervalMs(20);
    window.clusterWatch()->pollNow(); // starts the timer with the new interval
    leaveShard(0, 1);
    EXPECT_TRUE(QTest::qWaitFor([&] { return hasRow(window, QStringLiteral("run 1 · seed 1")); }, kWaitMs))
        << rows(window).join(u'\n').toStdString();
}

TEST_F(ClusterWindowTest, AFailedTaskShowsItsErrorUntilTheJobIsRemovedFromTheList)
{
    const fs::path folder = fs::path(m_job.shardsDir) / "task-1";
    fs::create_directories(folder);
    std::ofstream(folder / "status") << "task=1\nexit_code=2\n";
    std::ofstream(cluster::taskLogPath(m_job.shardsDir, 1))
        << "noisefloor-cli: error: Model not found: /gone.pt\n";
    leaveShard(0, 1);
    m_slurm.setQueue("");
    MainWindow window;
    ASSERT_TRUE(openWindow(window));
    EXPECT_TRUE(hasRow(window, QStringLiteral("seed 2 · failed: Model not found: /gone.pt")))
        << rows(window).join(u'\n').toStdString();
    EXPECT_TRUE(hasRow(window, QStringLiteral("run 1 · seed 1")));

    window.clusterWatch()->dismissJob(m_job.id);
    EXPECT_FALSE(hasRow(window, QStringLiteral("Slurm job")));
    EXPECT_TRUE(hasRow(window, QStringLiteral("run 1 · seed 1")));
}

TEST_F(ClusterWindowTest, CancelOnAPendingJobCallsScancel)
{
    m_slurm.setQueue("0|PENDING|\n1|PENDING|\n");
    MainWindow window;
    ASSERT_TRUE(openWindow(window));
    window.clusterWatch()->cancelJob(m_job.id, /*confirm=*/false);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !m_slurm.scancelLog().empty(); }, kWaitMs));
    EXPECT_EQ(m_slurm.scancelLog(), m_job.arrayId + "\n");
    // scancel has stopped the tasks: the scheduler lists none, and none left a shard.
    m_slurm.setQueue("");
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return store::Store(database(), store::OpenMode::ReadOnly).job(m_job.id)->state == "cancelled";
        },
        kWaitMs));
    pollNow(window);
    EXPECT_FALSE(hasRow(window, QStringLiteral("Slurm job"))) << rows(window).join(u'\n').toStdString();
}

} // namespace
} // namespace nf::ui
