#include "stats/control_rules.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

using nf::stats::westernElectricRules;
using Rules = std::vector<std::string>;
using ZScores = std::vector<std::optional<double>>;

namespace {

// Indices of the runs where `rule` fires.
std::vector<std::size_t> firing(const ZScores& z, const std::string& rule)
{
    const auto rules = westernElectricRules(z);
    std::vector<std::size_t> where;
    for (std::size_t i = 0; i < rules.size(); ++i)
        for (const std::string& name : rules[i])
            if (name == rule)
                where.push_back(i);
    return where;
}

using Indices = std::vector<std::size_t>;

} // namespace

TEST(ControlRules, BeyondThreeSigmaFiresOnThatRunAlone)
{
    const auto rules = westernElectricRules({0.0, 3.1, 0.5, -3.5, 3.0});
    ASSERT_EQ(rules.size(), 5u);
    EXPECT_EQ(rules[0], Rules{});
    EXPECT_EQ(rules[1], Rules{"beyond_3sigma"});
    EXPECT_EQ(rules[2], Rules{});
    EXPECT_EQ(rules[3], Rules{"beyond_3sigma"});
    EXPECT_EQ(rules[4], Rules{}); // exactly 3 is not beyond
}

TEST(ControlRules, TwoOfThreeBeyondTwoSigmaOnOneSide)
{
    EXPECT_EQ(firing({2.5, 0.0, 2.1}, "2_of_3_beyond_2sigma"), Indices{2});
    EXPECT_EQ(firing({-2.5, -2.1, 0.0}, "2_of_3_beyond_2sigma"), Indices{1});
    // Opposite sides are not a pattern.
    EXPECT_EQ(firing({2.5, -2.5, 0.1}, "2_of_3_beyond_2sigma"), Indices{});
    // Three runs apart is outside the window.
    EXPECT_EQ(firing({2.5, 0.0, 0.0, 2.5}, "2_of_3_beyond_2sigma"), Indices{});
    // The run that completes the pattern must itself be beyond.
    EXPECT_EQ(firing({2.5, 2.5, 0.0}, "2_of_3_beyond_2sigma"), Indices{1});
    EXPECT_EQ(firing({2.0, 2.0, 2.0}, "2_of_3_beyond_2sigma"), Indices{});
}

TEST(ControlRules, FourOfFiveBeyondOneSigmaOnOneSide)
{
    EXPECT_EQ(firing({1.5, 1.2, 0.3, 1.1, 1.9}, "4_of_5_beyond_1sigma"), Indices{4});
    EXPECT_EQ(firing({-1.5, -1.2, -1.1, -1.9}, "4_of_5_beyond_1sigma"), Indices{3});
    EXPECT_EQ(firing({1.5, 1.2, 0.3, -1.1, 1.9}, "4_of_5_beyond_1sigma"), Indices{});
    EXPECT_EQ(firing({1.5, 1.2, 0.3, 0.2, 1.1, 1.9}, "4_of_5_beyond_1sigma"), Indices{});
}

TEST(ControlRules, EightInARowOnOneSide)
{
    ZScores above(9, 0.1);
    EXPECT_EQ(firing(above, "8_in_a_row_one_side"), (Indices{7, 8}));
    ZScores below(8, -0.4);
    EXPECT_EQ(firing(below, "8_in_a_row_one_side"), Indices{7});
    EXPECT_EQ(firing(ZScores(7, 0.1), "8_in_a_row_one_side"), Indices{});
    // A zero or a change of side starts the count again.
    EXPECT_EQ(firing({0.1, 0.1, 0.1, 0.1, 0.0, 0.1, 0.1, 0.1, 0.1}, "8_in_a_row_one_side"), Indices{});
    EXPECT_EQ(firing({0.1, 0.1, 0.1, 0.1, -0.1, 0.1, 0.1, 0.1, 0.1}, "8_in_a_row_one_side"), Indices{});
}

TEST(ControlRules, SeveralRulesCanFireOnOneRun)
{
    const auto rules = westernElectricRules({2.5, 3.5});
    EXPECT_EQ(rules[1], (Rules{"beyond_3sigma", "2_of_3_beyond_2sigma"}));
}

TEST(ControlRules, NullZGetsNoRulesAndCountsAsInside)
{
    const auto rules = westernElectricRules({std::nullopt, 3.5, std::nullopt, 2.5});
    EXPECT_EQ(rules[0], Rules{});
    EXPECT_EQ(rules[1], Rules{"beyond_3sigma"});
    EXPECT_EQ(rules[2], Rules{});
    EXPECT_EQ(rules[3], Rules{"2_of_3_beyond_2sigma"});
    ZScores broken(9, 0.1);
    broken[4] = std::nullopt;
    EXPECT_EQ(firing(broken, "8_in_a_row_one_side"), Indices{});
}

TEST(ControlRules, NoRunsNoRules)
{
    EXPECT_TRUE(westernElectricRules({}).empty());
}
