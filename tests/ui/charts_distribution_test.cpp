#include "charts/distributionchart.h"
#include "charts_fixture.h"
#include "zonestyle.h"

#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>
#include <QToolTip>
#include <map>
#include <set>

using nf::test::GroupSpec;
using nf::test::makeGroup;
using nf::ui::ChartWidget;
using nf::ui::DistributionChart;
using nf::ui::GroupAnalysis;

namespace {

// Around a median of 80.1: four runs normal, then one each in watch, elevated and suspicious.
GroupSpec allZones(int64_t groupId, int64_t firstRunId)
{
    GroupSpec spec;
    spec.groupId = groupId;
    spec.firstRunId = firstRunId;
    spec.accuracies = {0.80, 0.80, 0.80, 0.80, 0.802, 0.82, 0.84, 0.87};
    spec.flipShare = 0.1;
    return spec;
}

std::set<int64_t> runIdsOf(const QVector<ChartWidget::PlottedRun>& runs, int64_t groupId)
{
    std::set<int64_t> ids;
    for (const auto& run : runs)
        if (run.groupId == groupId)
            ids.insert(run.runId);
    return ids;
}

const nf::stats::RunStat* statOf(const std::vector<GroupAnalysis>& groups, int64_t runId)
{
    for (const auto& group : groups)
        if (const auto* stat = group.findRunStat(runId))
            return stat;
    return nullptr;
}

} // namespace

TEST(DistributionChart, DrawsOnePointPerCompletedVisibleRun)
{
    GroupSpec first = allZones(1, 1);
    first.hidden = {2};
    first.failed = 2;
    first.reproductions = 1;
    GroupSpec second = allZones(2, 101);
    const std::vector<GroupAnalysis> groups = {makeGroup(first), makeGroup(second)};
    DistributionChart chart;
    chart.setGroups(groups);

    const auto runs = chart.plottedRuns();
    // Ids 1..8 completed, 3 hidden; 9, 10 failed; 11 a reproduction.
    EXPECT_EQ(runIdsOf(runs, 1), (std::set<int64_t>{1, 2, 4, 5, 6, 7, 8}));
    EXPECT_EQ(runIdsOf(runs, 2).size(), 8u);
    EXPECT_EQ(runs.size(), 15);
}

TEST(DistributionChart, ColoursEachPointByItsZone)
{
    const std::vector<GroupAnalysis> groups = {makeGroup(allZones(1, 1)), makeGroup(allZones(2, 101))};
    DistributionChart chart;
    chart.setGroups(groups);

    std::set<nf::stats::Zone> zones;
    for (const auto& run : chart.plottedRuns()) {
        const auto* stat = statOf(groups, run.runId);
        ASSERT_NE(stat, nullptr) << run.runId;
        EXPECT_EQ(run.color, nf::ui::zoneColor(stat->zone)) << "run " << run.runId;
        EXPECT_DOUBLE_EQ(run.position.y(), stat->accuracy * 100.0);
        zones.insert(stat->zone);
    }
    EXPECT_EQ(zones.size(), 4u) << "the fixture has a run in every zone";
}

TEST(DistributionChart, PutsEachGroupsRunsInItsOwnSlot)
{
    const std::vector<GroupAnalysis> groups = {makeGroup(allZones(7, 1)), makeGroup(allZones(9, 101)),
                                               makeGroup(allZones(4, 201))};
    DistributionChart chart;
    chart.setGroups(groups);

    for (const auto& run : chart.plottedRuns()) {
        const double slot = run.groupId == 7 ? 0 : run.groupId == 9 ? 1 : 2;
        EXPECT_GT(run.position.x(), slot - 0.5) << run.runId;
        EXPECT_LT(run.position.x(), slot + 0.5) << run.runId;
    }
}

TEST(DistributionChart, RedrawKeepsEveryPointInPlace)
{
    const std::vector<GroupAnalysis> groups = {makeGroup(allZones(1, 1))};
    DistributionChart chart;
    chart.setGroups(groups);
    std::map<int64_t, QPointF> before;
    for (const auto& run : chart.plottedRuns())
        before[run.runId] = run.position;

    chart.setStyle(DistributionChart::Style::Histogram);
    chart.setGroups(groups);
    ASSERT_EQ(chart.plottedRuns().size(), static_cast<qsizetype>(before.size()));
    for (const auto& run : chart.plottedRuns())
        EXPECT_EQ(run.position, before[run.runId]) << "run " << run.runId;
}

TEST(DistributionChart, ClickOnAPointEmitsItsRun)
{
    const std::vector<GroupAnalysis> groups = {makeGroup(allZones(1, 1)), makeGroup(allZones(2, 101))};
    DistributionChart chart;
    chart.resize(1000, 600);
    chart.setGroups(groups);
    chart.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&chart));

    // The suspicious run of the second group stands alone, far from every other point.
    const int64_t target = 108;
    QPointF position;
    for (const auto& run : chart.plottedRuns())
        if (run.runId == target)
            position = run.position;
    QSignalSpy clicked(&chart, &ChartWidget::runClicked);
    QTest::mouseClick(chart.viewport(), Qt::LeftButton, {}, chart.viewportPosition(position));
    ASSERT_EQ(clicked.count(), 1);
    EXPECT_EQ(clicked.front().front().toLongLong(), target);

    // The highlight ring lies over the point; a click still names the run.
    chart.setHighlightedRun(target);
    QTest::mouseClick(chart.viewport(), Qt::LeftButton, {}, chart.viewportPosition(position));
    ASSERT_EQ(clicked.count(), 2);
    EXPECT_EQ(clicked.back().front().toLongLong(), target);
}

TEST(DistributionChart, DrawsGroupsWithoutCompletedRunsAsEmptySlots)
{
    GroupSpec failedOnly;
    failedOnly.groupId = 5;
    failedOnly.failed = 3;
    GroupSpec single;
    single.groupId = 6;
    single.firstRunId = 50;
    single.accuracies = {0.9};
    DistributionChart chart;
    chart.setGroups({makeGroup(failedOnly), makeGroup(single)});

    const auto runs = chart.plottedRuns();
    ASSERT_EQ(runs.size(), 1);
    EXPECT_EQ(runs.front().runId, 50);
    EXPECT_FALSE(chart.renderImage(QSize(500, 300)).isNull());
}

TEST(DistributionChart, DrawsAThousandRunsPerGroup)
{
    std::vector<GroupAnalysis> groups;
    for (int g = 0; g < 3; ++g) {
        GroupSpec spec;
        spec.groupId = g + 1;
        spec.firstRunId = 1 + g * 1000;
        spec.accuracies = nf::test::spreadAround(0.85 - 0.01 * g, 0.004, 1000, static_cast<uint32_t>(g));
        groups.push_back(makeGroup(spec));
    }
    DistributionChart chart;
    chart.setGroups(groups);
    EXPECT_EQ(chart.plottedRuns().size(), 3000);
    EXPECT_FALSE(chart.renderImage(QSize(1000, 600)).isNull());
}

TEST(DistributionChart, BackgroundFollowsTheWidgetPalette)
{
    DistributionChart chart;
    chart.setGroups({makeGroup(allZones(1, 1))});
    QPalette dark = chart.palette();
    dark.setColor(QPalette::Base, QColor(30, 31, 34));
    dark.setColor(QPalette::Window, QColor(40, 41, 44));
    dark.setColor(QPalette::Text, QColor(225, 225, 225));
    dark.setColor(QPalette::WindowText, QColor(225, 225, 225));
    chart.setPalette(dark);

    const QImage image = chart.renderImage(QSize(400, 300));
    EXPECT_EQ(image.pixelColor(2, 2).rgb(), QColor(30, 31, 34).rgb());
    // The group's points are still drawn in their zone colours on the dark background.
    for (const auto& run : chart.plottedRuns())
        EXPECT_TRUE(run.color == nf::ui::zoneColor(nf::stats::Zone::Normal) ||
                    run.color == nf::ui::zoneColor(nf::stats::Zone::Watch) ||
                    run.color == nf::ui::zoneColor(nf::stats::Zone::Elevated) ||
                    run.color == nf::ui::zoneColor(nf::stats::Zone::Suspicious));
}

TEST(DistributionChart, HoverShowsTheRunsNumbers)
{
    const std::vector<GroupAnalysis> groups = {makeGroup(allZones(1, 1))};
    DistributionChart chart;
    chart.resize(800, 500);
    chart.setGroups(groups);
    chart.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&chart));

    QPointF position;
    for (const auto& run : chart.plottedRuns())
        if (run.runId == 8)
            position = run.position;
    QTest::mouseMove(chart.viewport(), chart.viewportPosition(position));
    ASSERT_TRUE(QTest::qWaitFor([] { return QToolTip::isVisible(); }, 2000));
    EXPECT_TRUE(QToolTip::text().startsWith(QStringLiteral("run 8 · seed 8\naccuracy 87.00\n")))
        << QToolTip::text().toStdString();
    EXPECT_TRUE(QToolTip::text().contains(QStringLiteral("(suspicious)"))) << QToolTip::text().toStdString();
    QToolTip::hideText();
}
