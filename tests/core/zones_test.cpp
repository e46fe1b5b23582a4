#include "core/error_message.h"
#include "stats/zones.h"

#include <gtest/gtest.h>

#include <string>

using nf::InputError;
using nf::stats::ReferenceMode;
using nf::stats::Zone;
using nf::stats::zoneOf;
using nf::stats::ZoneThresholds;
using nf::test::errorMessage;

TEST(Zones, DefaultBandsFollowDesign)
{
    const ZoneThresholds defaults;
    EXPECT_EQ(zoneOf(0.0, defaults), Zone::Normal);
    EXPECT_EQ(zoneOf(0.99, defaults), Zone::Normal);
    EXPECT_EQ(zoneOf(1.0, defaults), Zone::Watch);
    EXPECT_EQ(zoneOf(2.99, defaults), Zone::Watch);
    EXPECT_EQ(zoneOf(3.0, defaults), Zone::Elevated);
    EXPECT_EQ(zoneOf(4.99, defaults), Zone::Elevated);
    EXPECT_EQ(zoneOf(5.0, defaults), Zone::Suspicious);
    EXPECT_EQ(zoneOf(40.0, defaults), Zone::Suspicious);
}

TEST(Zones, NegativeDeviationsUseTheirMagnitude)
{
    const ZoneThresholds defaults;
    EXPECT_EQ(zoneOf(-0.5, defaults), Zone::Normal);
    EXPECT_EQ(zoneOf(-1.0, defaults), Zone::Watch);
    EXPECT_EQ(zoneOf(-3.5, defaults), Zone::Elevated);
    EXPECT_EQ(zoneOf(-5.0, defaults), Zone::Suspicious);
}

TEST(Zones, ExactlyOnePointFromFractionsIsWatch)
{
    // Both differences are one point of 100 items; in doubles one is a hair above, one below.
    const double above = (0.51 - 0.50) * 100.0;
    const double below = (0.06 - 0.05) * 100.0;
    ASSERT_LT(below, 1.0);
    EXPECT_EQ(zoneOf(above, ZoneThresholds{}), Zone::Watch);
    EXPECT_EQ(zoneOf(below, ZoneThresholds{}), Zone::Watch);
    EXPECT_EQ(zoneOf(-below, ZoneThresholds{}), Zone::Watch);
    // One item of 14,042 below the threshold is still below it.
    EXPECT_EQ(zoneOf(1.0 - 100.0 / 14042, ZoneThresholds{}), Zone::Normal);
}

TEST(Zones, CustomThresholds)
{
    const ZoneThresholds tight{0.5, 1.5, 2.5};
    EXPECT_EQ(zoneOf(0.4, tight), Zone::Normal);
    EXPECT_EQ(zoneOf(0.5, tight), Zone::Watch);
    EXPECT_EQ(zoneOf(1.5, tight), Zone::Elevated);
    EXPECT_EQ(zoneOf(2.5, tight), Zone::Suspicious);
}

TEST(Zones, NamesAreTheJsonWords)
{
    EXPECT_STREQ(toString(Zone::Normal), "normal");
    EXPECT_STREQ(toString(Zone::Watch), "watch");
    EXPECT_STREQ(toString(Zone::Elevated), "elevated");
    EXPECT_STREQ(toString(Zone::Suspicious), "suspicious");
    EXPECT_STREQ(toString(ReferenceMode::Median), "median");
    EXPECT_STREQ(toString(ReferenceMode::Mean), "mean");
}

TEST(Zones, ParsesThresholdsWithSpacesAndDecimals)
{
    const ZoneThresholds plain = nf::stats::parseThresholds("1,3,5");
    EXPECT_EQ(plain.watch, 1.0);
    EXPECT_EQ(plain.elevated, 3.0);
    EXPECT_EQ(plain.suspicious, 5.0);
    const ZoneThresholds spaced = nf::stats::parseThresholds(" 0.5, 2.25 ,4 ");
    EXPECT_EQ(spaced.watch, 0.5);
    EXPECT_EQ(spaced.elevated, 2.25);
    EXPECT_EQ(spaced.suspicious, 4.0);
}

TEST(Zones, RejectsThresholdsThatAreNotThreeIncreasingPositiveNumbers)
{
    for (const std::string bad : {"", "1,3", "1,3,5,7", "3,1,5", "1,3,3", "0,3,5", "-1,3,5", "a,3,5", "1,,5",
                                  "1,3,5,", "1,3,inf", "nan,3,5", "1;3;5", "1,3,5x"}) {
        const std::string message = errorMessage([&] { nf::stats::parseThresholds(bad); });
        EXPECT_NE(message.find("'" + bad + "'"), std::string::npos) << message;
        EXPECT_NE(message.find("like 1,3,5"), std::string::npos) << message;
    }
}

TEST(Zones, FormattedThresholdsParseBack)
{
    for (const ZoneThresholds t :
         {ZoneThresholds{}, ZoneThresholds{0.1, 0.7, 2.3}, ZoneThresholds{1.25, 3, 10}}) {
        const std::string text = nf::stats::formatThresholds(t);
        const ZoneThresholds back = nf::stats::parseThresholds(text);
        EXPECT_EQ(back.watch, t.watch) << text;
        EXPECT_EQ(back.elevated, t.elevated) << text;
        EXPECT_EQ(back.suspicious, t.suspicious) << text;
    }
    EXPECT_EQ(nf::stats::formatThresholds(ZoneThresholds{}), "1,3,5");
}

TEST(Zones, ParsesReferenceModeAndRejectsOthers)
{
    EXPECT_EQ(nf::stats::parseReferenceMode("median"), ReferenceMode::Median);
    EXPECT_EQ(nf::stats::parseReferenceMode("mean"), ReferenceMode::Mean);
    const std::string message = errorMessage([] { nf::stats::parseReferenceMode("average"); });
    EXPECT_NE(message.find("'average'"), std::string::npos) << message;
    EXPECT_NE(message.find("'median' or 'mean'"), std::string::npos) << message;
}
