// The Compare tab answering "is it real?": the badge for each kind of answer, the difference that
// matters kept for the task, "Run N more repeats" only when repeats would settle it and only after
// the user has seen the cost, the subject chart's intervals, and which pair the tab opens on.

#include "workspace/settings.h"
#include "charts/subjectdeltachart.h"
#include "common/text.h"
#include "dialogs/settingsdialog.h"
#include "models/runbrowsermodel.h"
#include "pages/comparepage.h"
#include "window/mainwindow.h"
#include "window_compare_fixture.h"
#include "worker/evaluationqueue.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

namespace nf::ui {
namespace {

using test::CompareFixture;

QMessageBox* openMessageBox(const QString& objectName)
{
    for (QWidget* widget : QApplication::topLevelWidgets())
        for (auto* box : widget->findChildren<QMessageBox*>(objectName))
            if (box->isVisible())
                return box;
    return nullptr;
}

// Clicks "Run N more repeats" and waits for the box it opens (confirmation or refusal).
QMessageBox* clickMoreRepeats(const QString& boxName)
{
    QMessageBox* box = nullptr;
    for (QWidget* widget : QApplication::topLevelWidgets())
        if (auto* more = widget->findChild<QPushButton*>(QStringLiteral("moreRepeatsButton")))
            more->click();
    return QTest::qWaitFor([&] { return (box = openMessageBox(boxName)) != nullptr; }, 5000) ? box : nullptr;
}

QModelIndex groupRow(const QAbstractItemModel& model, qint64 groupId, const QModelIndex& parent = {})
{
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, 0, parent);
        if (RunBrowserModel::kindOf(index) == RunBrowserModel::Kind::Group &&
            index.data(RunBrowserModel::GroupIdRole).toLongLong() == groupId)
            return index;
        if (const QModelIndex found = groupRow(model, groupId, index); found.isValid())
            return found;
    }
    return {};
}

class CompareTab : public ::testing::Test
{
protected:
    // Opens the database (after `prepare` wrote settings into it) at the default window size.
    void open()
    {
        ASSERT_TRUE(window.openDatabase(QString::fromStdString(fixture.path().string())));
        window.resize(1400, 860);
        window.show();
        page = window.comparePage();
    }

    // Compares the pair on the Compare tab and waits for the answer.
    bool compare(qint64 a, qint64 b)
    {
        window.selectGroups({a, b});
        window.showTab(MainWindow::Tab::Compare);
        return settled();
    }

    bool settled()
    {
        return QTest::qWaitFor([&] { return !page->busy() && page->comparison().has_value(); }, 20000);
    }

    template <typename Widget> Widget* find(const char* name)
    {
        auto* widget = page->findChild<Widget*>(QLatin1String(name));
        EXPECT_NE(widget, nullptr) << name;
        return widget;
    }

    void setTaskDelta(double points)
    {
        store::Store db(fixture.path());
        workspace::setDifferenceThatMatters(db, fixture.task, points);
    }

    void TearDown() override
    {
        QSettings().remove(QStringLiteral("compare/maxRepeats"));
        // An error box from a queue attempt (the fixture's model files do not exist) goes with the test.
        if (auto* box = openMessageBox(QStringLiteral("errorMessage")))
            box->close();
    }

    CompareFixture fixture;
    MainWindow window;
    ComparePage* page = nullptr;
};

TEST_F(CompareTab, CallsARealButNegligibleDifferenceSmallerThanTheOneThatMatters)
{
    open();
    ASSERT_TRUE(compare(fixture.base, fixture.up));
    EXPECT_EQ(page->comparison()->verdict, stats::Verdict::SmallImprovement);
    EXPECT_TRUE(page->verdictText().startsWith(
        QStringLiteral("real improvement of 0.50 points, smaller than the 1.00 that matters")))
        << page->verdictText().toStdString();
    auto* badge = find<QLabel>("verdictBadge");
    EXPECT_TRUE(badge->styleSheet().contains(QStringLiteral("#4b6b8a"))); // blue-grey: real, but negligible
    EXPECT_TRUE(badge->wordWrap());
    EXPECT_LE(badge->width(), page->width()); // wraps rather than widening the page
    EXPECT_TRUE(
        find<QLabel>("answerBeyondNoise")->text().contains(QStringLiteral("Beyond run-to-run noise?")));
    EXPECT_TRUE(
        find<QLabel>("answerMatters")
            ->text()
            .contains(QStringLiteral("Does it matter?</b> (difference that matters 1.00 points) no:")))
        << find<QLabel>("answerMatters")->text().toStdString();
    EXPECT_TRUE(find<QLabel>("answerNewQuestions")->text().contains(QStringLiteral("not shown")));
    EXPECT_TRUE(
        find<QLabel>("settleWords")->text().contains(QStringLiteral("What would settle it:</b> nothing")));
    EXPECT_FALSE(find<QPushButton>("moreRepeatsButton")->isVisible());
    const QString report = page->markdownReport(QStringLiteral("chart.png"));
    EXPECT_TRUE(
        report.contains(QStringLiteral("**Verdict: real improvement of 0.50 points, smaller than the 1.00 "
                                       "that matters")));
    EXPECT_TRUE(report.contains(QStringLiteral("| subject 8 | 20 | 2.00 | 7.00 | +5.00 | [-2.36, 12.36] |")))
        << report.toStdString();
}

TEST_F(CompareTab, CallsGroupsWithinTheDifferenceThatMattersEquivalent)
{
    open();
    ASSERT_TRUE(compare(fixture.base, fixture.same));
    EXPECT_EQ(page->comparison()->verdict, stats::Verdict::Equivalent);
    EXPECT_EQ(page->verdictText(), QStringLiteral("equivalent within 1.00 points"));
    EXPECT_TRUE(find<QLabel>("verdictBadge")->styleSheet().contains(QStringLiteral("#4b6b8a")));
    EXPECT_FALSE(find<QPushButton>("moreRepeatsButton")->isVisible());
}

TEST_F(CompareTab, OffersNoRepeatsWhenAGroupDoesNotVaryAndTheQuestionsDominate)
{
    setTaskDelta(0.5);
    open();
    ASSERT_TRUE(compare(fixture.greedy, fixture.shifted));
    const auto& c = *page->comparison();
    EXPECT_EQ(c.verdict, stats::Verdict::Inconclusive);
    EXPECT_EQ(c.settle.kind, stats::SettlePlan::Kind::Items);
    EXPECT_FALSE(find<QPushButton>("moreRepeatsButton")->isVisible());
    // The words say what would help instead.
    EXPECT_TRUE(find<QLabel>("settleWords")->text().contains(QStringLiteral("questions of this kind")))
        << find<QLabel>("settleWords")->text().toStdString();
    EXPECT_TRUE(
        find<QLabel>("verdictBadge")->styleSheet().contains(QStringLiteral("#b86e00"))); // amber: open
}

TEST_F(CompareTab, ShowsTheCostAndQueuesExactlyThePlannedRepeatsOnceConfirmed)
{
    setTaskDelta(4.0);
    open();
    ASSERT_TRUE(compare(fixture.wide, fixture.wide2));
    const auto& c = *page->comparison();
    ASSERT_EQ(c.settle.kind, stats::SettlePlan::Kind::Repeats);
    // The plan's arithmetic is the statistics' (tests/core/compare_test.cpp); the tab states it.
    ASSERT_GT(c.settle.moreA, 0);
    EXPECT_EQ(c.settle.moreB, c.settle.moreA);
    ASSERT_TRUE(c.settle.seconds);
    const QString time = QString::fromStdString(nf::durationText(*c.settle.seconds));
    auto* more = find<QPushButton>("moreRepeatsButton");
    ASSERT_TRUE(more->isVisible());
    EXPECT_EQ(more->text(), QStringLiteral("Run %1 more repeats (%2)").arg(c.settle.runs()).arg(time));

    QSignalSpy requested(page, &ComparePage::moreRepeatsRequested);
    QMessageBox* box = clickMoreRepeats(QStringLiteral("moreRepeatsConfirm"));
    ASSERT_NE(box, nullptr);
    EXPECT_TRUE(box->text().contains(QStringLiteral("%1 runs on A (group %2) and %1 runs on B (group %3)")
                                         .arg(c.settle.moreA)
                                         .arg(fixture.wide)
                                         .arg(fixture.wide2)))
        << box->text().toStdString();
    EXPECT_TRUE(box->text().contains(time));
    EXPECT_TRUE(box->text().contains(QString::fromStdString(c.settle.words)));
    EXPECT_EQ(requested.count(), 0); // nothing before the answer
    box->button(QMessageBox::Yes)->click();
    ASSERT_EQ(requested.count(), 1);
    const auto arguments = requested.front();
    EXPECT_EQ(arguments[0].toLongLong(), fixture.wide);
    EXPECT_EQ(arguments[1].toLongLong(), fixture.wide2);
    EXPECT_EQ(arguments[2].toInt(), c.settle.moreA);
    EXPECT_EQ(arguments[3].toInt(), c.settle.moreB);
}

TEST_F(CompareTab, CancellingTheConfirmationQueuesNothing)
{
    setTaskDelta(4.0);
    open();
    ASSERT_TRUE(compare(fixture.wide, fixture.wide2));
    QSignalSpy requested(page, &ComparePage::moreRepeatsRequested);
    QMessageBox* box = clickMoreRepeats(QStringLiteral("moreRepeatsConfirm"));
    ASSERT_NE(box, nullptr);
    box->button(QMessageBox::Cancel)->click();
    EXPECT_EQ(requested.count(), 0);
}

TEST_F(CompareTab, RefusesAPlanAboveTheLimitAndQueuesNothing)
{
    open(); // the task's difference that matters is its watch threshold, 1 point: hundreds of runs
    ASSERT_TRUE(compare(fixture.wide, fixture.wide2));
    const auto& c = *page->comparison();
    ASSERT_EQ(c.settle.kind, stats::SettlePlan::Kind::Repeats);
    const int64_t planned = c.settle.runs();
    ASSERT_GT(planned, 100);
    EXPECT_EQ(SettingsDialog::maxRepeatsAtOnce(), 100);
    QSignalSpy requested(page, &ComparePage::moreRepeatsRequested);
    QMessageBox* box = clickMoreRepeats(QStringLiteral("moreRepeatsRefused"));
    ASSERT_NE(box, nullptr);
    EXPECT_TRUE(
        box->text().startsWith(QStringLiteral("%1 runs is more than the limit of 100 set in Settings: ").arg(planned)))
        << box->text().toStdString();
    EXPECT_TRUE(box->text().contains(QStringLiteral("What would help instead")));
    EXPECT_EQ(openMessageBox(QStringLiteral("moreRepeatsConfirm")), nullptr);
    box->close();
    EXPECT_EQ(requested.count(), 0);
    EXPECT_FALSE(window.evaluations()->busy());

    // A lower limit refuses a plan the default would let through.
    SettingsDialog::setMaxRepeatsAtOnce(10);
    page->findChild<QDoubleSpinBox*>(QStringLiteral("compareDelta"))->setValue(4.0);
    ASSERT_TRUE(settled());
    const int64_t fewer = page->comparison()->settle.runs();
    ASSERT_GT(fewer, 10);
    ASSERT_LE(fewer, 100);
    box = clickMoreRepeats(QStringLiteral("moreRepeatsRefused"));
    ASSERT_NE(box, nullptr);
    EXPECT_TRUE(box->text().startsWith(QStringLiteral("%1 runs is more than the limit of 10").arg(fewer)));
    box->close();
    EXPECT_EQ(requested.count(), 0);
}

TEST_F(CompareTab, UsesTheStoredDifferenceThatMattersAsStoredNotAsTheBoxRoundsIt)
{
    setTaskDelta(0.12345); // from `zones --task T --matters 0.12345`: more decimals than the box
    open();
    ASSERT_TRUE(compare(fixture.wide, fixture.wide2));
    EXPECT_DOUBLE_EQ(page->comparison()->deltaUser, 0.0012345);
}

TEST_F(CompareTab, AConfirmationStaysOpenWhenAnotherProcessCommitsARun)
{
    setTaskDelta(4.0);
    open();
    ASSERT_TRUE(compare(fixture.wide, fixture.wide2));
    QSignalSpy requested(page, &ComparePage::moreRepeatsRequested);
    QMessageBox* box = clickMoreRepeats(QStringLiteral("moreRepeatsConfirm"));
    ASSERT_NE(box, nullptr);
    const QPointer<QMessageBox> alive(box);
    window.refresh(); // what the app does when data_version says another connection wrote
    page->recompute();
    ASSERT_TRUE(settled());
    ASSERT_TRUE(alive) << "the box the user is reading was closed under them";
    alive->button(QMessageBox::Yes)->click();
    EXPECT_EQ(requested.count(), 1);
}

TEST_F(CompareTab, StoresTheDifferenceThatMattersForTheTaskAndAnswersAgainstIt)
{
    open();
    ASSERT_TRUE(compare(fixture.base, fixture.up));
    auto* delta = find<QDoubleSpinBox>("compareDelta");
    EXPECT_DOUBLE_EQ(delta->value(), 1.0); // the task's watch threshold
    EXPECT_FALSE(delta->toolTip().isEmpty());
    EXPECT_EQ(page->comparison()->verdict, stats::Verdict::SmallImprovement);

    delta->setValue(0.05);
    ASSERT_TRUE(settled());
    EXPECT_EQ(page->comparison()->verdict, stats::Verdict::Improvement); // 0.50 is ten times what matters now
    EXPECT_DOUBLE_EQ(page->comparison()->deltaUser, 0.0005);
    EXPECT_TRUE(workspace::taskHasOwnDifferenceThatMatters(*window.store(), fixture.task));
    EXPECT_DOUBLE_EQ(workspace::differenceThatMatters(*window.store(), fixture.task), 0.05);
    EXPECT_FALSE(workspace::taskHasOwnDifferenceThatMatters(*window.store(), fixture.otherTask));

    // Another pair on the task answers against the stored value too.
    ASSERT_TRUE(compare(fixture.base, fixture.same));
    EXPECT_DOUBLE_EQ(delta->value(), 0.05);
    EXPECT_DOUBLE_EQ(page->comparison()->deltaUser, 0.0005);
}

TEST_F(CompareTab, DrawsAWhiskerPerSubjectEqualToItsInterval)
{
    setTaskDelta(4.0);
    open();
    ASSERT_TRUE(compare(fixture.wide, fixture.wide2));
    const auto& subjects = page->comparison()->subjects;
    auto* chart = page->findChild<SubjectDeltaChart*>(QStringLiteral("subjectDeltaChart"));
    ASSERT_NE(chart, nullptr);
    EXPECT_TRUE(chart->isVisible());
    const auto whiskers = chart->whiskers();
    ASSERT_EQ(whiskers.size(), static_cast<qsizetype>(subjects.size()));
    const auto range = chart->deltaRange();
    for (const auto& subject : subjects) {
        ASSERT_TRUE(subject.ci95.has_value()) << subject.subject;
        const auto found = std::find_if(whiskers.begin(), whiskers.end(), [&](const auto& whisker) {
            return whisker.subject == QString::fromStdString(subject.subject);
        });
        ASSERT_NE(found, whiskers.end()) << subject.subject;
        EXPECT_NEAR(found->lo, subject.ci95->lo * 100, 1e-9) << subject.subject;
        EXPECT_NEAR(found->hi, subject.ci95->hi * 100, 1e-9) << subject.subject;
        EXPECT_GE(found->lo, range.first) << subject.subject; // on the axis
        EXPECT_LE(found->hi, range.second) << subject.subject;
    }
}

TEST_F(CompareTab, OpensOnTheTwoMostRecentlySelectedComparableGroups)
{
    open();
    auto* browser = window.findChild<QTreeView*>(QStringLiteral("runBrowser"));
    auto* selection = browser->selectionModel();
    auto pick = [&](qint64 group, QItemSelectionModel::SelectionFlags how) {
        const QModelIndex index = groupRow(*browser->model(), group);
        ASSERT_TRUE(index.isValid()) << group;
        selection->select(index, how | QItemSelectionModel::Rows);
    };
    // Clicked in this order: base, then the group of another task, then up, then same.
    pick(fixture.base, QItemSelectionModel::ClearAndSelect);
    pick(fixture.other, QItemSelectionModel::Select);
    pick(fixture.up, QItemSelectionModel::Select);
    window.showTab(MainWindow::Tab::Compare);
    ASSERT_TRUE(settled());
    EXPECT_EQ(page->groupA(), fixture.base); // the other task's group is skipped
    EXPECT_EQ(page->groupB(), fixture.up);

    pick(fixture.same, QItemSelectionModel::Select);
    ASSERT_TRUE(settled());
    EXPECT_EQ(page->groupA(), fixture.up);
    EXPECT_EQ(page->groupB(), fixture.same);
}

TEST_F(CompareTab, AsksForTwoGroupsWhenNoneAreComparable)
{
    open();
    window.selectGroups({fixture.other}); // alone on its task, and nothing pinned there
    window.showTab(MainWindow::Tab::Compare);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !page->busy(); }, 20000));
    EXPECT_TRUE(page->promptShown());
    auto* prompt = find<QLabel>("comparePrompt");
    EXPECT_TRUE(prompt->isVisible());
    EXPECT_TRUE(prompt->text().contains(
        QStringLiteral("Select two groups on the same task in the browser, or pick them above.")));
    EXPECT_FALSE(find<QLabel>("verdictBadge")->isVisible());
    EXPECT_FALSE(page->findChild<SubjectDeltaChart*>(QStringLiteral("subjectDeltaChart"))->isVisible());
    EXPECT_FALSE(page->comparison().has_value());

    window.selectGroups({fixture.base, fixture.up});
    ASSERT_TRUE(settled());
    EXPECT_FALSE(page->promptShown());
    EXPECT_TRUE(find<QLabel>("verdictBadge")->isVisible());
}

// "Pinned baseline of B's task" as A: the pinned group is A (the CLI's `compare --baseline B` reads
// the same through workspace::prepareComparison), and with nothing pinned the page says so.
TEST_F(CompareTab, ComparesWithThePinnedBaselineOfBsTaskOrSaysNothingIsPinned)
{
    {
        store::Store db(fixture.path());
        workspace::pinGroup(db, fixture.same);
    }
    open();
    ASSERT_TRUE(compare(fixture.base, fixture.up));
    auto* a = find<QComboBox>("compareA");
    a->setCurrentIndex(a->findData(qint64(0)));
    ASSERT_TRUE(settled());
    EXPECT_EQ(page->groupA(), fixture.same);
    EXPECT_EQ(page->groupB(), fixture.up);
    EXPECT_TRUE(find<QLabel>("compareDetails")->text().contains(QStringLiteral("pinned group %1").arg(fixture.same)));

    {
        store::Store db(fixture.path());
        ASSERT_TRUE(workspace::unpinTask(db, fixture.task));
    }
    window.refresh();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !page->busy() && page->promptShown(); }, 20000));
    EXPECT_TRUE(find<QLabel>("comparePrompt")
                    ->text()
                    .contains(QStringLiteral("No baseline is pinned for known task, the task of group %1: pin a "
                                             "run or a group of it first.")
                                  .arg(fixture.up)))
        << find<QLabel>("comparePrompt")->text().toStdString();
}

} // namespace
} // namespace nf::ui
