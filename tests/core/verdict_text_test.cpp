// The verdict in words: the badge combines the three answers, each question has its own sentence,
// and numbers never read "-0.00".

#include "workspace/number_text.h"
#include "workspace/verdict.h"
#include "core/stats_groups.h"
#include "stats/compare.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

using namespace nf::stats;

using nf::test::runsGroup;

TEST(VerdictText, ARealButSmallRegressionSaysItIsSmallerThanWhatMatters)
{
    const std::array<int64_t, 5> greedy = {8613, 8613, 8613, 8613, 8613};
    const std::array<int64_t, 5> dropout = {8575, 8561, 8594, 8556, 8557};
    const Comparison c = compare(runsGroup(greedy, 10000), runsGroup(dropout, 10000));
    EXPECT_EQ(nf::workspace::verdictBadge(c), "real regression of 0.44 points, smaller than the 1.00 that matters");
    const auto answers = nf::workspace::verdictAnswers(c);
    EXPECT_EQ(answers.beyondNoise.rfind("yes: B is 0.44 points worse (one_sample 95% CI [", 0), 0u)
        << answers.beyondNoise;
    EXPECT_NE(answers.matters.find("no: the 90% CI ["), std::string::npos) << answers.matters;
    EXPECT_NE(answers.matters.find("] lies within ±1.00 (equivalence, TOST p "), std::string::npos) << answers.matters;
    EXPECT_EQ(answers.matters.rfind("(difference that matters 1.00 points) ", 0), 0u) << answers.matters;
    EXPECT_FALSE(nf::workspace::moreRepeatsNeeded(c));
}

TEST(VerdictText, EquivalentAndRealImprovementBadges)
{
    const std::array<int64_t, 5> closeA = {7000, 7002, 6998, 7001, 6999};
    const std::array<int64_t, 5> closeB = {7003, 7001, 7005, 6999, 7002};
    EXPECT_EQ(nf::workspace::verdictBadge(compare(runsGroup(closeA, 10000), runsGroup(closeB, 10000))),
              "equivalent within 1.00 points");
    const std::array<int64_t, 5> better = {7470, 7480, 7475, 7478, 7473};
    EXPECT_EQ(nf::workspace::verdictBadge(compare(runsGroup(closeA, 10000), runsGroup(better, 10000))),
              "real improvement of 4.75 points");
}

TEST(VerdictText, InconclusiveSaysWhatIsNotRuledOut)
{
    const std::array<int64_t, 2> a = {700, 710};
    const std::array<int64_t, 2> b = {705, 731};
    const Comparison c = compare(runsGroup(a, 1000), runsGroup(b, 1000));
    EXPECT_EQ(nf::workspace::verdictBadge(c),
              "inconclusive: not beyond noise, and a difference of 1.00 points is not ruled out");
    const auto more = nf::workspace::moreRepeatsNeeded(c);
    ASSERT_TRUE(more);
    EXPECT_EQ(more->a, c.settle.moreA);
    EXPECT_EQ(more->b, c.settle.moreB);
}

TEST(NumberText, NothingRoundsToMinusZero)
{
    EXPECT_EQ(nf::workspace::fixedText(-0.001, 2), "0.00");
    EXPECT_EQ(nf::workspace::fixedText(-0.0, 2), "0.00");
    EXPECT_EQ(nf::workspace::fixedText(-0.006, 2), "-0.01");
    EXPECT_EQ(nf::workspace::fixedText(-1e-14, 0), "0");
    EXPECT_EQ(nf::workspace::signedPointsText(-1.1e-16), "0.00");
    EXPECT_EQ(nf::workspace::signedPointsText(0.0042), "+0.42");
    EXPECT_EQ(nf::workspace::signedPointsText(-0.011), "-1.10");
    EXPECT_EQ(nf::workspace::pointsIntervalText(Interval{-0.0089, -0.000012}), "[-0.89, -0.0012]")
        << "an end that rounds to 0 keeps its side";
    EXPECT_EQ(nf::workspace::pValueText(0.049981), "0.04998") << "a p-value at the 5% line keeps its side";
    EXPECT_EQ(nf::workspace::pValueText(0.0312), "0.0312");
    EXPECT_EQ(nf::workspace::pValueText(0.00001), "< 0.0001");
    EXPECT_EQ(nf::workspace::pointsIntervalText(Interval{0.0, 0.02}), "[0.00, 2.00]");
}
