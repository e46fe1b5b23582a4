#include "charts/distributionchart.h"
#include "charts_fixture.h"
#include "zonestyle.h"

#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>
#include <QToolTip>
#include <algorithm>
#include <cmath>
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
    // The group's points are still drawn in their zone colours, those for a dark background.
    for (const auto& run : chart.plottedRuns())
        EXPECT_TRUE(run.color == nf::ui::zoneColor(nf::stats::Zone::Normal, dark) ||
                    run.color == nf::ui::zoneColor(nf::stats::Zone::Watch, dark) ||
                    run.color == nf::ui::zoneColor(nf::stats::Zone::Elevated, dark) ||
                    run.color == nf::ui::zoneColor(nf::stats::Zone::Suspicious, dark))
            << run.color.name().toStdString();
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

namespace {

// A 25-item task, where one item weighs 4 points: its zones are in noise units. Runs far out on
// both sides stretch the axis over every band.
GroupSpec smallTask(int64_t groupId, int64_t firstRunId)
{
    GroupSpec spec;
    spec.groupId = groupId;
    spec.firstRunId = firstRunId;
    spec.nItems = 25;
    spec.accuracies = {0.48, 0.52, 0.52, 0.48, 0.52, 0.04, 0.96};
    spec.flipShare = 0.4;
    return spec;
}

// Groups far apart (as the demo's: 75 to 86 points), each of five runs within a few tenths of a
// point: every run is normal.
std::vector<GroupAnalysis> sixSteadyGroups()
{
    const double means[] = {0.8362, 0.7499, 0.8307, 0.8613, 0.7974, 0.8569};
    std::vector<GroupAnalysis> groups;
    for (int g = 0; g < 6; ++g) {
        GroupSpec spec;
        spec.groupId = g + 1;
        spec.firstRunId = 1 + 10 * g;
        spec.accuracies = nf::test::spreadAround(means[g], 0.002, 5, static_cast<uint32_t>(g + 7));
        spec.flipShare = 0.05;
        groups.push_back(makeGroup(spec));
    }
    return groups;
}

QString plainText(QString html)
{
    html.replace(QStringLiteral("<br>"), QStringLiteral("\n"));
    html.remove(QStringLiteral("<center>")).remove(QStringLiteral("</center>"));
    html.replace(QStringLiteral("&lt;"), QStringLiteral("<"))
        .replace(QStringLiteral("&gt;"), QStringLiteral(">"));
    return html.replace(QStringLiteral("&amp;"), QStringLiteral("&"));
}

} // namespace

TEST(DistributionChart, DrawsTheBandsOfANoiseUnitGroupAtTwoThreeAndFourUnits)
{
    const GroupAnalysis group = makeGroup(smallTask(3, 1));
    const nf::stats::ZoneScale& zones = group.summary->zones;
    ASSERT_EQ(zones.unit, nf::stats::ZoneUnit::Noise)
        << "one item is 4 points, more than the watch threshold";
    const double unit = zones.unitPoints;
    ASSERT_GE(unit, 4.0);
    const double ref = group.summary->reference * 100.0;
    DistributionChart chart;
    chart.setGroups({group});

    std::map<nf::stats::Zone, std::vector<DistributionChart::ShadedBand>> byZone;
    for (const auto& band : chart.shadedBands()) {
        EXPECT_EQ(band.groupId, 3);
        byZone[band.zone].push_back(band);
    }
    ASSERT_EQ(byZone[nf::stats::Zone::Normal].size(), 1u);
    EXPECT_NEAR(byZone[nf::stats::Zone::Normal][0].low, ref - 2 * unit, 1e-9);
    EXPECT_NEAR(byZone[nf::stats::Zone::Normal][0].high, ref + 2 * unit, 1e-9);
    const auto hasBand = [&](nf::stats::Zone zone, double low, double high) {
        const auto& bands = byZone[zone];
        return std::any_of(bands.begin(), bands.end(), [&](const auto& band) {
            return std::abs(band.low - low) < 1e-9 && std::abs(band.high - high) < 1e-9;
        });
    };
    EXPECT_TRUE(hasBand(nf::stats::Zone::Watch, ref + 2 * unit, ref + 3 * unit));
    EXPECT_TRUE(hasBand(nf::stats::Zone::Watch, ref - 3 * unit, ref - 2 * unit));
    EXPECT_TRUE(hasBand(nf::stats::Zone::Elevated, ref + 3 * unit, ref + 4 * unit));
    EXPECT_TRUE(hasBand(nf::stats::Zone::Elevated, ref - 4 * unit, ref - 3 * unit));
    EXPECT_FALSE(byZone[nf::stats::Zone::Suspicious].empty());
    for (const auto& band : byZone[nf::stats::Zone::Suspicious])
        EXPECT_GE(std::abs((band.low + band.high) / 2 - ref), 4 * unit) << band.low << "–" << band.high;
    // A run 4 points off is one item away: normal, and coloured so.
    int oneItemAway = 0;
    for (const auto& run : chart.plottedRuns())
        if (std::abs(std::abs(run.position.y() - ref) - 4.0) < 1e-9) {
            ++oneItemAway;
            EXPECT_EQ(run.color, nf::ui::zoneColor(nf::stats::Zone::Normal)) << "run " << run.runId;
        }
    EXPECT_EQ(oneItemAway, 2);
}

TEST(DistributionChart, SaysAboveThePlotThatAGroupsZonesAreInNoiseUnits)
{
    DistributionChart chart;
    chart.setGroups({makeGroup(allZones(1, 1))});
    EXPECT_TRUE(chart.zoneNote().isEmpty()) << "10,000 items: the zones are in points";

    chart.setGroups({makeGroup(allZones(1, 1)), makeGroup(smallTask(7, 101))});
    const QString note = chart.zoneNote();
    EXPECT_TRUE(
        note.startsWith(QStringLiteral("<b>Zones in noise units</b> for group 7: one item of 25 weighs "
                                       "4.00 points")))
        << note.toStdString();
    EXPECT_TRUE(note.contains(QStringLiteral("The zones of group 1 are in points."))) << note.toStdString();
    EXPECT_FALSE(chart.renderImage(QSize(900, 500)).isNull());
}

TEST(DistributionChart, ShadesNoSuspiciousWallWhenEveryRunIsNormal)
{
    const std::vector<GroupAnalysis> groups = sixSteadyGroups();
    for (const auto& group : groups)
        for (const auto& run : group.summary->runs)
            ASSERT_EQ(run.zone, nf::stats::Zone::Normal) << "run " << run.id;
    DistributionChart chart;
    chart.setGroups(groups);

    double lowest = INFINITY;
    double highest = -INFINITY;
    for (const auto& run : chart.plottedRuns()) {
        lowest = std::min(lowest, run.position.y());
        highest = std::max(highest, run.position.y());
    }
    double suspiciousHeight = 0;
    double shadedHeight = 0;
    for (const auto& band : chart.shadedBands()) {
        shadedHeight += band.high - band.low;
        if (band.zone != nf::stats::Zone::Suspicious)
            continue;
        suspiciousHeight += band.high - band.low;
        // A strip just past the threshold of 5 points, not a band to the plot's edge.
        const auto* group = &*std::find_if(
            groups.begin(), groups.end(), [&](const GroupAnalysis& g) { return g.group.id == band.groupId; });
        const double ref = group->summary->reference * 100.0;
        EXPECT_GE(std::min(std::abs(band.low - ref), std::abs(band.high - ref)), 5.0 - 1e-9);
        EXPECT_LE(std::max(std::abs(band.low - ref), std::abs(band.high - ref)), 6.0 + 1e-9);
    }
    // Over the runs' range (75 to 86 points), six slots of red would be most of the plot; here a
    // strip of at most a point on either side of each group.
    EXPECT_LE(suspiciousHeight, 6 * 2 * 1.0 + 1e-9);
    EXPECT_LT(suspiciousHeight, 0.15 * shadedHeight);
    EXPECT_GT(highest - lowest, 10.0) << "the groups lie far apart";
}

TEST(DistributionChart, LabelsKeepTheConfigThatTellsGroupsApart)
{
    const char* params[] = {
        R"({"decoding":"greedy","dtype":"fp32","device":"cpu","batch_size":256})",
        R"({"decoding":"sample","temperature":1.0,"dtype":"fp32","device":"cpu","batch_size":256})",
        R"({"decoding":"greedy","dropout":"train","dtype":"fp32","device":"cpu","batch_size":256})"};
    std::vector<GroupAnalysis> groups = sixSteadyGroups();
    for (size_t g = 0; g < groups.size(); ++g) {
        groups[g].group.modelLabel = g < 3 ? "demo MLP, 1 epoch" : "demo MLP, 3 epochs";
        groups[g].group.paramsJson = params[g % 3];
    }
    DistributionChart chart;
    chart.resize(900, 560);
    chart.setGroups(groups);
    chart.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&chart));

    const QStringList labels = chart.slotLabels();
    ASSERT_EQ(labels.size(), 6);
    const QString expected[] = {QStringLiteral("greedy"), QStringLiteral("sample T=1.00"),
                                QStringLiteral("greedy,\nMC-dropout")};
    for (qsizetype g = 0; g < labels.size(); ++g) {
        const QString text = plainText(labels[g]);
        EXPECT_TRUE(text.contains(expected[g % 3])) << text.toStdString();
        EXPECT_FALSE(text.contains(QStringLiteral("fp32")))
            << "shared by every group: " << text.toStdString();
        EXPECT_TRUE(text.contains(g < 3 ? QStringLiteral("1 epoch") : QStringLiteral("3 epochs")))
            << text.toStdString();
    }
}

TEST(DistributionChart, ZoomedToEachGroupPlotsEveryRunAsItsDeviation)
{
    const std::vector<GroupAnalysis> groups = sixSteadyGroups();
    DistributionChart chart;
    chart.setGroups(groups);
    EXPECT_EQ(chart.valueAxisTitle(), QStringLiteral("accuracy (%)"));
    chart.setZoomEachGroup(true);
    EXPECT_TRUE(chart.zoomEachGroup());
    EXPECT_EQ(chart.valueAxisTitle(), QStringLiteral("accuracy − each group's median (points)"));

    const auto runs = chart.plottedRuns();
    ASSERT_EQ(runs.size(), 30);
    for (const auto& run : runs) {
        const auto* stat = statOf(groups, run.runId);
        ASSERT_NE(stat, nullptr);
        EXPECT_DOUBLE_EQ(run.position.y(), stat->deviation * 100.0) << "run " << run.runId;
        EXPECT_LT(std::abs(run.position.y()), 1.0);
    }
    // Every group's normal band is centred on 0.
    for (const auto& band : chart.shadedBands()) {
        if (band.zone == nf::stats::Zone::Normal) {
            EXPECT_NEAR(band.low + band.high, 0.0, 1e-9) << "group " << band.groupId;
        }
    }

    chart.setZoomEachGroup(false);
    for (const auto& run : chart.plottedRuns())
        EXPECT_DOUBLE_EQ(run.position.y(), statOf(groups, run.runId)->accuracy * 100.0);
}

TEST(DistributionChart, ZoomedHoverStillShowsTheRunsAccuracy)
{
    const std::vector<GroupAnalysis> groups = {makeGroup(allZones(1, 1))};
    DistributionChart chart;
    chart.resize(800, 500);
    chart.setZoomEachGroup(true);
    chart.setGroups(groups);
    chart.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&chart));

    QPointF position;
    for (const auto& run : chart.plottedRuns())
        if (run.runId == 8)
            position = run.position;
    EXPECT_NEAR(position.y(), 87.0 - 80.1, 1e-9) << "drawn at its deviation from the median of 80.1";
    QTest::mouseMove(chart.viewport(), chart.viewportPosition(position));
    ASSERT_TRUE(QTest::qWaitFor([] { return QToolTip::isVisible(); }, 2000));
    EXPECT_TRUE(
        QToolTip::text().startsWith(QStringLiteral("run 8 · seed 8\naccuracy 87.00\ndeviation +6.90 points")))
        << QToolTip::text().toStdString();
    QToolTip::hideText();
}
