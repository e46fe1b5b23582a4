// The pages around the charts, given groups made by hand: the Distribution page's zoom and its
// summary, the History page's list of flagged runs, the Items page's header.

#include "charts/distributionchart.h"
#include "charts_fixture.h"
#include "models/flipitemsmodel.h"
#include "models_fixture.h"
#include "pages/distributionpage.h"
#include "pages/historypage.h"
#include "pages/itemspage.h"
#include "pages/summarytext.h"

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QGuiApplication>
#include <QLabel>
#include <QTest>

namespace nf::ui {
namespace {

using test::GroupSpec;
using test::makeGroup;

// 25 items: one item weighs 4 points, so the group's zones are in noise units.
GroupAnalysis smallTaskGroup()
{
    GroupSpec spec;
    spec.groupId = 7;
    spec.nItems = 25;
    spec.accuracies = {0.24, 0.20, 0.24, 0.36, 0.36};
    spec.flipShare = 0.7;
    return makeGroup(spec);
}

GroupAnalysis bigTaskGroup()
{
    GroupSpec spec;
    spec.groupId = 6;
    spec.accuracies = {0.8575, 0.8561, 0.8594, 0.8556, 0.8557};
    spec.flipShare = 0.08;
    return makeGroup(spec);
}

TEST(SummaryText, SaysFirstThatAGroupsZonesAreInNoiseUnits)
{
    const GroupAnalysis small = smallTaskGroup();
    ASSERT_EQ(small.summary->zones.unit, stats::ZoneUnit::Noise);
    const QString html = summaryHtml(small, QGuiApplication::palette());
    EXPECT_TRUE(
        html.startsWith(QStringLiteral("<b>Zones in noise units</b> for group 7: one item of 25 weighs "
                                       "4.00 points, more than the watch threshold of 1.00 (1 unit = ")))
        << html.toStdString();
    EXPECT_FALSE(html.contains(QStringLiteral("watch threshold is below")))
        << "the noise units replace that note";
    EXPECT_FALSE(html.contains(QStringLiteral("-0.00")));

    const QString big = summaryHtml(bigTaskGroup(), QGuiApplication::palette());
    EXPECT_TRUE(big.startsWith(QStringLiteral("<b>group 6"))) << big.toStdString();
    EXPECT_TRUE(big.contains(QStringLiteral("(zones at ±1.00, 3.00, 5.00 points)"))) << big.toStdString();
}

TEST(DistributionPage, ZoomsEachGroupFromItsCheckBox)
{
    DistributionPage page;
    page.setGroups({bigTaskGroup(), smallTaskGroup()});
    auto* zoom = page.findChild<QCheckBox*>(QStringLiteral("zoomEachGroup"));
    ASSERT_NE(zoom, nullptr);
    EXPECT_FALSE(page.chart()->zoomEachGroup());
    zoom->setChecked(true);
    EXPECT_TRUE(page.chart()->zoomEachGroup());
    for (const auto& run : page.chart()->plottedRuns())
        EXPECT_LT(std::abs(run.position.y()), 20.0) << "deviations, not accuracies of 20 to 86";

    auto* summary = page.findChild<QLabel*>(QStringLiteral("distributionSummary"));
    ASSERT_NE(summary, nullptr);
    EXPECT_TRUE(summary->text().contains(QStringLiteral("<b>Zones in noise units</b> for group 7")));
    EXPECT_TRUE(
        page.chart()->zoneNote().startsWith(QStringLiteral("<b>Zones in noise units</b> for group 7")));
}

TEST(HistoryPage, ListsFlaggedRunsWithTheirRulesInWords)
{
    GroupSpec spec;
    spec.groupId = 4;
    spec.accuracies = {0.851, 0.849, 0.850, 0.852, 0.848, 0.851, 0.850, 0.849, 0.851, 0.850, 0.80};
    spec.flipShare = 0.05;
    HistoryPage page;
    page.setGroups({makeGroup(spec)});
    auto* flags = page.findChild<QLabel*>(QStringLiteral("historyFlags"));
    ASSERT_NE(flags, nullptr);
    const QString text = flags->text();
    EXPECT_TRUE(text.startsWith(QStringLiteral("Flagged by the control-chart rules: ")))
        << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("run 11 (group 4, seed 11, z -")) &&
                text.endsWith(QStringLiteral("): more than 3 sd from the rest of the group")))
        << text.toStdString();
    EXPECT_FALSE(text.contains(QStringLiteral("sigma"))) << text.toStdString();

    page.setGroups({bigTaskGroup()});
    EXPECT_EQ(flags->text(), QStringLiteral("No run is flagged by the control-chart rules."));
}

TEST(ItemsPage, CallsTheShareOfRunsThatAnsweredAnItemCorrectlyItsCorrectRate)
{
    test::ModelsFixture db;
    ItemsPage page;
    page.setDatabasePath(QString::fromStdString((db.dir / "runs.sqlite").string()));
    page.setGroup(db.group1, QStringLiteral("group %1").arg(db.group1));
    ASSERT_TRUE(QTest::qWaitFor([&] { return !page.busy(); }, 10000));
    auto* header = page.findChild<QLabel*>(QStringLiteral("itemsHeader"));
    ASSERT_NE(header, nullptr);
    QTRY_VERIFY(
        header->text().contains(QStringLiteral("Correct rate: the share of runs that answered the item "
                                               "correctly.")));
    EXPECT_FALSE(header->text().contains(QStringLiteral("Flip rate")));
    EXPECT_TRUE(
        header->text().contains(QStringLiteral("4 of 6 items flip: some of the 3 runs answer them correctly, "
                                               "others do not")))
        << header->text().toStdString();
    EXPECT_EQ(page.model()->headerData(FlipItemsModel::CorrectRateColumn, Qt::Horizontal).toString(),
              QStringLiteral("Correct rate"));
}

} // namespace
} // namespace nf::ui
