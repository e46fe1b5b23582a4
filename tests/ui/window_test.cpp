// The main window driven as a user drives it: a database with known runs, the browser, the
// charts' points and zone colours, the Compare verdict; evaluations started from the dialog,
// cancelled mid-way, and refused for bad input.

#include "charts/distributionchart.h"
#include "charts/historychart.h"
#include "engine/fixture.h"
#include "groupanalysis.h"
#include "models/runbrowsermodel.h"
#include "pages/comparepage.h"
#include "pages/distributionpage.h"
#include "pages/historypage.h"
#include "window_fixture.h"
#include "window/mainwindow.h"
#include "worker/evaluationqueue.h"
#include "zonestyle.h"

#include "dialogs/newevaluationdialog.h"

#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

#include <gtest/gtest.h>

namespace nf::ui {
namespace {

using test::WindowFixture;

QModelIndex findRow(const QAbstractItemModel& model, const QString& prefix, const QModelIndex& parent = {})
{
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, 0, parent);
        if (index.data().toString().startsWith(prefix))
            return index;
        if (const QModelIndex found = findRow(model, prefix, index); found.isValid())
            return found;
    }
    return {};
}

int countRuns(const QAbstractItemModel& model, const QModelIndex& parent = {})
{
    int runs = 0;
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, 0, parent);
        runs += RunBrowserModel::kindOf(index) == RunBrowserModel::Kind::Run ? 1 : 0;
        runs += countRuns(model, index);
    }
    return runs;
}

QString statusOf(const QAbstractItemModel& model, int64_t runId, const QModelIndex& parent = {})
{
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, 0, parent);
        if (RunBrowserModel::kindOf(index) == RunBrowserModel::Kind::Run &&
            index.data(RunBrowserModel::RunIdRole).toLongLong() == runId)
            return index.data(RunBrowserModel::StatusRole).toString();
        if (const QString found = statusOf(model, runId, index); !found.isEmpty())
            return found;
    }
    return {};
}

// A message box the window or a dialog opened (non-blocking), or nullptr.
QMessageBox* openMessageBox(const QString& objectName)
{
    for (QWidget* widget : QApplication::topLevelWidgets())
        for (auto* box : widget->findChildren<QMessageBox*>(objectName))
            if (box->isVisible())
                return box;
    return nullptr;
}

TEST(MainWindow, ShowsTheKnownRunsInTheBrowser)
{
    WindowFixture fixture;
    MainWindow window;
    ASSERT_TRUE(window.openDatabase(QString::fromStdString(fixture.path().string())));
    auto* browser = window.findChild<QTreeView*>(QStringLiteral("runBrowser"));
    ASSERT_NE(browser, nullptr);
    const auto& model = *browser->model();
    EXPECT_EQ(model.rowCount(), 2); // two models
    EXPECT_TRUE(findRow(model, QStringLiteral("model A")).isValid());
    EXPECT_TRUE(findRow(model, QStringLiteral("model B")).isValid());
    EXPECT_EQ(countRuns(model), 10);
    const QModelIndex groupA = findRow(model, QStringLiteral("group %1").arg(fixture.groupA));
    ASSERT_TRUE(groupA.isValid());
    EXPECT_EQ(model.rowCount(groupA), 5);
}

TEST(MainWindow, DistributionDrawsEveryRunInItsZoneColour)
{
    WindowFixture fixture;
    MainWindow window;
    ASSERT_TRUE(fixture.showBothOnDistribution(window));

    const auto points = window.distributionPage()->chart()->plottedRuns();
    int inA = 0, inB = 0;
    std::map<int64_t, QColor> colour;
    for (const auto& point : points) {
        inA += point.groupId == fixture.groupA ? 1 : 0;
        inB += point.groupId == fixture.groupB ? 1 : 0;
        colour[point.runId] = point.color;
    }
    EXPECT_EQ(inA, 5);
    EXPECT_EQ(inB, 5);
    // Group A's runs: 80.0, 80.5, 81.5, 77.0, 86.0 around the median 80.5. On 200 items its own
    // seed noise (0.88 points, 1.73 at 95%) outweighs the 1-point watch threshold, so the zones
    // are 2, 3 and 4 noise units (1.77, 2.65, 3.53 points): -0.5, 0 and +1.0 are normal, -3.5
    // elevated, +5.5 suspicious.
    const GroupAnalysis a = analyzeGroup(*window.store(), fixture.groupA);
    EXPECT_EQ(a.zones.unit, stats::ZoneUnit::Noise);
    EXPECT_EQ(colour[fixture.runsA[0]], zoneColor(stats::Zone::Normal));
    EXPECT_EQ(colour[fixture.runsA[1]], zoneColor(stats::Zone::Normal));
    EXPECT_EQ(colour[fixture.runsA[2]], zoneColor(stats::Zone::Normal));
    EXPECT_EQ(colour[fixture.runsA[3]], zoneColor(stats::Zone::Elevated));
    EXPECT_EQ(colour[fixture.runsA[4]], zoneColor(stats::Zone::Suspicious));
    // Every run, of both groups, in the colour of the zone its summary gives it.
    for (const int64_t group : {fixture.groupA, fixture.groupB}) {
        const GroupAnalysis analysis = analyzeGroup(*window.store(), group);
        for (const auto& run : analysis.runs) {
            if (const auto* stat = analysis.findRunStat(run.id)) {
                EXPECT_EQ(colour[run.id], zoneColor(stat->zone)) << "run " << run.id;
            }
        }
    }
}

TEST(MainWindow, HiddenRunsLeaveTheChartsAndDeletedRunsLeaveTheStatistics)
{
    WindowFixture fixture;
    MainWindow window;
    ASSERT_TRUE(window.openDatabase(QString::fromStdString(fixture.path().string())));
    window.selectGroups({fixture.groupA});
    window.setRunsHidden({fixture.runsA[4]}, true);
    EXPECT_EQ(window.distributionPage()->chart()->plottedRuns().size(), 4);
    ASSERT_TRUE(window.deleteRuns({fixture.runsA[3]}, /*confirm=*/false));
    window.selectGroups({fixture.groupA});
    EXPECT_EQ(window.distributionPage()->chart()->plottedRuns().size(), 3);
    EXPECT_EQ(window.store()->group(fixture.groupA)->accuracies.size(), 4u); // the hidden run still counts
}

TEST(MainWindow, ClickingAPointSelectsItsRunInTheBrowser)
{
    WindowFixture fixture;
    MainWindow window;
    ASSERT_TRUE(window.openDatabase(QString::fromStdString(fixture.path().string())));
    window.resize(1200, 800);
    window.show();
    window.selectGroups({fixture.groupA, fixture.groupB});
    Q_EMIT window.distributionPage()->chart()->runClicked(fixture.runsB[2]);
    auto* browser = window.findChild<QTreeView*>(QStringLiteral("runBrowser"));
    const QModelIndex current = browser->currentIndex();
    EXPECT_EQ(current.data(RunBrowserModel::RunIdRole).toLongLong(), fixture.runsB[2]);
    // The charts keep both groups: a click picks a run, it does not narrow the view.
    EXPECT_EQ(window.selectedGroups().size(), 2);
    EXPECT_TRUE(window.findChild<QLabel*>(QStringLiteral("runDetails"))->text().contains(
        QStringLiteral("run %1").arg(fixture.runsB[2])));
}

TEST(MainWindow, CompareCallsBARealImprovementOverA)
{
    WindowFixture fixture;
    MainWindow window;
    ASSERT_TRUE(window.openDatabase(QString::fromStdString(fixture.path().string())));
    window.selectGroups({fixture.groupA, fixture.groupB});
    window.showTab(MainWindow::Tab::Compare);
    auto* page = window.comparePage();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !page->busy() && page->comparison().has_value(); }, 20000));
    EXPECT_EQ(page->comparison()->verdict, stats::Verdict::Improvement);
    EXPECT_TRUE(page->verdictText().startsWith(QStringLiteral("real improvement of 9.20 points")))
        << page->verdictText().toStdString();
    EXPECT_NEAR(page->comparison()->delta * 100, 90.2 - 81.0, 1e-9);
    const QString report = page->markdownReport(QStringLiteral("chart.png"));
    EXPECT_TRUE(report.contains(QStringLiteral("**Verdict: ") + page->verdictText() + QStringLiteral(".**")));
    EXPECT_TRUE(report.contains(QStringLiteral("- **Does it matter?** (difference that matters 1.00 points) yes:")))
        << report.toStdString();
    EXPECT_TRUE(report.contains(QStringLiteral("![The two groups' runs and zones](<chart.png>)")));
}

TEST(MainWindow, NoticesRunsAnotherProcessWrites)
{
    WindowFixture fixture;
    MainWindow window;
    ASSERT_TRUE(window.openDatabase(QString::fromStdString(fixture.path().string())));
    QSignalSpy refreshed(&window, &MainWindow::refreshed);
    {
        store::Store other(fixture.path()); // as a CLI run or an import would
        WindowFixture::add(other, fixture.groupA, 1, 165, 40);
    }
    ASSERT_TRUE(refreshed.wait(5000));
    auto* browser = window.findChild<QTreeView*>(QStringLiteral("runBrowser"));
    EXPECT_EQ(countRuns(*browser->model()), 11);
}

TEST(MainWindow, TaggingARunAnotherProcessDeletedSaysSoInsteadOfCrashing)
{
    WindowFixture fixture;
    MainWindow window;
    ASSERT_TRUE(window.openDatabase(QString::fromStdString(fixture.path().string())));
    window.selectGroups({fixture.groupA});
    auto* browser = window.findChild<QTreeView*>(QStringLiteral("runBrowser"));
    const QModelIndex run = findRow(*browser->model(), QStringLiteral("run %1 ").arg(fixture.runsA[0]));
    ASSERT_TRUE(run.isValid());
    {
        store::Store other(fixture.path());
        other.deleteRun(fixture.runsA[0]);
    }
    const QModelIndex tags = run.siblingAtColumn(RunBrowserModel::TagsColumn);
    browser->model()->setData(tags, QStringLiteral("baseline"));
    QMessageBox* box = nullptr;
    ASSERT_TRUE(QTest::qWaitFor([&] { return (box = openMessageBox(QStringLiteral("errorMessage"))) != nullptr; }, 5000));
    EXPECT_TRUE(box->text().contains(QStringLiteral("run %1").arg(fixture.runsA[0]))) << box->text().toStdString();
    box->close();
    ASSERT_TRUE(QTest::qWaitFor([&] { return countRuns(*browser->model()) == 9; }, 5000)); // the refresh drops it
}

class WindowEvaluation : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(window.openDatabase(QString::fromStdString((world / "runs.sqlite").string())));
        window.show();
    }

    // Opens the New-evaluation dialog from the window and fills it with `plan`.
    NewEvaluationDialog* openDialog(const engine::RunPlan& plan)
    {
        window.newEvaluation();
        auto* dialog = window.findChild<NewEvaluationDialog*>();
        if (dialog)
            dialog->setPlan(plan);
        return dialog;
    }

    engine::RunPlan plan(const std::string& model, std::vector<int64_t> seeds, int batchSize, int64_t limit)
    {
        engine::RunPlan plan;
        plan.modelPath = model;
        plan.modelLabel = "tiny";
        plan.taskSpec = world.taskSpec();
        plan.config.device = "cpu";
        plan.config.batchSize = batchSize;
        plan.config.limit = limit;
        plan.seeds = std::move(seeds);
        return plan;
    }

    test::TinyWorld world{100000};
    MainWindow window;
};

TEST_F(WindowEvaluation, RunsStartedFromTheDialogLandInTheBrowser)
{
    auto* dialog = openDialog(plan(world.model("tiny"), {1, 2, 3}, 64, 300));
    ASSERT_NE(dialog, nullptr);
    QSignalSpy finished(window.evaluations(), &EvaluationQueue::jobFinished);
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("startButton")), Qt::LeftButton);
    ASSERT_TRUE(finished.wait(60000));
    auto* browser = window.findChild<QTreeView*>(QStringLiteral("runBrowser"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return countRuns(*browser->model()) == 3; }, 5000));
    EXPECT_EQ(window.store()->runs({}).size(), 3u);
    for (const auto& run : window.store()->runs({}))
        EXPECT_EQ(statusOf(*browser->model(), run.id), QStringLiteral("completed"));
}

TEST_F(WindowEvaluation, CancelMidRunKeepsCompletedRunsAndShowsTheCancelledOne)
{
    auto* dialog = openDialog(plan(world.model("tiny"), {1, 2, 3}, 1, 0));
    ASSERT_NE(dialog, nullptr);
    // Batch size 1 over 100,000 items (a few seconds a run): the second run is cancelled from its own progress, early on.
    bool cancelled = false;
    QObject::connect(window.evaluations(), &EvaluationQueue::progress, &window, [&](const EvaluationProgress& progress) {
        if (!cancelled && progress.runIndex == 1 && progress.itemsDone >= 10) {
            cancelled = true;
            window.findChild<QPushButton*>(QStringLiteral("cancelButton"))->click();
        }
    });
    QSignalSpy finished(window.evaluations(), &EvaluationQueue::jobFinished);
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("startButton")), Qt::LeftButton);
    ASSERT_TRUE(finished.wait(120000));
    EXPECT_TRUE(finished.front().front().value<JobOutcome>().cancelled);

    const auto runs = window.store()->runs({});
    ASSERT_EQ(runs.size(), 2u); // the third never started
    EXPECT_EQ(runs[0].status, store::RunStatus::Completed);
    EXPECT_EQ(runs[1].status, store::RunStatus::Cancelled);
    auto* browser = window.findChild<QTreeView*>(QStringLiteral("runBrowser"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return countRuns(*browser->model()) == 2; }, 5000));
    EXPECT_EQ(statusOf(*browser->model(), runs[0].id), QStringLiteral("completed"));
    EXPECT_EQ(statusOf(*browser->model(), runs[1].id), QStringLiteral("cancelled"));
}

TEST_F(WindowEvaluation, AMissingModelFileIsNamedAndStartsNothing)
{
    const std::string missing = (world / "no-such-model.pt").string();
    auto* dialog = openDialog(plan(missing, {1}, 16, 30));
    ASSERT_NE(dialog, nullptr);
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("startButton")), Qt::LeftButton);
    QMessageBox* box = nullptr;
    ASSERT_TRUE(QTest::qWaitFor([&] { return (box = openMessageBox(QStringLiteral("inputError"))) != nullptr; }, 5000));
    EXPECT_TRUE(box->text().contains(QString::fromStdString(missing))) << box->text().toStdString();
    box->close();
    EXPECT_FALSE(window.evaluations()->busy());
    EXPECT_TRUE(window.store()->runs({}).empty());
}

TEST_F(WindowEvaluation, AModelWithTheWrongOutputShapeIsNamedAndStartsNothing)
{
    engine::TinyClassifierSpec spec;
    spec.output = engine::TinyClassifierSpec::Output::Vector;
    const std::string model = world.model("wrong-shape", spec);
    auto* dialog = openDialog(plan(model, {1, 2}, 16, 30));
    ASSERT_NE(dialog, nullptr);
    QSignalSpy failed(window.evaluations(), &EvaluationQueue::jobFailed);
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("startButton")), Qt::LeftButton);
    ASSERT_TRUE(failed.wait(30000));
    QMessageBox* box = nullptr;
    ASSERT_TRUE(QTest::qWaitFor([&] { return (box = openMessageBox(QStringLiteral("errorMessage"))) != nullptr; }, 5000));
    EXPECT_TRUE(box->text().contains(QStringLiteral("wrong-shape.pt"))) << box->text().toStdString();
    box->close();
    EXPECT_TRUE(window.store()->runs({}).empty());
}

} // namespace
} // namespace nf::ui
