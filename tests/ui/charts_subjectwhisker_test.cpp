// The per-subject chart's intervals: a whisker per subject with an interval, drawn at its bar,
// and a delta axis wide enough for all of them.

#include "charts/subjectdeltachart.h"

#include <gtest/gtest.h>

#include <QApplication>

using nf::stats::SubjectDelta;
using nf::ui::SubjectDeltaChart;

namespace {

SubjectDelta subject(const std::string& name, double delta, std::optional<nf::stats::Interval> ci,
                     int64_t items = 20)
{
    SubjectDelta row;
    row.subject = name;
    row.meanA = 0.5;
    row.meanB = 0.5 + delta;
    row.delta = delta;
    row.nItems = items;
    row.ci95 = ci;
    return row;
}

} // namespace

TEST(SubjectDeltaChart, DrawsAWhiskerPerSubjectEqualToItsIntervalInPoints)
{
    SubjectDeltaChart chart;
    chart.resize(600, 400);
    chart.setDeltas({subject("anatomy", -0.02, nf::stats::Interval{-0.05, 0.01}),
                     subject("astronomy", 0.031, nf::stats::Interval{0.004, 0.058}),
                     subject("virology", 0.0, nf::stats::Interval{-0.12, 0.12})});
    const auto whiskers = chart.whiskers();
    ASSERT_EQ(whiskers.size(), 3);
    // Top to bottom, as the bars: the largest gain first.
    EXPECT_EQ(whiskers[0].subject, QStringLiteral("astronomy"));
    EXPECT_EQ(whiskers[0].row, 0);
    EXPECT_NEAR(whiskers[0].lo, 0.4, 1e-9);
    EXPECT_NEAR(whiskers[0].hi, 5.8, 1e-9);
    EXPECT_EQ(whiskers[1].subject, QStringLiteral("virology"));
    EXPECT_NEAR(whiskers[1].lo, -12.0, 1e-9);
    EXPECT_NEAR(whiskers[1].hi, 12.0, 1e-9);
    EXPECT_EQ(whiskers[2].subject, QStringLiteral("anatomy"));
    EXPECT_EQ(whiskers[2].row, 2);
    EXPECT_NEAR(whiskers[2].lo, -5.0, 1e-9);
    EXPECT_NEAR(whiskers[2].hi, 1.0, 1e-9);
}

TEST(SubjectDeltaChart, TheDeltaAxisTakesInEveryWhisker)
{
    SubjectDeltaChart chart;
    // Small differences with wide intervals: the bars alone would ask for a narrow axis.
    chart.setDeltas({subject("a", 0.01, nf::stats::Interval{-0.3, 0.32}),
                     subject("b", -0.005, nf::stats::Interval{-0.21, 0.2})});
    const auto range = chart.deltaRange();
    EXPECT_LE(range.first, -30.0);
    EXPECT_GE(range.second, 32.0);
}

TEST(SubjectDeltaChart, DrawsNoWhiskerForASubjectWithoutAnInterval)
{
    SubjectDeltaChart chart;
    chart.setDeltas(
        {subject("one item", 0.5, std::nullopt, 1), subject("many", 0.1, nf::stats::Interval{0.0, 0.2})});
    ASSERT_EQ(chart.bars().size(), 2);
    const auto whiskers = chart.whiskers();
    ASSERT_EQ(whiskers.size(), 1);
    EXPECT_EQ(whiskers[0].subject, QStringLiteral("many"));
    EXPECT_EQ(whiskers[0].row, 1);
    EXPECT_FALSE(chart.renderImage(QSize(500, 300)).isNull());
}

TEST(SubjectDeltaChart, KeepsTheWhiskersOfTheSubjectsKeptByTheCap)
{
    std::vector<SubjectDelta> rows;
    for (int i = 0; i < 40; ++i) {
        const double delta = (i % 2 ? 1 : -1) * 0.001 * i;
        rows.push_back(
            subject("subject " + std::to_string(i), delta, nf::stats::Interval{delta - 0.01, delta + 0.01}));
    }
    SubjectDeltaChart chart;
    chart.setDeltas(rows, 10);
    const auto bars = chart.bars();
    const auto whiskers = chart.whiskers();
    ASSERT_EQ(whiskers.size(), 10);
    for (qsizetype i = 0; i < whiskers.size(); ++i) {
        EXPECT_EQ(whiskers[i].subject, bars[i].first);
        EXPECT_NEAR((whiskers[i].lo + whiskers[i].hi) / 2, bars[i].second, 1e-9);
    }
}

// The demo's compare of groups 1 and 2 (the Compare tab's screenshot): every loss, its value
// written left of its whisker, the longest reaching -16.7. At any width the Compare panel may
// have, each value stays inside the plot, clear of the subject names left of it.
TEST(SubjectDeltaChart, WritesEveryValueInsideThePlotAtAnyWidth)
{
    const struct
    {
        const char* name;
        double delta, lo, hi;
    } demo[] = {{"Trouser", -0.019, -0.025, -0.013},  {"Sandal", -0.0466, -0.055, -0.038},
                {"Bag", -0.0496, -0.059, -0.040},     {"Sneaker", -0.0592, -0.068, -0.050},
                {"Ankle boot", -0.0752, -0.089, -0.061}, {"Shirt", -0.1068, -0.128, -0.085},
                {"Dress", -0.107, -0.121, -0.093},    {"T-shirt/top", -0.1266, -0.144, -0.109},
                {"Pullover", -0.127, -0.147, -0.107}, {"Coat", -0.146, -0.167, -0.125}};
    std::vector<SubjectDelta> rows;
    for (const auto& row : demo)
        rows.push_back(subject(row.name, row.delta, nf::stats::Interval{row.lo, row.hi}, 1000));
    for (int width = 300; width <= 900; width += 7) {
        SubjectDeltaChart chart;
        chart.resize(width, 480);
        chart.setDeltas(rows);
        chart.show();
        QApplication::processEvents();
        const QRectF plot = chart.plotArea();
        const auto boxes = chart.valueLabelBoxes();
        ASSERT_EQ(boxes.size(), 10);
        for (const QRectF& box : boxes) {
            EXPECT_GE(box.left(), plot.left() - 0.5) << "width " << width << ": a value crosses the plot's left edge";
            EXPECT_LE(box.right(), plot.right() + 0.5) << "width " << width;
        }
    }
}
