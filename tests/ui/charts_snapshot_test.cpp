// Realistic charts rendered offscreen in a light and a dark palette: the test checks they draw;
// with NF_CHART_SNAPSHOT_DIR set it also leaves the PNGs there for a person to look at.

#include "charts/distributionchart.h"
#include "charts/historychart.h"
#include "charts/subjectdeltachart.h"
#include "charts_fixture.h"

#include <gtest/gtest.h>

#include <QDir>

using nf::test::GroupSpec;
using nf::test::makeGroup;
using nf::ui::GroupAnalysis;

namespace {

// A greedy group (every run the same), a sampling group (sd about 0.4 points) and the sampling
// config in bf16, shifted down and with one bad run; optionally the greedy run pinned.
std::vector<GroupAnalysis> realisticGroups(bool pinned)
{
    GroupSpec greedy;
    greedy.groupId = 3;
    greedy.model = "demo-mlp-3ep";
    greedy.firstRunId = 1;
    greedy.accuracies = std::vector<double>(12, 0.8547);
    GroupSpec sampling;
    sampling.groupId = 4;
    sampling.model = "demo-mlp-3ep";
    sampling.firstRunId = 101;
    sampling.accuracies = nf::test::spreadAround(0.8512, 0.004, 40, 7);
    sampling.flipShare = 0.16;
    sampling.hidden = {5};
    sampling.failed = 1;
    sampling.start = sampling.start.addDays(1);
    GroupSpec shifted;
    shifted.groupId = 5;
    shifted.model = "demo-mlp-3ep-bf16-long-name";
    shifted.firstRunId = 201;
    shifted.accuracies = nf::test::spreadAround(0.8285, 0.005, 25, 11);
    shifted.accuracies[17] = 0.7891;
    shifted.flipShare = 0.2;
    shifted.start = shifted.start.addDays(2);
    for (GroupSpec* spec : {&greedy, &sampling, &shifted}) {
        if (pinned) {
            spec->pinned = 0.8547;
            spec->pinnedLabel = "run 1";
        }
    }
    return {makeGroup(greedy), makeGroup(sampling), makeGroup(shifted)};
}

std::vector<nf::stats::SubjectDelta> realisticDeltas()
{
    const char* names[] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                           "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    const double deltas[] = {-0.012, 0.002, -0.031, 0.006, -0.044, 0.001, -0.052, 0.004, -0.003, 0.008};
    std::vector<nf::stats::SubjectDelta> rows;
    for (int i = 0; i < 10; ++i) {
        nf::stats::SubjectDelta row;
        row.subject = names[i];
        row.meanA = 0.8;
        row.meanB = 0.8 + deltas[i];
        row.delta = deltas[i];
        row.nItems = 1000;
        row.ci95 = nf::stats::Interval{deltas[i] - 0.01, deltas[i] + 0.01};
        rows.push_back(row);
    }
    return rows;
}

// MMLU-like: 57 subjects with long names, most within a point, a few far off.
std::vector<nf::stats::SubjectDelta> manySubjects()
{
    std::vector<nf::stats::SubjectDelta> rows;
    const auto spread = nf::test::spreadAround(0.0, 0.012, 57, 5);
    for (int i = 0; i < 57; ++i) {
        const std::string name =
            (i % 3 == 0 ? "high_school_government_and_politics_" : "college_medicine_") + std::to_string(i);
        nf::stats::SubjectDelta row;
        row.subject = name;
        row.meanA = 0.6;
        row.delta = spread[static_cast<size_t>(i)];
        row.meanB = 0.6 + *row.delta;
        row.nItems = 250;
        row.ci95 = nf::stats::Interval{*row.delta - 0.02, *row.delta + 0.02};
        rows.push_back(row);
    }
    return rows;
}

QPalette darkPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x30));
    palette.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
    palette.setColor(QPalette::Text, QColor(0xdf, 0xe1, 0xe5));
    palette.setColor(QPalette::WindowText, QColor(0xdf, 0xe1, 0xe5));
    return palette;
}

void snapshot(const nf::ui::ChartWidget& chart, const QString& name)
{
    const QImage image = chart.renderImage(QSize(1000, 600));
    ASSERT_EQ(image.size(), QSize(1000, 600));
    const QString dir = qEnvironmentVariable("NF_CHART_SNAPSHOT_DIR");
    if (!dir.isEmpty()) {
        ASSERT_TRUE(image.save(QDir(dir).filePath(name))) << name.toStdString();
    }
}

} // namespace

TEST(ChartSnapshots, RenderRealisticChartsInLightAndDarkPalettes)
{
    for (const bool dark : {false, true}) {
        const QString suffix = dark ? QStringLiteral("-dark.png") : QStringLiteral("-light.png");
        nf::ui::DistributionChart distribution;
        nf::ui::HistoryChart history;
        nf::ui::SubjectDeltaChart deltas;
        for (nf::ui::ChartWidget* chart :
             std::initializer_list<nf::ui::ChartWidget*>{&distribution, &history, &deltas})
            if (dark)
                chart->setPalette(darkPalette());

        distribution.setGroups(realisticGroups(false));
        EXPECT_EQ(distribution.plottedRuns().size(), 12 + 39 + 25);
        snapshot(distribution, QStringLiteral("charts-distribution") + suffix);
        distribution.setGroups(realisticGroups(true));
        distribution.setHighlightedRun(218); // group 5's bad run, ringed
        snapshot(distribution, QStringLiteral("charts-distribution-pinned") + suffix);
        distribution.setStyle(nf::ui::DistributionChart::Style::Histogram);
        snapshot(distribution, QStringLiteral("charts-distribution-histogram") + suffix);

        if (!dark && !qEnvironmentVariable("NF_CHART_SNAPSHOT_DIR").isEmpty()) {
            distribution.resize(1000, 600);
            QString error;
            EXPECT_TRUE(distribution.saveImage(QDir(qEnvironmentVariable("NF_CHART_SNAPSHOT_DIR"))
                                                   .filePath(QStringLiteral("charts-distribution.svg")),
                                               &error))
                << error.toStdString();
        }

        history.setGroups(realisticGroups(true));
        EXPECT_FALSE(history.flaggedRuns().isEmpty());
        snapshot(history, QStringLiteral("charts-history") + suffix);

        deltas.setDeltas(realisticDeltas());
        snapshot(deltas, QStringLiteral("charts-subjects") + suffix);
        deltas.setDeltas(manySubjects(), 30);
        EXPECT_EQ(deltas.bars().size(), 30);
        snapshot(deltas, QStringLiteral("charts-subjects-capped") + suffix);
    }
}

TEST(ChartSnapshots, RenderTwelveGroupsOfAThousandRuns)
{
    if (qEnvironmentVariableIsEmpty("NF_CHART_SNAPSHOT_DIR"))
        GTEST_SKIP() << "set NF_CHART_SNAPSHOT_DIR to render the many-groups snapshots";
    std::vector<GroupAnalysis> groups;
    for (int g = 0; g < 12; ++g) {
        GroupSpec spec;
        spec.groupId = 20 + g;
        spec.model = g % 2 ? "demo-mlp-3ep" : "tiny-lm-sampled";
        spec.firstRunId = 1 + g * 1000;
        spec.accuracies = nf::test::spreadAround(0.85 - 0.003 * g, 0.004, 1000, static_cast<uint32_t>(g));
        spec.flipShare = 0.1;
        spec.minutesApart = 1;
        spec.start = spec.start.addDays(g);
        groups.push_back(makeGroup(spec));
    }
    nf::ui::DistributionChart distribution;
    distribution.setGroups(groups);
    EXPECT_EQ(distribution.plottedRuns().size(), 12000);
    snapshot(distribution, QStringLiteral("charts-distribution-12groups-light.png"));
    nf::ui::HistoryChart history;
    history.setGroups(groups);
    snapshot(history, QStringLiteral("charts-history-12groups-light.png"));
}
