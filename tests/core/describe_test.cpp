#include "stats/describe.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using nf::stats::describe;

TEST(Describe, KnownValuesOfOddSample)
{
    // mean 5, deviations -3 -1 -1 -1 0 0 2 4 0: squares sum to 32, sd = sqrt(32 / 8) = 2.
    const auto d = describe({2, 4, 4, 4, 5, 5, 7, 9, 5});
    EXPECT_EQ(d.n, 9u);
    EXPECT_DOUBLE_EQ(d.mean, 5.0);
    EXPECT_DOUBLE_EQ(d.sd, std::sqrt(32.0 / 8.0));
    EXPECT_DOUBLE_EQ(d.median, 5.0);
    EXPECT_DOUBLE_EQ(d.min, 2.0);
    EXPECT_DOUBLE_EQ(d.max, 9.0);
    EXPECT_DOUBLE_EQ(d.range, 7.0);
}

TEST(Describe, MedianOfEvenSampleAveragesMiddlePair)
{
    const auto d = describe({0.91, 0.87, 0.89, 0.90});
    EXPECT_DOUBLE_EQ(d.median, (0.89 + 0.90) / 2);
    EXPECT_DOUBLE_EQ(d.mean, (0.91 + 0.87 + 0.89 + 0.90) / 4);
    EXPECT_NEAR(d.range, 0.04, 1e-15);
}

TEST(Describe, SampleStandardDeviationUsesNMinusOne)
{
    const auto d = describe({1, 2, 3, 4});
    EXPECT_DOUBLE_EQ(d.sd, std::sqrt(5.0 / 3.0)); // population sd would be sqrt(5 / 4)
}

TEST(Describe, StableForLargeOffset)
{
    // Textbook case where the sum-of-squares formula loses every digit: variance 30.
    const double offset = 1e9;
    const auto d = describe({offset + 4, offset + 7, offset + 13, offset + 16});
    EXPECT_DOUBLE_EQ(d.mean, offset + 10);
    EXPECT_NEAR(d.sd, std::sqrt(30.0), 1e-9);
}

TEST(Describe, IdenticalValuesHaveZeroSpread)
{
    const auto d = describe({0.8731, 0.8731, 0.8731});
    EXPECT_EQ(d.sd, 0.0);
    EXPECT_EQ(d.range, 0.0);
    EXPECT_EQ(d.median, 0.8731);
}

TEST(Describe, SingleValueHasNoStandardDeviation)
{
    const auto d = describe({0.85});
    EXPECT_EQ(d.n, 1u);
    EXPECT_DOUBLE_EQ(d.mean, 0.85);
    EXPECT_TRUE(std::isnan(d.sd));
    EXPECT_DOUBLE_EQ(d.median, 0.85);
    EXPECT_DOUBLE_EQ(d.min, 0.85);
    EXPECT_DOUBLE_EQ(d.max, 0.85);
    EXPECT_EQ(d.range, 0.0);
}

TEST(Describe, EmptySampleIsAllNaNExceptCount)
{
    const auto d = describe({});
    EXPECT_EQ(d.n, 0u);
    for (double value : {d.mean, d.sd, d.median, d.min, d.max, d.range})
        EXPECT_TRUE(std::isnan(value));
}

TEST(Describe, NaNInSampleMakesEveryStatisticNaN)
{
    const auto d = describe({0.9, std::numeric_limits<double>::quiet_NaN(), 0.8});
    EXPECT_EQ(d.n, 3u);
    for (double value : {d.mean, d.sd, d.median, d.min, d.max, d.range})
        EXPECT_TRUE(std::isnan(value));
}
