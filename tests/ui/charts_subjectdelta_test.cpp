#include "charts/subjectdeltachart.h"

#include <gtest/gtest.h>

using nf::stats::SubjectDelta;
using nf::ui::SubjectDeltaChart;

namespace {

SubjectDelta delta(const std::string& subject, std::optional<double> value)
{
    SubjectDelta row;
    row.subject = subject;
    if (value) {
        row.meanA = 0.5;
        row.meanB = 0.5 + *value;
        row.delta = value;
    }
    return row;
}

} // namespace

TEST(SubjectDeltaChart, ListsSubjectsLargestGainFirstInPoints)
{
    SubjectDeltaChart chart;
    chart.setDeltas(
        {delta("anatomy", -0.02), delta("astronomy", 0.031), delta("virology", 0.0), delta("law", -0.05)});
    const auto bars = chart.bars();
    ASSERT_EQ(bars.size(), 4);
    EXPECT_EQ(bars[0].first, QStringLiteral("astronomy"));
    EXPECT_DOUBLE_EQ(bars[0].second, 3.1);
    EXPECT_EQ(bars[1].first, QStringLiteral("virology"));
    EXPECT_EQ(bars[2].first, QStringLiteral("anatomy"));
    EXPECT_EQ(bars[3].first, QStringLiteral("law"));
    EXPECT_DOUBLE_EQ(bars[3].second, -5.0);
}

TEST(SubjectDeltaChart, KeepsOnlyTheLargestDifferencesWhenCapped)
{
    std::vector<SubjectDelta> rows;
    for (int i = 0; i < 40; ++i)
        rows.push_back(delta("subject " + std::to_string(i), (i % 2 ? 1 : -1) * 0.001 * i));
    SubjectDeltaChart chart;
    chart.setDeltas(rows, 10);
    const auto bars = chart.bars();
    ASSERT_EQ(bars.size(), 10);
    for (const auto& bar : bars)
        EXPECT_GE(std::abs(bar.second), 3.0 - 1e-9) << bar.first.toStdString();
    for (qsizetype i = 1; i < bars.size(); ++i)
        EXPECT_GE(bars[i - 1].second, bars[i].second);
}

TEST(SubjectDeltaChart, LeavesOutSubjectsOnlyOneGroupHas)
{
    SubjectDeltaChart chart;
    chart.setDeltas({delta("anatomy", 0.01), delta("only in A", std::nullopt)});
    ASSERT_EQ(chart.bars().size(), 1);
    EXPECT_EQ(chart.bars().front().first, QStringLiteral("anatomy"));
}

TEST(SubjectDeltaChart, DrawsWithoutSubjects)
{
    SubjectDeltaChart chart;
    chart.setDeltas({});
    EXPECT_TRUE(chart.bars().isEmpty());
    EXPECT_FALSE(chart.renderImage(QSize(400, 300)).isNull());
}
