#include "reference/one_group_expected.h"
#include "stats/intervals.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ref = nf::reference::one_group;
using nf::stats::Interval;

namespace {

// Closed forms agree with R to rounding; 1e-9 relative is what the issue asks.
void expectRelative(double actual, double expected)
{
    EXPECT_NEAR(actual, expected, std::max(1e-9 * std::fabs(expected), 1e-15));
}

void expectInterval(const Interval& actual, double lo, double hi)
{
    expectRelative(actual.lo, lo);
    expectRelative(actual.hi, hi);
}

} // namespace

TEST(Intervals, QuantilesMatchR)
{
    expectRelative(nf::stats::tQuantile(0.975, 1), ref::qt_0975_df1);
    expectRelative(nf::stats::tQuantile(0.975, 9), ref::qt_0975_df9);
    expectRelative(nf::stats::tQuantile(0.975, 3.5), ref::qt_0975_df3_5);
    expectRelative(nf::stats::normalQuantile(0.975), ref::qnorm_0975);
}

TEST(Intervals, TIntervalMatchesRTTest)
{
    expectInterval(nf::stats::tInterval(ref::mixed_mean, ref::mixed_sd, 6), ref::mixed_ci95_lo,
                   ref::mixed_ci95_hi);
    expectInterval(nf::stats::tInterval(ref::mixed_mean, ref::mixed_sd, 6, 0.90), ref::mixed_ci90_lo,
                   ref::mixed_ci90_hi);
    expectInterval(nf::stats::tInterval(ref::two_mean, ref::two_sd, 2), ref::two_t_ci95_lo, ref::two_t_ci95_hi);
}

TEST(Intervals, AccuracyMeanIntervalIsTheTIntervalWithinZeroAndOne)
{
    bool logit = true;
    expectInterval(nf::stats::accuracyMeanInterval(ref::mixed_mean, ref::mixed_sd, 6, &logit), ref::mixed_ci95_lo,
                   ref::mixed_ci95_hi);
    EXPECT_FALSE(logit);
}

TEST(Intervals, AccuracyMeanIntervalTurnsToTheLogitScaleBeyondZeroOrOne)
{
    ASSERT_LT(ref::two_t_ci95_lo, 0.0);
    ASSERT_GT(ref::two_t_ci95_hi, 1.0);
    bool logit = false;
    const Interval ci = nf::stats::accuracyMeanInterval(ref::two_mean, ref::two_sd, 2, &logit);
    EXPECT_TRUE(logit);
    expectInterval(ci, ref::two_ci95_lo, ref::two_ci95_hi);
    EXPECT_GT(ci.lo, 0.0);
    EXPECT_LT(ci.hi, 1.0);
    EXPECT_LT(ci.lo, ref::two_mean);
    EXPECT_GT(ci.hi, ref::two_mean);
}

TEST(Intervals, AccuracyPredictionIntervalIsClamped)
{
    expectInterval(nf::stats::accuracyPredictionInterval(ref::two_mean, ref::two_sd, 2), 0.0, 1.0);
    expectInterval(nf::stats::accuracyPredictionInterval(ref::mmlu_mean, ref::mmlu_sd, 10), ref::mmlu_pi95_lo,
                   ref::mmlu_pi95_hi);
}

TEST(Intervals, DifferencesAreClampedToPlusMinusOne)
{
    const Interval clamped = nf::stats::clampDifference({-1.4, 0.3});
    EXPECT_EQ(clamped.lo, -1.0);
    EXPECT_EQ(clamped.hi, 0.3);
}

TEST(Intervals, PredictionIntervalMatchesQtFormula)
{
    expectInterval(nf::stats::predictionInterval(ref::mmlu_mean, ref::mmlu_sd, 10), ref::mmlu_pi95_lo,
                   ref::mmlu_pi95_hi);
    expectInterval(nf::stats::predictionInterval(ref::two_mean, ref::two_sd, 2), ref::two_raw_pi95_lo,
                   ref::two_raw_pi95_hi);
}

TEST(Intervals, ZeroSdGivesDegenerateInterval)
{
    const Interval ci = nf::stats::tInterval(0.6, 0.0, 4);
    EXPECT_EQ(ci.lo, 0.6);
    EXPECT_EQ(ci.hi, 0.6);
    const Interval pi = nf::stats::predictionInterval(0.6, 0.0, 4);
    EXPECT_EQ(pi.lo, 0.6);
    EXPECT_EQ(pi.hi, 0.6);
}

TEST(Intervals, WilsonMatchesPropTestWithoutCorrection)
{
    expectInterval(nf::stats::wilson(7, 20), ref::wilson_7_of_20_lo, ref::wilson_7_of_20_hi);
    expectInterval(nf::stats::wilson(8612, 14042), ref::wilson_8612_of_14042_lo,
                   ref::wilson_8612_of_14042_hi);
    expectInterval(nf::stats::wilson(7, 20, 0.90), ref::wilson90_7_of_20_lo, ref::wilson90_7_of_20_hi);
}

TEST(Intervals, WilsonIsExactlyZeroOrOneAtTheEnds)
{
    const Interval none = nf::stats::wilson(0, 10);
    EXPECT_EQ(none.lo, 0.0);
    expectRelative(none.hi, ref::wilson_0_of_10_hi);
    const Interval all = nf::stats::wilson(10, 10);
    expectRelative(all.lo, ref::wilson_10_of_10_lo);
    EXPECT_EQ(all.hi, 1.0);
    const Interval single = nf::stats::wilson(1, 1);
    expectRelative(single.lo, ref::wilson_1_of_1_lo);
    EXPECT_EQ(single.hi, 1.0);
}

TEST(Intervals, RejectsWhatHasNoInterval)
{
    EXPECT_THROW(nf::stats::tInterval(0.5, 0.1, 1), std::invalid_argument);
    EXPECT_THROW(nf::stats::predictionInterval(0.5, 0.1, 0), std::invalid_argument);
    EXPECT_THROW(nf::stats::tInterval(0.5, -0.1, 5), std::invalid_argument);
    EXPECT_THROW(nf::stats::tInterval(0.5, 0.1, 5, 1.0), std::invalid_argument);
    EXPECT_THROW(nf::stats::wilson(0, 0), std::invalid_argument);
    EXPECT_THROW(nf::stats::wilson(11, 10), std::invalid_argument);
}
