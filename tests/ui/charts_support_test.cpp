// The words a run's tooltip shows, the zone legend, the label under a group's slot, the time axis.

#include "charts/chartsupport.h"
#include "charts/timeaxis.h"
#include "charts_fixture.h"

#include <gtest/gtest.h>

#include <QDateTime>
#include <QFont>
#include <QFontMetrics>

using namespace nf;

TEST(RunToolTip, NamesRunSeedAccuracyDeviationZoneAndZ)
{
    store::RunRow run;
    run.id = 12;
    run.seed = 3;
    stats::RunStat stat;
    stat.accuracy = 0.8613;
    stat.deviation = 0.0042;
    stat.zone = stats::Zone::Watch;
    stat.z = 1.31;
    EXPECT_EQ(ui::charts::runToolTip(run, stat),
              QStringLiteral("run 12 · seed 3\naccuracy 86.13\ndeviation +0.42 points (watch)\nz 1.3"));

    stat.deviation = -0.0107;
    stat.z.reset();
    stat.rules = {"beyond_3sigma"};
    EXPECT_EQ(
        ui::charts::runToolTip(run, stat),
        QStringLiteral("run 12 · seed 3\naccuracy 86.13\ndeviation -1.07 points (watch)\nz – (needs three runs that differ)\n"
                       "rule: more than 3 sd from the rest of the group"));
}

TEST(ZoneLegend, StatesEachZonesThresholds)
{
    const stats::ZoneThresholds thresholds{1.0, 2.5, 5.0};
    EXPECT_EQ(ui::charts::zoneLegendText(stats::Zone::Normal, thresholds), QStringLiteral("normal |d| < 1"));
    EXPECT_EQ(ui::charts::zoneLegendText(stats::Zone::Watch, thresholds), QStringLiteral("watch 1–2.5"));
    EXPECT_EQ(ui::charts::zoneLegendText(stats::Zone::Elevated, thresholds),
              QStringLiteral("elevated 2.5–5"));
    EXPECT_EQ(ui::charts::zoneLegendText(stats::Zone::Suspicious, thresholds),
              QStringLiteral("suspicious |d| ≥ 5"));
}

TEST(GroupSlotLabel, KeepsEveryLineWithinTheSlot)
{
    test::GroupSpec spec;
    spec.groupId = 12;
    spec.model = "a-model-with-a-very-long-label<v2>";
    spec.accuracies = {0.8, 0.81, 0.82};
    const ui::GroupAnalysis group = test::makeGroup(spec);
    const QFontMetrics metrics{QFont()};

    const auto lines = [&](int width) {
        QString html = ui::charts::groupSlotHtml(group, metrics, width);
        EXPECT_TRUE(html.startsWith(QStringLiteral("<center>")) &&
                    html.endsWith(QStringLiteral("</center>")));
        return html.remove(QStringLiteral("<center>"))
            .remove(QStringLiteral("</center>"))
            .split(QStringLiteral("<br>"));
    };
    EXPECT_EQ(lines(400).join(QLatin1Char('|')),
              QStringLiteral("group 12|a-model-with-a-very-long-label&lt;v2&gt;|n 3 · sd 1.00"));

    const int narrow = 60;
    const QStringList narrowLines = lines(narrow);
    ASSERT_EQ(narrowLines.size(), 4) << "n and sd on lines of their own";
    EXPECT_EQ(narrowLines[2], QStringLiteral("n 3"));
    EXPECT_EQ(narrowLines[3], QStringLiteral("sd 1.00"));
    for (QString line : narrowLines)
        EXPECT_LE(metrics.horizontalAdvance(line.replace(QStringLiteral("&lt;"), QStringLiteral("<"))),
                  narrow)
            << line.toStdString();
}

TEST(GroupSlotLabel, StaysDistinctWhenTooNarrowForAnyText)
{
    test::GroupSpec first;
    first.groupId = 3;
    first.accuracies = {0.8};
    test::GroupSpec second = first;
    second.groupId = 4;
    const QFontMetrics metrics{QFont()};
    EXPECT_NE(ui::charts::groupSlotHtml(test::makeGroup(first), metrics, 2),
              ui::charts::groupSlotHtml(test::makeGroup(second), metrics, 2));
}

TEST(TimeAxis, ReadsStartTimesWithAndWithoutMilliseconds)
{
    const auto withMillis = ui::charts::startMs("2026-11-28T04:10:00.123Z");
    const auto without = ui::charts::startMs("2026-11-28T04:10:00Z");
    ASSERT_TRUE(withMillis && without);
    EXPECT_DOUBLE_EQ(*withMillis - *without, 123.0);
    EXPECT_DOUBLE_EQ(
        *without,
        static_cast<double>(QDateTime(QDate(2026, 11, 28), QTime(4, 10), Qt::UTC).toMSecsSinceEpoch()));
    EXPECT_FALSE(ui::charts::startMs("last tuesday"));
}

TEST(TimeAxis, GivesALoneRunRoomAndRoundTicks)
{
    const double t = *ui::charts::startMs("2026-11-28T04:10:00Z");
    const auto range = ui::charts::timeAxisRange(t, t);
    EXPECT_LE(range.left, t - 10 * 60 * 1000.0);
    EXPECT_GE(range.right, t + 10 * 60 * 1000.0);
    EXPECT_GE(range.ticks, 2);
    EXPECT_LE(range.ticks, 10);
    EXPECT_EQ(range.format, QStringLiteral("HH:mm"));
    const double step = (range.right - range.left) / (range.ticks - 1);
    EXPECT_EQ(std::fmod(step, 60 * 1000.0), 0.0) << "whole minutes";
}

TEST(TimeAxis, SpansDaysWithDayTicks)
{
    const double from = *ui::charts::startMs("2026-11-01T00:00:00Z");
    const double to = *ui::charts::startMs("2026-11-20T00:00:00Z");
    const auto range = ui::charts::timeAxisRange(from, to);
    EXPECT_LE(range.left, from);
    EXPECT_GE(range.right, to);
    EXPECT_LE(range.ticks, 10);
    EXPECT_EQ(range.format, QStringLiteral("MMM d"));
}
