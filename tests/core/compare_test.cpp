// Two-group statistics against R: the data sets and R's answers come from
// tests/reference/two_groups_expected.h, written by tests/reference/two_groups.R.

#include "core/error_message.h"
#include "core/stats_groups.h"
#include "reference/two_groups_expected.h"
#include "stats/compare.h"
#include "stats/intervals.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace ref = nf::stats::reference;
using namespace nf::stats;

namespace {

constexpr double closedForm = 1e-9; // relative tolerance for closed-form quantities

void expectRelative(double actual, double expected, double tolerance = closedForm)
{
    EXPECT_NEAR(actual, expected, tolerance * std::max(std::fabs(expected), 1e-300))
        << "expected " << expected;
}

void expectRelative(const std::optional<double>& actual, double expected)
{
    ASSERT_TRUE(actual.has_value());
    expectRelative(*actual, expected);
}

bool hasNote(const Comparison& comparison, const std::string& fragment)
{
    return std::any_of(comparison.notes.begin(), comparison.notes.end(),
                       [&](const std::string& note) { return note.find(fragment) != std::string::npos; });
}

// A group known by its per-item correct counts out of `runs` runs each; its run accuracies are
// spread around the items' mean so that the first question has something to work on.
template <typename Counts> GroupData runsGroup(const Counts& correct, int64_t items = ref::runItems)
{
    return nf::test::runsGroup(correct, items);
}

template <typename Counts> GroupData itemsGroup(const Counts& correct, int64_t runs)
{
    GroupData group;
    int64_t total = 0;
    for (int64_t c : correct) {
        group.items.push_back(ItemCount{runs, c});
        total += c;
    }
    const int64_t items = static_cast<int64_t>(group.items.size());
    for (int64_t r = 0; r < runs; ++r)
        group.runs.push_back(RunPoint{r + 1, r, items, std::clamp<int64_t>(total / runs + r % 2, 0, items)});
    return group;
}

// An MMLU-sized pair of groups made by formula: per-item rates correlated across the groups, B a
// little better.
std::pair<GroupData, GroupData> mmluSizedGroups(int64_t items, int64_t runs)
{
    std::vector<int64_t> a(static_cast<size_t>(items));
    std::vector<int64_t> b(a.size());
    uint64_t state = 12345;
    for (size_t i = 0; i < a.size(); ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const int64_t base = static_cast<int64_t>((state >> 33) % static_cast<uint64_t>(runs + 1));
        a[i] = base;
        b[i] = std::clamp<int64_t>(base + static_cast<int64_t>((state >> 20) % 7) - 2, 0, runs);
    }
    return {itemsGroup(a, runs), itemsGroup(b, runs)};
}

void expectNoNaN(const Comparison& c)
{
    std::vector<std::optional<double>> values = {
        c.runTest.t, c.runTest.df, c.runTest.p, c.runTest.se,         c.mde, c.pooledSd, c.paired.meanDiff,
        c.paired.se, c.paired.z,   c.paired.p,  c.paired.correlation, c.sdA, c.sdB};
    for (const auto& value : values)
        EXPECT_FALSE(value && !std::isfinite(*value));
    for (const auto& interval : {c.runTest.ci95, c.paired.ci95, c.bootstrap.ci95})
        EXPECT_FALSE(interval && (!std::isfinite(interval->lo) || !std::isfinite(interval->hi)));
    EXPECT_TRUE(std::isfinite(c.delta));
    EXPECT_TRUE(std::isfinite(c.mcnemar.p));
    EXPECT_TRUE(std::isfinite(c.mcnemar.statistic));
}

} // namespace

// ---- First question: beyond run-to-run noise? ---------------------------------------------------

TEST(Welch, MatchesRTTestWithUnequalVariances)
{
    const Comparison c = compare(runsGroup(ref::welchA), runsGroup(ref::welchB));
    EXPECT_EQ(c.runTest.method, RunTestMethod::Welch);
    EXPECT_STREQ(runTestMethodName(c.runTest.method), "welch");
    expectRelative(c.runTest.t, ref::welchT);
    expectRelative(c.runTest.df, ref::welchDf);
    expectRelative(c.runTest.p, ref::welchP);
    expectRelative(c.runTest.se, ref::welchSe);
    ASSERT_TRUE(c.runTest.ci95);
    expectRelative(c.runTest.ci95->lo, ref::welchCiLo);
    expectRelative(c.runTest.ci95->hi, ref::welchCiHi);
    EXPECT_EQ(c.runsA, 5);
    EXPECT_EQ(c.runsB, 6);
}

TEST(Welch, TwoRunsPerGroup)
{
    const Comparison c = compare(runsGroup(ref::twoA), runsGroup(ref::twoB));
    EXPECT_EQ(c.runTest.method, RunTestMethod::Welch);
    expectRelative(c.runTest.t, ref::twoT);
    expectRelative(c.runTest.df, ref::twoDf);
    expectRelative(c.runTest.p, ref::twoP);
    expectRelative(c.runTest.ci95->lo, ref::twoCiLo);
    expectRelative(c.runTest.ci95->hi, ref::twoCiHi);
}

TEST(Welch, MinimumDetectableEffectUsesTQuantilesAtWelchDf)
{
    const Comparison c = compare(runsGroup(ref::welchA), runsGroup(ref::welchB));
    expectRelative(c.mde, ref::welchMde);
    expectRelative(*c.mde, (ref::welchQt975 + ref::welchQt80) * ref::welchSe);
    expectRelative(c.pooledSd, ref::welchPooledSd);
}

TEST(OneSample, GreedyGroupAgainstSampledGroup)
{
    const Comparison c = compare(runsGroup(ref::greedyA), runsGroup(ref::sampledB));
    EXPECT_EQ(c.runTest.method, RunTestMethod::OneSample);
    EXPECT_STREQ(runTestMethodName(c.runTest.method), "one_sample");
    expectRelative(c.runTest.t, ref::oneSampleT);
    expectRelative(c.runTest.df, ref::oneSampleDf);
    expectRelative(c.runTest.p, ref::oneSampleP);
    expectRelative(c.runTest.ci95->lo, ref::oneSampleCiLo);
    expectRelative(c.runTest.ci95->hi, ref::oneSampleCiHi);
    EXPECT_EQ(c.sdA, 0.0);
    EXPECT_TRUE(hasNote(c, "group A has zero run-to-run spread"));
}

TEST(OneSample, SampledGroupAgainstGreedyGroupKeepsDeltaOrientation)
{
    const std::array<int64_t, 2> greedyB = {715, 715};
    const Comparison c = compare(runsGroup(ref::sampledB), runsGroup(greedyB));
    EXPECT_EQ(c.runTest.method, RunTestMethod::OneSample);
    EXPECT_GT(c.delta, 0.0);
    expectRelative(c.runTest.t, ref::oneSampleFlippedT);
    expectRelative(c.runTest.p, ref::oneSampleFlippedP);
    expectRelative(c.runTest.ci95->lo, ref::oneSampleFlippedCiLo);
    expectRelative(c.runTest.ci95->hi, ref::oneSampleFlippedCiHi);
    EXPECT_TRUE(hasNote(c, "group B has zero run-to-run spread"));
}

TEST(Pooled, ASingleRunGetsTheOtherGroupsSpreadNotZero)
{
    // A lone run still has run-to-run noise: it is compared as R's t.test(var.equal = TRUE) does.
    const std::array<int64_t, 1> single = {690};
    const Comparison c = compare(runsGroup(single), runsGroup(ref::sampledB));
    EXPECT_EQ(c.runTest.method, RunTestMethod::Pooled);
    EXPECT_STREQ(runTestMethodName(c.runTest.method), "pooled");
    expectRelative(c.runTest.t, ref::singleRunT);
    expectRelative(c.runTest.df, ref::singleRunDf);
    expectRelative(c.runTest.p, ref::singleRunP);
    ASSERT_TRUE(c.runTest.ci95);
    expectRelative(c.runTest.ci95->lo, ref::singleRunCiLo);
    expectRelative(c.runTest.ci95->hi, ref::singleRunCiHi);
    EXPECT_FALSE(c.sdA);
    EXPECT_TRUE(hasNote(c, "group A has a single run"));
    // The single run's unknown spread is taken to be B's.
    ASSERT_TRUE(c.sdB && c.pooledSd);
    expectRelative(*c.pooledSd, *c.sdB);
}

TEST(Exact, EqualGreedyGroupsOfDifferentSizesHaveNoDifference)
{
    // 0.1 three times averages to 0.10000000000000002 in floating point; the exact path must not
    // read that residue as a real difference.
    GroupData a;
    GroupData b;
    for (int r = 0; r < 2; ++r)
        a.runs.push_back({r + 1, r, 10, 1});
    for (int r = 0; r < 3; ++r)
        b.runs.push_back({r + 10, r, 10, 1});
    a.items.assign(10, {2, 0});
    b.items.assign(10, {3, 0});
    a.items[0] = {2, 2};
    b.items[0] = {3, 3};
    const Comparison c = compare(a, b);
    EXPECT_EQ(c.runTest.method, RunTestMethod::Exact);
    EXPECT_EQ(c.delta, 0.0);
    EXPECT_EQ(c.runTest.p, 1.0);
    EXPECT_EQ(c.verdict, Verdict::Equivalent);
}

TEST(Compare, SaysWhenTheGroupsAnsweredDifferentItems)
{
    GroupData a = runsGroup(ref::sampledB);
    GroupData b = runsGroup(ref::sampledB);
    a.items.assign(1000, {4, 2});
    b.items.assign(1000, {4, 2});
    for (size_t i = 500; i < 1000; ++i)
        b.items[i] = {0, 0}; // B ran with --limit 500
    const Comparison c = compare(a, b);
    EXPECT_TRUE(hasNote(c, "the groups answered different items (500 only by A, 0 only by B)"));
    EXPECT_EQ(c.paired.nItems, 500);
}

TEST(Exact, BothGreedyGroupsGiveAKnownDifference)
{
    const std::array<int64_t, 2> greedyB = {701, 701};
    const Comparison c = compare(runsGroup(ref::greedyA), runsGroup(greedyB));
    EXPECT_EQ(c.runTest.method, RunTestMethod::Exact);
    EXPECT_STREQ(runTestMethodName(c.runTest.method), "exact");
    EXPECT_NEAR(c.delta, 0.011, 1e-15);
    EXPECT_EQ(c.runTest.p, 0.0);
    ASSERT_TRUE(c.runTest.ci95);
    EXPECT_EQ(c.runTest.ci95->lo, c.delta);
    EXPECT_EQ(c.runTest.ci95->hi, c.delta);
    EXPECT_EQ(c.mde, 0.0);
    EXPECT_FALSE(c.runTest.df);
    EXPECT_FALSE(c.repeatsNeeded);
    EXPECT_EQ(c.settle.kind, SettlePlan::Kind::Nothing) << "an exact difference beyond delta: nothing is open";
    EXPECT_EQ(c.verdict, Verdict::Improvement);
    expectNoNaN(c);
}

TEST(Exact, EqualGreedyGroupsAreEquivalent)
{
    const Comparison c = compare(runsGroup(ref::greedyA), runsGroup(ref::greedyA));
    EXPECT_EQ(c.runTest.method, RunTestMethod::Exact);
    EXPECT_EQ(c.delta, 0.0);
    EXPECT_EQ(c.runTest.p, 1.0);
    EXPECT_EQ(c.verdict, Verdict::Equivalent);
}

TEST(RunTest, NoTestWithOneRunEach)
{
    const std::array<int64_t, 1> a = {700};
    const std::array<int64_t, 1> b = {720};
    const Comparison c = compare(runsGroup(a), runsGroup(b));
    EXPECT_EQ(c.runTest.method, RunTestMethod::None);
    EXPECT_STREQ(runTestMethodName(c.runTest.method), "none");
    EXPECT_NEAR(c.delta, 0.02, 1e-15);
    EXPECT_FALSE(c.runTest.t || c.runTest.df || c.runTest.p || c.runTest.se || c.runTest.ci95);
    EXPECT_FALSE(c.mde || c.pooledSd || c.repeatsNeeded || c.sdA || c.sdB);
    EXPECT_EQ(c.verdict, Verdict::Inconclusive);
    EXPECT_TRUE(hasNote(c, "no estimate of run-to-run spread"));
    EXPECT_TRUE(hasNote(c, "minimum detectable effect: undefined"));
    expectNoNaN(c);
}

TEST(RunTest, NoTestWithOneRunAgainstGreedyGroup)
{
    const std::array<int64_t, 1> single = {700};
    const Comparison c = compare(runsGroup(single), runsGroup(ref::greedyA));
    EXPECT_EQ(c.runTest.method, RunTestMethod::None);
    EXPECT_EQ(c.verdict, Verdict::Inconclusive);
    expectNoNaN(c);
}

// ---- Repeats needed ----------------------------------------------------------------------------

TEST(RepeatsNeeded, WithinOneOfPowerTTest)
{
    for (size_t i = 0; i < ref::powerSds.size(); ++i) {
        const auto n = repeatsNeeded(ref::powerSds[i], 0.01);
        ASSERT_TRUE(n);
        EXPECT_LE(std::fabs(static_cast<double>(*n) - std::ceil(ref::powerN[i])), 1.0)
            << "sd " << ref::powerSds[i] << ": " << *n << " vs R's " << ref::powerN[i];
    }
}

TEST(RepeatsNeeded, FromPooledRunSdAndUserDelta)
{
    CompareOptions options;
    options.deltaUserPoints = 1.0;
    const Comparison c = compare(runsGroup(ref::welchA), runsGroup(ref::welchB), options);
    EXPECT_DOUBLE_EQ(c.deltaUser, 0.01);
    ASSERT_TRUE(c.repeatsNeeded);
    EXPECT_LE(std::fabs(static_cast<double>(*c.repeatsNeeded) - std::ceil(ref::welchPowerN)), 1.0);
}

TEST(RepeatsNeeded, UndefinedWhenRunsDoNotVary)
{
    EXPECT_FALSE(repeatsNeeded(0.0, 0.01));
    EXPECT_EQ(repeatsNeeded(1e-6, 0.01), 2); // never fewer than the two runs a spread needs
}

TEST(RepeatsNeeded, DeltaDefaultsToZoneOneThreshold)
{
    CompareOptions options;
    options.thresholds.watch = 2.0;
    const Comparison c = compare(runsGroup(ref::welchA), runsGroup(ref::welchB), options);
    EXPECT_DOUBLE_EQ(c.deltaUser, 0.02);
}

// ---- Second question: would it hold on new questions? -------------------------------------------

TEST(Paired, MatchesRZStatisticsAndCorrelation)
{
    const Comparison c =
        compare(itemsGroup(ref::smallA, ref::smallRunsA), itemsGroup(ref::smallB, ref::smallRunsB));
    EXPECT_EQ(c.paired.nItems, 30);
    expectRelative(c.paired.meanDiff, ref::smallMeanDiff);
    expectRelative(c.paired.se, ref::smallSe);
    expectRelative(c.paired.z, ref::smallZ);
    expectRelative(c.paired.p, ref::smallP);
    expectRelative(c.paired.ci95->lo, ref::smallCiLo);
    expectRelative(c.paired.ci95->hi, ref::smallCiHi);
    expectRelative(c.paired.correlation, ref::smallCorrelation);
    EXPECT_EQ(c.paired.clusters, 0) << "no subjects: items taken as independent";
    EXPECT_EQ(c.newQuestionsAnswer, NewQuestions::Holds);
    EXPECT_EQ(c.newQuestions, "holds beyond question-sampling error (paired over items)");
}

TEST(Paired, AllItemsFlip)
{
    const Comparison c = compare(itemsGroup(ref::flipA, 3), itemsGroup(ref::flipB, 3));
    expectRelative(c.paired.meanDiff, ref::flipMeanDiff);
    expectRelative(c.paired.se, ref::flipSe);
    expectRelative(c.paired.z, ref::flipZ);
    expectRelative(c.paired.p, ref::flipP);
    expectRelative(c.paired.ci95->lo, ref::flipCiLo);
    expectRelative(c.paired.ci95->hi, ref::flipCiHi);
    expectRelative(c.paired.correlation, ref::flipCorrelation);
    EXPECT_EQ(c.mcnemar.b, ref::flipMcNemarB);
    EXPECT_EQ(c.mcnemar.c, ref::flipMcNemarC);
    expectRelative(c.mcnemar.p, ref::flipMcNemarP);
    EXPECT_EQ(c.newQuestionsAnswer, NewQuestions::NotShown);
    EXPECT_EQ(c.newQuestions, "within question-sampling error (paired over items)");
}

TEST(Paired, LargeItemSet)
{
    const Comparison c = compare(itemsGroup(ref::largeA, 5), itemsGroup(ref::largeB, 5));
    EXPECT_EQ(c.paired.nItems, 500);
    expectRelative(c.paired.meanDiff, ref::largeMeanDiff);
    expectRelative(c.paired.se, ref::largeSe);
    expectRelative(c.paired.z, ref::largeZ);
    expectRelative(c.paired.p, ref::largeP);
    expectRelative(c.paired.ci95->lo, ref::largeCiLo);
    expectRelative(c.paired.ci95->hi, ref::largeCiHi);
    expectRelative(c.paired.correlation, ref::largeCorrelation);
}

TEST(Paired, ClusteredBySubjectMatchesR)
{
    // Questions of one subject move together (Miller 2024): with subjects, the primary standard
    // error is clustered by them (CR1) and the interval uses t with subjects - 1 df.
    GroupData a = itemsGroup(ref::largeA, 5);
    GroupData b = itemsGroup(ref::largeB, 5);
    for (size_t i = 0; i < a.items.size(); ++i)
        a.itemSubjects.push_back("subject " + std::to_string(i % 7));
    b.itemSubjects = a.itemSubjects;
    const Comparison c = compare(a, b);
    EXPECT_EQ(c.paired.clusters, 7);
    expectRelative(c.paired.df, 6.0);
    expectRelative(c.paired.se, ref::largeClusteredSe);
    expectRelative(c.paired.seItems, ref::largeSe);
    expectRelative(c.paired.z, ref::largeClusteredT);
    expectRelative(c.paired.p, ref::largeClusteredP);
    expectRelative(c.paired.ci95->lo, ref::largeClusteredCiLo);
    expectRelative(c.paired.ci95->hi, ref::largeClusteredCiHi);
    EXPECT_EQ(c.newQuestions, "holds beyond question-sampling error (paired over items, clustered by 7 subjects)");
}

TEST(Paired, ADisagreeingCheckIsExplained)
{
    // Every item moves a little in B, none changes its majority answer: the paired analysis sees
    // the shift, McNemar (majority answers only) cannot.
    std::vector<int64_t> a(200, 3);
    std::vector<int64_t> b(200, 4);
    for (size_t i = 0; i < a.size(); i += 2) {
        a[i] = 0;
        b[i] = 1;
    }
    const Comparison c = compare(itemsGroup(a, 5), itemsGroup(b, 5));
    ASSERT_EQ(c.newQuestionsAnswer, NewQuestions::Holds);
    EXPECT_EQ(c.mcnemar.b + c.mcnemar.c, 0);
    ASSERT_FALSE(c.disagreements.empty());
    EXPECT_NE(c.disagreements.front().find("McNemar does not confirm it (p 1): it keeps only each item's majority "
                                           "answer, discarding what the runs say about each item, and only 0 items "
                                           "changed majority answer (few discordant items)"),
              std::string::npos)
        << c.disagreements.front();
}

TEST(Paired, SingleItemLeavesTestUndefined)
{
    const std::array<int64_t, 1> a = {1};
    const std::array<int64_t, 1> b = {3};
    const Comparison c = compare(itemsGroup(a, 4), itemsGroup(b, 4));
    EXPECT_EQ(c.paired.nItems, 1);
    EXPECT_DOUBLE_EQ(*c.paired.meanDiff, 0.5);
    EXPECT_FALSE(c.paired.se || c.paired.z || c.paired.p || c.paired.ci95 || c.paired.correlation);
    EXPECT_TRUE(hasNote(c, "paired: a single item"));
    EXPECT_EQ(c.newQuestions, "question-sampling error cannot be estimated (fewer than 2 items)");
    // The bootstrap of one item is that item's difference.
    ASSERT_TRUE(c.bootstrap.ci95);
    EXPECT_DOUBLE_EQ(c.bootstrap.ci95->lo, 0.5);
    EXPECT_DOUBLE_EQ(c.bootstrap.ci95->hi, 0.5);
    EXPECT_EQ(c.mcnemar.c, 1);
    expectNoNaN(c);
}

TEST(Paired, ItemsUnansweredInEitherGroupAreLeftOut)
{
    GroupData a = itemsGroup(ref::flipA, 3);
    GroupData b = itemsGroup(ref::flipB, 3);
    a.items.push_back({0, 0});
    b.items.push_back({3, 3});
    a.items.push_back({3, 0});
    b.items.push_back({0, 0});
    const Comparison c = compare(a, b);
    EXPECT_EQ(c.paired.nItems, 12);
    expectRelative(c.paired.meanDiff, ref::flipMeanDiff);
}

TEST(Paired, CorrelationUndefinedWhenAGroupIsConstantAcrossItems)
{
    const std::array<int64_t, 4> a = {2, 2, 2, 2};
    const std::array<int64_t, 4> b = {1, 3, 4, 2};
    const Comparison c = compare(itemsGroup(a, 4), itemsGroup(b, 4));
    EXPECT_FALSE(c.paired.correlation);
    EXPECT_TRUE(hasNote(c, "correlation undefined"));
    EXPECT_EQ(c.mcnemar.ties, 4);
    expectNoNaN(c);
}

TEST(McNemar, ExactWhenFewDiscordantPairs)
{
    McNemarTest m = mcNemar(3, 11);
    EXPECT_TRUE(m.exact);
    EXPECT_EQ(m.statistic, 3.0);
    expectRelative(m.p, ref::mcnemarExact3v11P);
    expectRelative(mcNemar(12, 12).p, ref::mcnemarExact12v12P);
    m = mcNemar(0, 24);
    EXPECT_TRUE(m.exact);
    expectRelative(m.p, ref::mcnemarExact0v24P);
}

TEST(McNemar, ChiSquaredWithContinuityFromTwentyFiveDiscordantPairs)
{
    McNemarTest m = mcNemar(16, 9);
    EXPECT_FALSE(m.exact);
    expectRelative(m.statistic, ref::mcnemarChi16v9Statistic);
    expectRelative(m.p, ref::mcnemarChi16v9P);
    m = mcNemar(20, 20);
    EXPECT_EQ(m.statistic, ref::mcnemarChi20v20Statistic);
    expectRelative(m.p, ref::mcnemarChi20v20P);
}

TEST(McNemar, FromMajorityCorrectnessOfLargeItemSet)
{
    const Comparison c = compare(itemsGroup(ref::largeA, 5), itemsGroup(ref::largeB, 5));
    EXPECT_EQ(c.mcnemar.b, ref::largeMcNemarB);
    EXPECT_EQ(c.mcnemar.c, ref::largeMcNemarC);
    EXPECT_FALSE(c.mcnemar.exact);
    expectRelative(c.mcnemar.statistic, ref::largeMcNemarStatistic);
    expectRelative(c.mcnemar.p, ref::largeMcNemarP);
}

TEST(McNemar, MajorityTiesAreDroppedAndCounted)
{
    const Comparison c =
        compare(itemsGroup(ref::smallA, ref::smallRunsA), itemsGroup(ref::smallB, ref::smallRunsB));
    EXPECT_EQ(c.mcnemar.ties, ref::smallTies);
    EXPECT_EQ(c.mcnemar.b, ref::smallMcNemarB);
    EXPECT_EQ(c.mcnemar.c, ref::smallMcNemarC);
    EXPECT_TRUE(c.mcnemar.exact);
    expectRelative(c.mcnemar.p, ref::smallMcNemarP);
    EXPECT_TRUE(hasNote(c, "5 items with a majority tie"));
}

TEST(McNemar, NoDiscordantPairsGivesPOfOne)
{
    const Comparison c = compare(itemsGroup(ref::largeA, 5), itemsGroup(ref::largeA, 5));
    EXPECT_EQ(c.mcnemar.b + c.mcnemar.c, 0);
    EXPECT_EQ(c.mcnemar.p, 1.0);
    EXPECT_EQ(c.mcnemar.statistic, 0.0);
    EXPECT_TRUE(hasNote(c, "b + c = 0"));
    // Identical item rates: the paired difference is exactly 0.
    EXPECT_EQ(c.paired.meanDiff, 0.0);
    EXPECT_EQ(c.paired.se, 0.0);
    EXPECT_EQ(c.paired.p, 1.0);
    EXPECT_FALSE(c.paired.z);
    expectNoNaN(c);
}

// ---- Bootstrap ---------------------------------------------------------------------------------

TEST(Bootstrap, AgreesWithRBootstrapWithinMonteCarloError)
{
    const Comparison c = compare(itemsGroup(ref::largeA, 5), itemsGroup(ref::largeB, 5));
    EXPECT_EQ(c.bootstrap.resamples, 10000);
    ASSERT_TRUE(c.bootstrap.ci95);
    EXPECT_NEAR(c.bootstrap.ci95->lo, ref::largeBootstrapLo, ref::largeBootstrapTolerance);
    EXPECT_NEAR(c.bootstrap.ci95->hi, ref::largeBootstrapHi, ref::largeBootstrapTolerance);
}

TEST(Bootstrap, ReproducibleForFixedSeed)
{
    std::vector<double> d;
    for (int64_t i = 0; i < 2000; ++i)
        d.push_back(static_cast<double>((i * 37) % 11) / 10.0 - 0.45);
    const BootstrapInterval first = pairedBootstrap(d, 2000, 7);
    const BootstrapInterval again = pairedBootstrap(d, 2000, 7);
    const BootstrapInterval other = pairedBootstrap(d, 2000, 8);
    ASSERT_TRUE(first.ci95 && again.ci95 && other.ci95);
    EXPECT_EQ(first.ci95->lo, again.ci95->lo);
    EXPECT_EQ(first.ci95->hi, again.ci95->hi);
    EXPECT_NE(first.ci95->lo, other.ci95->lo);
}

TEST(Bootstrap, IndependentOfThreadCount)
{
    std::vector<double> d;
    for (int64_t i = 0; i < 3000; ++i)
        d.push_back(static_cast<double>((i * 13) % 7) / 6.0 - 0.4);
    const BootstrapInterval one = pairedBootstrap(d, 1000, 3, 1);
    for (unsigned threads : {2u, 3u, 8u}) {
        const BootstrapInterval many = pairedBootstrap(d, 1000, 3, threads);
        EXPECT_EQ(one.ci95->lo, many.ci95->lo) << threads << " threads";
        EXPECT_EQ(one.ci95->hi, many.ci95->hi) << threads << " threads";
    }
}

TEST(Bootstrap, CloseToNormalTheoryIntervalForMmluSizedItemSet)
{
    const auto [a, b] = mmluSizedGroups(14042, 10);
    const Comparison c = compare(a, b);
    ASSERT_TRUE(c.bootstrap.ci95 && c.paired.ci95);
    EXPECT_NEAR(c.bootstrap.ci95->lo, c.paired.ci95->lo, 0.001); // 0.1 points
    EXPECT_NEAR(c.bootstrap.ci95->hi, c.paired.ci95->hi, 0.001);
}

TEST(Bootstrap, NoIntervalWithoutItemsOrResamples)
{
    EXPECT_FALSE(pairedBootstrap({}, 100, 1).ci95);
    EXPECT_FALSE(pairedBootstrap({0.1, 0.2}, 0, 1).ci95);
    const Comparison c = compare(runsGroup(ref::welchA), runsGroup(ref::welchB));
    EXPECT_EQ(c.paired.nItems, 0);
    EXPECT_FALSE(c.bootstrap.ci95);
    EXPECT_TRUE(hasNote(c, "no item was answered in both groups"));
    expectNoNaN(c);
}

// ---- Does it matter? ---------------------------------------------------------------------------

// The two one-sided tests and the 90% interval against R's `prefix`Tost... values.
#define EXPECT_TOST_MATCHES_R(matters, prefix)                                                               \
    do {                                                                                                     \
        expectRelative((matters).tLower, ref::prefix##TLower);                                               \
        expectRelative((matters).pLower, ref::prefix##PLower);                                               \
        expectRelative((matters).tUpper, ref::prefix##TUpper);                                               \
        expectRelative((matters).pUpper, ref::prefix##PUpper);                                               \
        ASSERT_TRUE((matters).ci90);                                                                         \
        expectRelative((matters).ci90->lo, ref::prefix##Ci90Lo);                                             \
        expectRelative((matters).ci90->hi, ref::prefix##Ci90Hi);                                             \
    } while (false)

TEST(Matters, TwoOneSidedTestsMatchRWelch)
{
    const Comparison c = compare(runsGroup(ref::welchA), runsGroup(ref::welchB)); // delta 1 point
    EXPECT_TOST_MATCHES_R(c.matters, welchTost);
    expectRelative(c.matters.pEquivalence, ref::welchTostPUpper);
    // A 1.2-point gain whose 95% interval [0.5, 1.9] straddles 1: real, but whether it matters is open.
    EXPECT_EQ(c.matters.answer, Matters::CantTell);
    EXPECT_EQ(c.beyondNoise, BeyondNoise::Improvement);
    EXPECT_EQ(c.verdict, Verdict::UnsizedImprovement);
}

TEST(Matters, TwoOneSidedTestsMatchROneSample)
{
    const Comparison c = compare(runsGroup(ref::greedyA), runsGroup(ref::sampledB));
    EXPECT_EQ(c.runTest.method, RunTestMethod::OneSample);
    EXPECT_TOST_MATCHES_R(c.matters, oneSampleTost);
}

TEST(Matters, EquivalentWhenTheNinetyPercentIntervalLiesWithinDelta)
{
    CompareOptions options;
    options.deltaUserPoints = 0.5;
    const Comparison c = compare(runsGroup(ref::closeA, 10000), runsGroup(ref::closeB, 10000), options);
    expectRelative(c.runTest.p, ref::closeWelchP);
    EXPECT_TOST_MATCHES_R(c.matters, closeTost);
    EXPECT_EQ(c.beyondNoise, BeyondNoise::No);
    EXPECT_EQ(c.matters.answer, Matters::Negligible);
    EXPECT_EQ(c.verdict, Verdict::Equivalent);
    EXPECT_STREQ(verdictName(c.verdict), "equivalent");
    EXPECT_EQ(c.settle.kind, SettlePlan::Kind::Nothing);
}

TEST(Matters, ARealButSmallDifferenceIsNegligible)
{
    // Greedy against MC-dropout, as in the demo: -0.44 points, beyond noise, well within 1 point.
    const std::array<int64_t, 5> greedy = {8613, 8613, 8613, 8613, 8613};
    const std::array<int64_t, 5> dropout = {8575, 8561, 8594, 8556, 8557};
    const Comparison c = compare(runsGroup(greedy, 10000), runsGroup(dropout, 10000));
    EXPECT_EQ(c.beyondNoise, BeyondNoise::Regression);
    EXPECT_EQ(c.matters.answer, Matters::Negligible);
    EXPECT_EQ(c.verdict, Verdict::SmallRegression);
    EXPECT_STREQ(verdictName(c.verdict), "negligible_regression");
    EXPECT_EQ(c.settle.kind, SettlePlan::Kind::Nothing);
}

TEST(Matters, ALargeDifferenceMattersWhenItsIntervalLiesBeyondDelta)
{
    const Comparison c = compare(runsGroup(ref::welchB), runsGroup(ref::welchA), [] {
        CompareOptions options;
        options.deltaUserPoints = 0.4;
        return options;
    }());
    EXPECT_EQ(c.beyondNoise, BeyondNoise::Regression);
    EXPECT_EQ(c.matters.answer, Matters::Matters);
    EXPECT_EQ(c.verdict, Verdict::Regression);
    EXPECT_STREQ(verdictName(c.verdict), "regression");
    expectRelative(c.runTest.t, -ref::welchT);
}

TEST(Matters, KnownExactlyWhenNeitherGroupVaries)
{
    const std::array<int64_t, 2> greedyB = {701, 701};
    const Comparison c = compare(runsGroup(ref::greedyA), runsGroup(greedyB)); // +1.1 points exactly
    EXPECT_EQ(c.matters.answer, Matters::Matters);
    EXPECT_EQ(c.verdict, Verdict::Improvement);
    CompareOptions wide;
    wide.deltaUserPoints = 2.0;
    EXPECT_EQ(compare(runsGroup(ref::greedyA), runsGroup(greedyB), wide).verdict, Verdict::SmallImprovement);
}

// ---- What would settle it ----------------------------------------------------------------------

// Whether n runs a group (sds sdA, sdB) bring (t_level + t_power) standard errors of the difference,
// at the Welch degrees of freedom of those runs, within `distance`: the rule a plan is sized by.
bool settlesWith(int64_t n, double sdA, double sdB, double distance, double level, double power)
{
    const double runs = static_cast<double>(n);
    const double termA = sdA * sdA / runs;
    const double termB = sdB * sdB / runs;
    const double df = (termA + termB) * (termA + termB) / ((termA * termA + termB * termB) / (runs - 1));
    const double q = tQuantile(level, df) + tQuantile(power, df);
    return q * q * (termA + termB) <= distance * distance;
}

TEST(Settle, RepeatsOfTheVaryingGroupsWhenTheRunTermDominates)
{
    const Comparison c = compare(runsGroup(ref::twoA), runsGroup(ref::twoB));
    EXPECT_EQ(c.verdict, Verdict::Inconclusive);
    ASSERT_EQ(c.settle.kind, SettlePlan::Kind::Repeats);
    // No item term here: the fewest runs per group for which the equivalence test (alpha 0.05 a
    // side, power 0.8 shared by the sides) reaches delta = 1 point when nothing differs.
    const int64_t perGroup = c.settle.moreA + 2;
    EXPECT_EQ(c.settle.moreB, c.settle.moreA);
    EXPECT_TRUE(settlesWith(perGroup, *c.sdA, *c.sdB, 0.01, 0.95, 0.9));
    EXPECT_FALSE(settlesWith(perGroup - 1, *c.sdA, *c.sdB, 0.01, 0.95, 0.9));
    EXPECT_EQ(c.settle.question, "whether there is a difference that matters");
    EXPECT_NE(c.settle.words.find("more runs of A and "), std::string::npos) << c.settle.words;
    EXPECT_FALSE(c.settle.seconds) << "no durations recorded";
}

TEST(Settle, WhetherItReachesDeltaIsSizedForTheDistanceToDelta)
{
    // A real gain of about 3 points against delta 1: what decides "does it matter" is the 2 points
    // between them, not delta itself.
    const std::array<int64_t, 3> a = {700, 705, 695};
    const std::array<int64_t, 3> b = {720, 740, 730};
    const Comparison c = compare(runsGroup(a), runsGroup(b));
    ASSERT_EQ(c.verdict, Verdict::UnsizedImprovement);
    ASSERT_EQ(c.settle.kind, SettlePlan::Kind::Repeats) << c.settle.words;
    const double distance = std::fabs(std::fabs(c.delta) - 0.01);
    const int64_t perGroup = c.settle.moreA + 3;
    EXPECT_EQ(c.settle.moreB, c.settle.moreA);
    EXPECT_TRUE(settlesWith(perGroup, *c.sdA, *c.sdB, distance, 0.975, 0.8));
    EXPECT_FALSE(settlesWith(perGroup - 1, *c.sdA, *c.sdB, distance, 0.975, 0.8));
    EXPECT_LT(perGroup, 20) << "sized for the 2 points to delta, not for delta's 1";
    EXPECT_EQ(c.settle.question, "whether it reaches the 1.00 points that matter");
}

TEST(Settle, APinnedRunIsNotRepeatedAndKeepsItsShareOfTheNoise)
{
    // A single pinned run against a varying group: only B can get runs, and A's own noise (taken
    // to be B's) stays in the difference.
    const std::array<int64_t, 1> pinned = {700};
    const std::array<int64_t, 4> b = {709, 712, 706, 711};
    CompareOptions options;
    options.aIsFixedRun = true;
    const Comparison c = compare(runsGroup(pinned), runsGroup(b), options);
    EXPECT_EQ(c.runTest.method, RunTestMethod::Pooled);
    EXPECT_EQ(c.settle.moreA, 0);
    EXPECT_NE(c.settle.kind, SettlePlan::Kind::Repeats) << "B's runs cannot take away A's own noise: " << c.settle.words;
    // Without the pin, both get runs.
    const Comparison free = compare(runsGroup(pinned), runsGroup(b));
    EXPECT_GT(free.settle.moreA, 0);
}

TEST(Settle, NeverRepeatsOfAGroupWhoseRunsDoNotVary)
{
    std::vector<int64_t> sampled = {695, 710, 700, 720, 685};
    GroupData a = runsGroup(ref::greedyA);
    GroupData b = runsGroup(sampled);
    for (auto& run : b.runs)
        run.durationSeconds = 30.0;
    const Comparison c = compare(a, b);
    ASSERT_EQ(c.settle.kind, SettlePlan::Kind::Repeats) << c.settle.words;
    EXPECT_EQ(c.settle.moreA, 0);
    EXPECT_GT(c.settle.moreB, 0);
    EXPECT_FALSE(c.settle.aVaries);
    ASSERT_TRUE(c.settle.seconds);
    EXPECT_DOUBLE_EQ(*c.settle.seconds, 30.0 * static_cast<double>(c.settle.moreB));
    EXPECT_NE(c.settle.words.find("A's runs do not vary, so repeats of A cannot change anything"), std::string::npos);
}

TEST(Settle, RepeatsCannotChangeAnAnswerWhenNeitherGroupVaries)
{
    // Both greedy on a handful of items: the difference is exact; whether it holds on new
    // questions is the open question, and only questions can answer it.
    std::vector<int64_t> a(25, 0);
    std::vector<int64_t> b(25, 0);
    for (size_t i = 0; i < 10; ++i)
        a[i] = 3;
    for (size_t i = 5; i < 16; ++i)
        b[i] = 3;
    GroupData ga = itemsGroup(a, 3);
    GroupData gb = itemsGroup(b, 3);
    for (auto* g : {&ga, &gb})
        for (auto& run : g->runs)
            run.nCorrect = g == &ga ? 10 : 11;
    const Comparison c = compare(ga, gb);
    EXPECT_EQ(c.runTest.method, RunTestMethod::Exact);
    EXPECT_EQ(c.verdict, Verdict::Improvement) << "4 points exactly, beyond the 1 that matters";
    EXPECT_EQ(c.newQuestionsAnswer, NewQuestions::NotShown);
    ASSERT_EQ(c.settle.kind, SettlePlan::Kind::Items);
    EXPECT_EQ(c.settle.runs(), 0);
    EXPECT_NE(c.settle.words.find("repeats cannot change it: the runs of both groups are identical"),
              std::string::npos)
        << c.settle.words;
}

TEST(Settle, MoreItemsWhenTheQuestionsAloneHideTheDifferenceThatMatters)
{
    // 12 items, 3 runs each: one item is 8 points; no number of runs makes 1 point visible on
    // new questions.
    const Comparison c = compare(itemsGroup(ref::flipA, 3), itemsGroup(ref::flipB, 3));
    ASSERT_EQ(c.settle.kind, SettlePlan::Kind::Items) << c.settle.words;
    EXPECT_EQ(c.settle.runs(), 0);
    ASSERT_TRUE(c.settle.items);
    EXPECT_GT(*c.settle.items, 12);
    EXPECT_TRUE(c.itemsNotRepeats);
    EXPECT_TRUE(hasNote(c, "more items, not more repeats, would settle it"));
    EXPECT_NE(c.settle.words.find("more repeats would settle it only for these 12 questions"), std::string::npos)
        << c.settle.words;
}

// ---- Inputs and per-subject table ---------------------------------------------------------------

TEST(Compare, RefusesGroupsOnDifferentItemSets)
{
    const GroupData a = itemsGroup(std::array<int64_t, 3>{1, 2, 3}, 3);
    const GroupData b = itemsGroup(std::array<int64_t, 4>{1, 2, 3, 0}, 3);
    EXPECT_EQ(nf::test::errorMessage([&] { compare(a, b); }),
              "groups are on different item sets (3 vs 4 items)");
}

TEST(Compare, RefusesGroupWithoutRuns)
{
    EXPECT_EQ(nf::test::errorMessage([&] { compare(runsGroup(ref::welchA), GroupData{}); }),
              "group B has no completed runs to compare");
}

TEST(Compare, RefusesNonPositiveDelta)
{
    CompareOptions options;
    options.deltaUserPoints = 0.0;
    const std::string message =
        nf::test::errorMessage([&] { compare(runsGroup(ref::welchA), runsGroup(ref::welchB), options); });
    EXPECT_NE(message.find("--delta"), std::string::npos) << message;
}

TEST(SubjectDeltas, MeanPerRunAccuracyPerSubject)
{
    GroupData a = runsGroup(std::array<int64_t, 2>{700, 710});
    GroupData b = runsGroup(std::array<int64_t, 1>{720});
    a.subjects = {{1, "anatomy", 10, 6}, {2, "anatomy", 10, 8}, {1, "law", 20, 10}, {2, "law", 20, 11}};
    b.subjects = {{1, "anatomy", 10, 9}, {1, "virology", 5, 5}};
    const Comparison c = compare(a, b);
    ASSERT_EQ(c.subjects.size(), 3u);
    EXPECT_EQ(c.subjects[0].subject, "anatomy");
    EXPECT_DOUBLE_EQ(*c.subjects[0].meanA, 0.7);
    EXPECT_DOUBLE_EQ(*c.subjects[0].meanB, 0.9);
    EXPECT_NEAR(*c.subjects[0].delta, 0.2, 1e-15);
    EXPECT_EQ(c.subjects[1].subject, "law");
    EXPECT_DOUBLE_EQ(*c.subjects[1].meanA, 0.525);
    EXPECT_FALSE(c.subjects[1].meanB || c.subjects[1].delta);
    EXPECT_EQ(c.subjects[2].subject, "virology");
    EXPECT_FALSE(c.subjects[2].meanA);
    EXPECT_DOUBLE_EQ(*c.subjects[2].meanB, 1.0);
}
