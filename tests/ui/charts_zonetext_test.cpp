// The zones in words: the legend of groups in points and in noise units, the note that says a
// group's zones are in noise units, a run's tooltip, and the config line under a group's slot.

#include "workspace/number_text.h"
#include "charts/chartsupport.h"
#include "charts_fixture.h"
#include "stats/zones.h"
#include "zonestyle.h"

#include <gtest/gtest.h>

#include <QFont>
#include <QFontMetrics>

using namespace nf;

namespace {

// A 25-item task: one item weighs 4 points, more than the watch threshold, so the zones are in
// noise units of max(4, seed noise) points.
test::GroupSpec smallTask(int64_t groupId, std::vector<double> accuracies, double flipShare)
{
    test::GroupSpec spec;
    spec.groupId = groupId;
    spec.firstRunId = 100 * groupId;
    spec.nItems = 25;
    spec.accuracies = std::move(accuracies);
    spec.flipShare = flipShare;
    return spec;
}

} // namespace

TEST(ZoneLegend, StatesNoiseUnitsAndTheirPoints)
{
    const stats::ZoneScale zones = stats::zoneScale({}, 25, 0.075);
    ASSERT_EQ(zones.unit, stats::ZoneUnit::Noise);
    ASSERT_DOUBLE_EQ(zones.unitPoints, 7.5);
    EXPECT_EQ(ui::zoneRangeText(stats::Zone::Normal, zones),
              QStringLiteral("normal < 2 noise units (15.0 pts)"));
    EXPECT_EQ(ui::zoneRangeText(stats::Zone::Watch, zones),
              QStringLiteral("watch 2–3 units (15.0–22.5 pts)"));
    EXPECT_EQ(ui::zoneRangeText(stats::Zone::Elevated, zones),
              QStringLiteral("elevated 3–4 units (22.5–30.0 pts)"));
    EXPECT_EQ(ui::zoneRangeText(stats::Zone::Suspicious, zones),
              QStringLiteral("suspicious ≥ 4 units (30.0 pts)"));
    EXPECT_EQ(ui::zoneRangeText(stats::Zone::Normal, stats::zoneScale({}, 14042, 0.002)),
              QStringLiteral("normal |d| < 1"));
}

TEST(ZoneLegend, OfSeveralGroupsSaysWhatTheirZonesShare)
{
    const ui::GroupAnalysis small = test::makeGroup(smallTask(2, {0.24, 0.20, 0.24, 0.36, 0.36}, 0.7));
    const ui::GroupAnalysis greedy = test::makeGroup(smallTask(1, {0.36, 0.36, 0.36}, 0.0));
    test::GroupSpec bigSpec;
    bigSpec.groupId = 6;
    bigSpec.accuracies = {0.85, 0.851, 0.849};
    const ui::GroupAnalysis big = test::makeGroup(bigSpec);
    ASSERT_EQ(ui::zonesOf(small).unit, stats::ZoneUnit::Noise);
    ASSERT_EQ(ui::zonesOf(greedy).unit, stats::ZoneUnit::Noise);
    ASSERT_NE(ui::zonesOf(small).unitPoints, ui::zonesOf(greedy).unitPoints);

    EXPECT_EQ(ui::charts::zoneLegendText(stats::Zone::Watch, {small}),
              ui::zoneRangeText(stats::Zone::Watch, ui::zonesOf(small)));
    // Units of different sizes: the multiples only, the points are each group's own.
    EXPECT_EQ(ui::charts::zoneLegendText(stats::Zone::Normal, {small, greedy}),
              QStringLiteral("normal < 2 noise units"));
    EXPECT_EQ(ui::charts::zoneLegendText(stats::Zone::Suspicious, {big, small}),
              QStringLiteral("suspicious |d| ≥ 5 or ≥ 4 units"));
    EXPECT_EQ(ui::charts::zoneLegendText(stats::Zone::Normal, {big}), QStringLiteral("normal |d| < 1"));
}

TEST(ZoneNote, SaysWhyAndHowBigAUnitIsForEachGroup)
{
    const ui::GroupAnalysis small = test::makeGroup(smallTask(2, {0.24, 0.20, 0.24, 0.36, 0.36}, 0.7));
    const ui::GroupAnalysis greedy = test::makeGroup(smallTask(1, {0.36, 0.36, 0.36}, 0.0));
    test::GroupSpec bigSpec;
    bigSpec.groupId = 6;
    bigSpec.accuracies = {0.85, 0.851, 0.849};
    const ui::GroupAnalysis big = test::makeGroup(bigSpec);

    EXPECT_TRUE(ui::noiseUnitNoteHtml({&big}).isEmpty());
    EXPECT_EQ(
        ui::noiseUnitNoteHtml({&greedy}),
        QStringLiteral("<b>Zones in noise units</b> for group 1: one item of 25 weighs 4.00 points, more "
                       "than the watch threshold of 1.00 (1 unit = 4.00 points). Normal &lt; 2 units, "
                       "watch &lt; 3, elevated &lt; 4, suspicious beyond."));
    const QString both = ui::noiseUnitNoteHtml({&greedy, &small, &big});
    const QString unit = QString::fromStdString(workspace::fixedText(ui::zonesOf(small).unitPoints, 2));
    EXPECT_TRUE(
        both.startsWith(QStringLiteral("<b>Zones in noise units</b> for groups 1 and 2: one item of 25 "
                                       "weighs 4.00 points, more than the watch threshold of 1.00 (1 unit "
                                       "= 4.00 points for group 1, ") +
                        unit + QStringLiteral(" for group 2).")))
        << both.toStdString();
    EXPECT_TRUE(both.endsWith(QStringLiteral("The zones of group 6 are in points."))) << both.toStdString();
}

TEST(RunToolTip, NeverShowsMinusZeroAndGivesNoiseUnits)
{
    store::RunRow run;
    run.id = 7;
    run.seed = 2;
    stats::RunStat stat;
    stat.accuracy = 0.5;
    stat.deviation = -0.00001;
    stat.z = -0.01;
    const QString points = ui::charts::runToolTip(run, stat);
    EXPECT_TRUE(points.contains(QStringLiteral("deviation 0.00 points (normal)"))) << points.toStdString();
    EXPECT_TRUE(points.contains(QStringLiteral("\nz 0.0"))) << points.toStdString();
    EXPECT_FALSE(points.contains(QStringLiteral("-0.0"))) << points.toStdString();

    stat.deviation = -0.12;
    stat.rules = {"2_of_3_beyond_2sigma"};
    const QString noise = ui::charts::runToolTip(run, stat, stats::zoneScale({}, 25, 0.075));
    EXPECT_TRUE(noise.contains(QStringLiteral("deviation -12.00 points (normal, 1.6 noise units)")))
        << noise.toStdString();
    EXPECT_TRUE(noise.contains(
        QStringLiteral("rule: 2 of the last 3 runs more than 2 sd from the group, on one side")))
        << noise.toStdString();
}

TEST(GroupSlotLabel, WrapsTheConfigAndElidesTheSharedStartOfTheModelFirst)
{
    test::GroupSpec spec;
    spec.groupId = 6;
    spec.model = "demo MLP, 3 epochs";
    spec.accuracies = {0.8, 0.81, 0.82};
    const ui::GroupAnalysis group = test::makeGroup(spec);
    const QFontMetrics metrics{QFont()};
    const int width = metrics.horizontalAdvance(QStringLiteral("MC-dropout")) + 4;
    ASSERT_LT(width, metrics.horizontalAdvance(QStringLiteral("greedy, MC-dropout")));
    ASSERT_LT(width, metrics.horizontalAdvance(QStringLiteral("demo MLP, 3 epochs")));

    const QString html = ui::charts::groupSlotHtml(
        group, metrics, width, QStringLiteral("greedy, MC-dropout"), QStringLiteral("3 epochs"));
    QStringList lines = QString(html)
                            .remove(QStringLiteral("<center>"))
                            .remove(QStringLiteral("</center>"))
                            .split(QStringLiteral("<br>"));
    ASSERT_GE(lines.size(), 5) << html.toStdString();
    EXPECT_EQ(lines[0], QStringLiteral("group 6"));
    EXPECT_TRUE(lines[1].endsWith(QStringLiteral("3 epochs"))) << lines[1].toStdString();
    EXPECT_EQ(lines[2], QStringLiteral("greedy,"));
    EXPECT_EQ(lines[3], QStringLiteral("MC-dropout"));
    for (const QString& line : lines)
        EXPECT_LE(metrics.horizontalAdvance(line), width) << line.toStdString();
}

TEST(GroupSlotLabel, ConfigsKeepOnlyWhatTellsTheGroupsApart)
{
    std::vector<ui::GroupAnalysis> groups(3);
    groups[0].group.paramsJson = R"({"decoding":"greedy","dtype":"fp32","device":"cpu","batch_size":256})";
    groups[1].group.paramsJson =
        R"({"decoding":"sample","temperature":1.0,"dtype":"fp32","device":"cpu","batch_size":256})";
    groups[2].group.paramsJson =
        R"({"decoding":"greedy","dropout":"train","dtype":"fp32","device":"cpu","batch_size":256})";
    EXPECT_EQ(ui::charts::distinguishingConfigs(groups),
              (QStringList{QStringLiteral("greedy"), QStringLiteral("sample T=1.00"),
                           QStringLiteral("greedy, MC-dropout")}));
    groups.resize(1);
    EXPECT_EQ(ui::charts::distinguishingConfigs(groups),
              QStringList{QStringLiteral("greedy, fp32, cpu, bs 256")});

    std::vector<ui::GroupAnalysis> models(2);
    models[0].group.modelLabel = "demo MLP, 1 epoch";
    models[1].group.modelLabel = "demo MLP, 3 epochs";
    EXPECT_EQ(ui::charts::distinguishingModelEnds(models),
              (QStringList{QStringLiteral("1 epoch"), QStringLiteral("3 epochs")}));
}
