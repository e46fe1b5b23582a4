#include "charts/historychart.h"
#include "charts/timeaxis.h"
#include "charts_fixture.h"
#include "zonestyle.h"

#include <gtest/gtest.h>

#include <QAction>
#include <QApplication>
#include <QContextMenuEvent>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>
#include <algorithm>
#include <set>
#include <utility>

using nf::test::GroupSpec;
using nf::test::makeGroup;
using nf::ui::GroupAnalysis;
using nf::ui::HistoryChart;

namespace {

constexpr HistoryChart::XAxis kBothAxes[] = {HistoryChart::XAxis::RunOrder, HistoryChart::XAxis::Time};

// Ten steady runs, then one far below: the last completes beyond_3sigma.
GroupSpec steadyThenDrop(int64_t groupId, int64_t firstRunId)
{
    GroupSpec spec;
    spec.groupId = groupId;
    spec.firstRunId = firstRunId;
    spec.accuracies = {0.851, 0.849, 0.850, 0.852, 0.848, 0.851, 0.850, 0.849, 0.851, 0.850, 0.80};
    spec.flipShare = 0.05;
    return spec;
}

QPointF positionOf(const HistoryChart& chart, int64_t runId)
{
    for (const auto& run : chart.plottedRuns())
        if (run.runId == runId)
            return run.position;
    ADD_FAILURE() << "run " << runId << " is not drawn";
    return {};
}

// What the window system sends on a right click (QTest's mouse press goes to the widget
// directly and makes none): a context menu event at the viewport point. Returns the menu.
QMenu* rightClick(HistoryChart& chart, QPoint viewportPoint)
{
    QContextMenuEvent event(QContextMenuEvent::Mouse, viewportPoint,
                            chart.viewport()->mapToGlobal(viewportPoint));
    QApplication::sendEvent(chart.viewport(), &event);
    return chart.findChild<QMenu*>(QStringLiteral("historyContextMenu"));
}

QAction* actionNamed(QMenu* menu, const char* name)
{
    for (QAction* action : menu->actions())
        if (action->objectName() == QLatin1String(name))
            return action;
    return nullptr;
}

struct ShownChart
{
    explicit ShownChart(const std::vector<GroupAnalysis>& groups,
                        HistoryChart::XAxis axis = HistoryChart::XAxis::RunOrder)
    {
        chart.setXAxis(axis);
        chart.resize(1000, 600);
        chart.setGroups(groups);
        chart.show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(&chart));
    }
    HistoryChart chart;
};

} // namespace

TEST(HistoryChart, PlotsEachVisibleRunAtItsStartTime)
{
    GroupSpec spec = steadyThenDrop(1, 1);
    spec.hidden = {3};
    spec.failed = 1;
    const GroupAnalysis group = makeGroup(spec);
    HistoryChart chart;
    chart.setXAxis(HistoryChart::XAxis::Time);
    chart.setGroups({group});

    const auto runs = chart.plottedRuns();
    EXPECT_EQ(runs.size(), 10);
    for (const auto& run : runs) {
        const auto* row = group.findRun(run.runId);
        ASSERT_NE(row, nullptr);
        EXPECT_FALSE(row->hidden);
        // The fixture writes every other start time without milliseconds.
        const QDateTime started =
            QDateTime::fromString(QString::fromStdString(row->startedAt), Qt::ISODateWithMs);
        ASSERT_TRUE(started.isValid()) << row->startedAt;
        EXPECT_EQ(static_cast<qint64>(run.position.x()), started.toMSecsSinceEpoch()) << row->startedAt;
        EXPECT_DOUBLE_EQ(run.position.y(), *row->accuracy * 100.0);
        EXPECT_EQ(run.color, nf::ui::zoneColor(group.findRunStat(run.runId)->zone));
    }
}

TEST(HistoryChart, MarksExactlyTheRunsAControlRuleFlags)
{
    const std::vector<GroupAnalysis> groups = {makeGroup(steadyThenDrop(1, 1)),
                                               makeGroup(steadyThenDrop(2, 101))};
    HistoryChart chart;
    chart.setGroups(groups);

    std::set<int64_t> expected;
    for (const auto& group : groups)
        for (const auto& run : group.summary->runs)
            if (!run.rules.empty())
                expected.insert(run.id);
    ASSERT_FALSE(expected.empty()) << "the fixture's drop should fire a rule";
    const auto flagged = chart.flaggedRuns();
    EXPECT_EQ(std::set<int64_t>(flagged.begin(), flagged.end()), expected);
}

TEST(HistoryChart, ContextMenuPinsTheRunOrGroupUnderTheCursor)
{
    ShownChart shown({makeGroup(steadyThenDrop(4, 1)), makeGroup(steadyThenDrop(6, 101))});
    HistoryChart& chart = shown.chart;
    QSignalSpy pinRun(&chart, &HistoryChart::pinRunRequested);
    QSignalSpy pinGroup(&chart, &HistoryChart::pinGroupRequested);

    QMenu* menu = rightClick(chart, chart.viewportPosition(positionOf(chart, 111)));
    ASSERT_NE(menu, nullptr);
    EXPECT_EQ(actionNamed(menu, "unpinAction"), nullptr) << "nothing is pinned";
    ASSERT_NE(actionNamed(menu, "pinRunAction"), nullptr);
    EXPECT_EQ(actionNamed(menu, "pinRunAction")->text(), QStringLiteral("Pin run 111 as baseline"));
    actionNamed(menu, "pinRunAction")->trigger();
    ASSERT_NE(actionNamed(menu, "pinGroupAction"), nullptr);
    actionNamed(menu, "pinGroupAction")->trigger();
    menu->close();

    ASSERT_EQ(pinRun.count(), 1);
    EXPECT_EQ(pinRun.front().front().toLongLong(), 111);
    ASSERT_EQ(pinGroup.count(), 1);
    EXPECT_EQ(pinGroup.front().front().toLongLong(), 6);
}

TEST(HistoryChart, ContextMenuRemovesThePinOfTheTask)
{
    GroupSpec spec = steadyThenDrop(4, 1);
    spec.taskId = 9;
    spec.pinned = 0.85;
    spec.pinnedLabel = "run 2";
    ShownChart shown({makeGroup(spec)});
    HistoryChart& chart = shown.chart;
    QSignalSpy unpin(&chart, &HistoryChart::unpinRequested);

    QMenu* menu = rightClick(chart, chart.viewportPosition(positionOf(chart, 11)));
    ASSERT_NE(menu, nullptr);
    QAction* remove = actionNamed(menu, "unpinAction");
    ASSERT_NE(remove, nullptr);
    remove->trigger();
    menu->close();
    ASSERT_EQ(unpin.count(), 1);
    EXPECT_EQ(unpin.front().front().toLongLong(), 9);
}

TEST(HistoryChart, NoContextMenuAwayFromEveryPointWhenNothingIsPinned)
{
    ShownChart shown({makeGroup(steadyThenDrop(4, 1)), makeGroup(steadyThenDrop(6, 101))});
    HistoryChart& chart = shown.chart;
    EXPECT_EQ(rightClick(chart, QPoint(3, 3)), nullptr);
}

TEST(HistoryChart, ALoneRunSitsWellInsideTheChart)
{
    GroupSpec spec;
    spec.accuracies = {0.8613};
    for (const auto axis : kBothAxes) {
        ShownChart shown({makeGroup(spec)}, axis);
        const QPoint at = shown.chart.viewportPosition(positionOf(shown.chart, 1));
        const QRect inner = shown.chart.viewport()->rect().adjusted(60, 30, -60, -60);
        EXPECT_TRUE(inner.contains(at)) << at.x() << "," << at.y();
    }
}

TEST(HistoryChart, ClickOnAPointEmitsItsRunOnEitherAxis)
{
    for (const auto axis : kBothAxes) {
        ShownChart shown({makeGroup(steadyThenDrop(4, 1)), makeGroup(steadyThenDrop(6, 101))}, axis);
        QSignalSpy clicked(&shown.chart, &nf::ui::ChartWidget::runClicked);
        QTest::mouseClick(shown.chart.viewport(), Qt::LeftButton, {},
                          shown.chart.viewportPosition(positionOf(shown.chart, 11)));
        ASSERT_EQ(clicked.count(), 1);
        EXPECT_EQ(clicked.front().front().toLongLong(), 11);
    }
}

TEST(HistoryChart, RunOrderNumbersTheRunsOfEveryGroupByStartTime)
{
    // Group 2 starts three minutes after group 1, both a run every seven: their runs alternate.
    GroupSpec first = steadyThenDrop(1, 1);
    GroupSpec second = steadyThenDrop(2, 101);
    second.start = first.start.addSecs(180);
    const std::vector<GroupAnalysis> groups = {makeGroup(second), makeGroup(first)};
    HistoryChart chart;
    chart.setXAxis(HistoryChart::XAxis::RunOrder);
    chart.setGroups(groups);

    std::vector<std::pair<qint64, int64_t>> starts; // start time, run
    for (const auto& group : groups)
        for (const auto& run : group.runs)
            starts.emplace_back(
                QDateTime::fromString(QString::fromStdString(run.startedAt), Qt::ISODateWithMs)
                    .toMSecsSinceEpoch(),
                run.id);
    std::sort(starts.begin(), starts.end());
    ASSERT_EQ(chart.plottedRuns().size(), 22);
    for (size_t i = 0; i < starts.size(); ++i)
        EXPECT_DOUBLE_EQ(positionOf(chart, starts[i].second).x(), static_cast<double>(i + 1))
            << "run " << starts[i].second;
    EXPECT_DOUBLE_EQ(positionOf(chart, 1).x(), 1.0);
    EXPECT_DOUBLE_EQ(positionOf(chart, 101).x(), 2.0);
}

TEST(HistoryChart, RunOrderKeepsRunsStartedTogetherInTheOrderOfTheirIds)
{
    GroupSpec first = steadyThenDrop(1, 1);
    first.minutesApart = 0;
    GroupSpec second = steadyThenDrop(2, 101);
    second.minutesApart = 0;
    HistoryChart chart;
    chart.setGroups({makeGroup(second), makeGroup(first)});

    for (int64_t i = 0; i < 11; ++i) {
        EXPECT_DOUBLE_EQ(positionOf(chart, 1 + i).x(), static_cast<double>(1 + i));
        EXPECT_DOUBLE_EQ(positionOf(chart, 101 + i).x(), static_cast<double>(12 + i));
    }
}

TEST(HistoryChart, SwitchingTheXAxisKeepsEveryRunItsAccuracyAndItsColour)
{
    HistoryChart chart;
    chart.setXAxis(HistoryChart::XAxis::Time);
    chart.setGroups({makeGroup(steadyThenDrop(1, 1)), makeGroup(steadyThenDrop(2, 101))});
    const auto byTime = chart.plottedRuns();
    chart.setXAxis(HistoryChart::XAxis::RunOrder);
    EXPECT_EQ(chart.xAxis(), HistoryChart::XAxis::RunOrder);
    const auto byOrder = chart.plottedRuns();

    ASSERT_EQ(byOrder.size(), byTime.size());
    for (const auto& run : byTime) {
        const auto same = std::find_if(byOrder.begin(), byOrder.end(),
                                       [&](const auto& other) { return other.runId == run.runId; });
        ASSERT_NE(same, byOrder.end()) << "run " << run.runId;
        EXPECT_EQ(same->groupId, run.groupId);
        EXPECT_EQ(same->color, run.color);
        EXPECT_DOUBLE_EQ(same->position.y(), run.position.y());
    }
    const auto flagged = chart.flaggedRuns();
    chart.setXAxis(HistoryChart::XAxis::Time);
    EXPECT_EQ(chart.flaggedRuns(), flagged);
}

TEST(HistoryChart, ShadesTheZonesOfALoneGroup)
{
    HistoryChart chart;
    chart.setGroups({makeGroup(steadyThenDrop(1, 1))});
    EXPECT_TRUE(chart.zoneBandsShown());
}

TEST(HistoryChart, ShadesTheZonesOfGroupsSharingAPinnedBaseline)
{
    GroupSpec first = steadyThenDrop(1, 1);
    GroupSpec second = steadyThenDrop(2, 101);
    second.accuracies = {0.80, 0.81, 0.79, 0.80};
    for (GroupSpec* spec : {&first, &second}) {
        spec->pinned = 0.85;
        spec->pinnedLabel = "run 2";
    }
    HistoryChart chart;
    chart.setGroups({makeGroup(first), makeGroup(second)});
    EXPECT_TRUE(chart.zoneBandsShown());
}

TEST(HistoryChart, ShadesNoZonesForGroupsWithReferencesOfTheirOwn)
{
    GroupSpec second = steadyThenDrop(2, 101);
    second.accuracies = {0.80, 0.81, 0.79, 0.80};
    HistoryChart chart;
    chart.setGroups({makeGroup(steadyThenDrop(1, 1)), makeGroup(second)});
    EXPECT_FALSE(chart.zoneBandsShown()) << "group 2's normal runs would sit in group 1's red band";

    // A pin on another task is no reference for the first group.
    second.taskId = 2;
    second.pinned = 0.80;
    second.pinnedLabel = "run 102";
    chart.setGroups({makeGroup(steadyThenDrop(1, 1)), makeGroup(second)});
    EXPECT_FALSE(chart.zoneBandsShown());
}

TEST(RunOrderAxis, TicksOnWholeRunsAndLeavesRoomAroundTheFirstAndLast)
{
    const std::pair<int, double> cases[] = {{1, 1},  {7, 1},      {10, 1},    {11, 2},
                                            {30, 5}, {1000, 100}, {1001, 200}};
    for (const auto& [count, interval] : cases) {
        const auto range = nf::ui::charts::runOrderAxisRange(count);
        EXPECT_DOUBLE_EQ(range.interval, interval) << count << " runs";
        EXPECT_LT(range.left, 0.5) << count << " runs";
        EXPECT_GT(range.right, count + 0.5) << count << " runs";
    }
}

TEST(HistoryChart, ShadesANoiseUnitGroupsZonesAtTwoThreeAndFourUnits)
{
    GroupSpec spec;
    spec.nItems = 25;
    spec.accuracies = {0.48, 0.52, 0.52, 0.48, 0.52, 0.56};
    spec.flipShare = 0.4;
    const GroupAnalysis group = makeGroup(spec);
    ASSERT_EQ(group.summary->zones.unit, nf::stats::ZoneUnit::Noise);
    const double unit = group.summary->zones.unitPoints;
    const double ref = group.summary->reference * 100.0;
    HistoryChart chart;
    chart.setGroups({group});

    ASSERT_TRUE(chart.zoneBandsShown());
    bool normal = false;
    for (const auto& band : chart.shadedBands()) {
        if (band.zone != nf::stats::Zone::Normal)
            continue;
        normal = true;
        EXPECT_NEAR(band.low, ref - 2 * unit, 1e-9);
        EXPECT_NEAR(band.high, ref + 2 * unit, 1e-9);
    }
    EXPECT_TRUE(normal);
    EXPECT_TRUE(chart.zoneNote().startsWith(QStringLiteral("<b>Zones in noise units</b> for group 1")))
        << chart.zoneNote().toStdString();
    // Every run lies within one item of the median: all normal, none flagged.
    for (const auto& run : chart.plottedRuns())
        EXPECT_EQ(run.color, nf::ui::zoneColor(nf::stats::Zone::Normal)) << "run " << run.runId;
}

TEST(HistoryChart, ShadesNoZonesForGroupsSharingAPinButNotTheirZones)
{
    GroupSpec big = steadyThenDrop(1, 1);
    GroupSpec small;
    small.groupId = 2;
    small.firstRunId = 101;
    small.nItems = 25;
    small.accuracies = {0.84, 0.88, 0.84};
    small.flipShare = 0.4;
    for (GroupSpec* spec : {&big, &small}) {
        spec->pinned = 0.85;
        spec->pinnedLabel = "run 2";
    }
    HistoryChart chart;
    chart.setGroups({makeGroup(big), makeGroup(small)});
    EXPECT_FALSE(chart.zoneBandsShown()) << "group 2's zones are in noise units, group 1's in points";
    EXPECT_TRUE(chart.shadedBands().isEmpty());
}

TEST(HistoryChart, HoverOnAFlaggedRunSaysTheRuleInWords)
{
    ShownChart shown({makeGroup(steadyThenDrop(1, 1))});
    HistoryChart& chart = shown.chart;
    ASSERT_TRUE(chart.flaggedRuns().contains(11));
    QTest::mouseMove(chart.viewport(), chart.viewportPosition(positionOf(chart, 11)));
    ASSERT_TRUE(QTest::qWaitFor([] { return QToolTip::isVisible(); }, 2000));
    const QString text = QToolTip::text();
    EXPECT_TRUE(text.contains(QStringLiteral("rule: more than 3 sd from the rest of the group")))
        << text.toStdString();
    EXPECT_FALSE(text.contains(QStringLiteral("beyond_3sigma"))) << text.toStdString();
    QToolTip::hideText();
}
