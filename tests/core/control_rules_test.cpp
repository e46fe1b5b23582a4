#include "stats/control_rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
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

// ---- Calibration: healthy groups are flagged at the nominal rate ---------------------------------

namespace {

// A fixed stream of standard normal draws (Box-Muller over SplitMix64): the same numbers on every
// platform, unlike std::normal_distribution.
class NormalDraws
{
public:
    explicit NormalDraws(uint64_t seed) : m_state(seed) {}

    double next()
    {
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        const double u1 = (static_cast<double>(bits() >> 11) + 0.5) / 9007199254740992.0;
        const double u2 = static_cast<double>(bits() >> 11) / 9007199254740992.0;
        const double radius = std::sqrt(-2.0 * std::log(u1));
        m_spare = radius * std::sin(2.0 * M_PI * u2);
        m_hasSpare = true;
        return radius * std::cos(2.0 * M_PI * u2);
    }

private:
    uint64_t bits()
    {
        uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    uint64_t m_state;
    double m_spare = 0.0;
    bool m_hasSpare = false;
};

struct FlagRates
{
    double beyond3PerRun = 0; // share of runs flagged beyond_3sigma
    double anyRulePerGroup = 0; // share of groups with at least one flag of any rule
    double anyRulePerGroupKnownSigma = 0; // the same with the true mean and sd: the rules' own rate
};

FlagRates simulateHealthyGroups(std::size_t runs, int groups, uint64_t seed)
{
    NormalDraws draws(seed);
    int64_t beyond3 = 0;
    int flaggedGroups = 0;
    int flaggedKnown = 0;
    for (int g = 0; g < groups; ++g) {
        std::vector<double> accuracies(runs);
        ZScores known(runs);
        for (std::size_t r = 0; r < runs; ++r) {
            const double noise = draws.next();
            known[r] = noise;
            accuracies[r] = 0.70 + 0.004 * noise; // a 0.4-point run-to-run sd around 70%
        }
        const auto rules = nf::stats::controlChart(accuracies).rules;
        bool any = false;
        for (const auto& fired : rules) {
            any = any || !fired.empty();
            beyond3 += std::count(fired.begin(), fired.end(), std::string("beyond_3sigma"));
        }
        flaggedGroups += any ? 1 : 0;
        const auto knownRules = westernElectricRules(known);
        flaggedKnown += std::any_of(knownRules.begin(), knownRules.end(), [](const Rules& r) { return !r.empty(); });
    }
    FlagRates rates;
    rates.beyond3PerRun = static_cast<double>(beyond3) / static_cast<double>(groups * static_cast<int64_t>(runs));
    rates.anyRulePerGroup = static_cast<double>(flaggedGroups) / groups;
    rates.anyRulePerGroupKnownSigma = static_cast<double>(flaggedKnown) / groups;
    return rates;
}

} // namespace

TEST(ControlChart, BeyondThreeSigmaFiresAtItsNominalRateInHealthyGroupsOfEverySize)
{
    // 10,000 groups of i.i.d. normal runs per size. With the old 1.4826 x MAD scale, 26% of
    // five-run groups had a run "beyond 3 sigma" and 6.8% of runs were flagged (nominal 0.27%).
    for (const std::size_t runs : {5u, 10u, 20u}) {
        const FlagRates rates = simulateHealthyGroups(runs, 10000, 20261207 + runs);
        std::printf("%2zu runs: beyond_3sigma %.3f%% of runs; groups with any rule %.1f%% (with the true "
                    "mean and sd %.1f%%)\n",
                    runs, 100 * rates.beyond3PerRun, 100 * rates.anyRulePerGroup,
                    100 * rates.anyRulePerGroupKnownSigma);
        EXPECT_GE(rates.beyond3PerRun, 0.001) << runs << " runs";
        EXPECT_LE(rates.beyond3PerRun, 0.006) << runs << " runs";
        // The other rules judge estimated z no more often than they would judge the true one.
        EXPECT_LE(rates.anyRulePerGroup, 1.2 * rates.anyRulePerGroupKnownSigma + 0.005) << runs << " runs";
    }
}

TEST(ControlChart, LeaveOneOutZIsStudentTOnTheNormalScale)
{
    // Others 0.70, 0.71, 0.72: mean 0.71, sd 0.01; the run 0.75 is t = 0.04 / (0.01 sqrt(4/3)) =
    // 3.4641 with 2 df, one-sided tail 0.037090, which is 1.7855022 on the normal scale (R:
    // qnorm(pt(-t, 2), lower.tail = FALSE)): far from "beyond 3" with so few others.
    const auto z = nf::stats::leaveOneOutZ({0.70, 0.71, 0.72, 0.75});
    ASSERT_TRUE(z[3]);
    EXPECT_NEAR(*z[3], 1.785502167, 1e-8);
    EXPECT_FALSE(nf::stats::leaveOneOutZ({0.7, 0.8})[0]) << "two runs: one other run has no spread";
    EXPECT_FALSE(nf::stats::leaveOneOutZ({0.7, 0.7, 0.7})[0]) << "no spread at all";
}

TEST(ControlChart, OneOutlierIsFlaggedAloneNotTheSteadyRunsBeforeIt)
{
    // Ten steady runs and one 5 points below: the outlier drags the mean under every other run,
    // but the row rule counts sides of the median, so only the outlier is flagged.
    std::vector<double> accuracies = {0.851, 0.849, 0.850, 0.852, 0.848, 0.851, 0.850, 0.849, 0.852, 0.850, 0.80};
    const auto chart = nf::stats::controlChart(accuracies, 1.0 / (1000 * std::sqrt(12.0)));
    for (std::size_t i = 0; i + 1 < accuracies.size(); ++i)
        EXPECT_TRUE(chart.rules[i].empty()) << "run " << i;
    EXPECT_EQ(chart.rules.back(), Rules{"beyond_3sigma"});
}

TEST(ControlChart, EightInARowCountsSidesOfTheMedian)
{
    // Nine runs creeping up, then nine more above all of them (a shift): the first nine sit below
    // the median and the last nine above it.
    std::vector<double> accuracies;
    for (int i = 0; i < 9; ++i)
        accuracies.push_back(0.80 + 0.001 * i);
    for (int i = 0; i < 9; ++i)
        accuracies.push_back(0.812 + 0.001 * (i % 3));
    const auto chart = nf::stats::controlChart(accuracies);
    EXPECT_EQ(std::count_if(chart.rules.begin(), chart.rules.end(),
                            [](const Rules& r) {
                                return std::find(r.begin(), r.end(), "8_in_a_row_one_side") != r.end();
                            }),
              4)
        << "runs 7 and 8 complete eight in a row below the median, runs 16 and 17 above it";
}

TEST(ControlChart, RulesReadAsWords)
{
    EXPECT_EQ(nf::stats::ruleWords("beyond_3sigma"), "more than 3 sd from the rest of the group");
    EXPECT_EQ(nf::stats::ruleWords("8_in_a_row_one_side"), "8 runs in a row on one side of the group's median");
    EXPECT_EQ(nf::stats::ruleWords("something_else"), "something_else");
}
