#include "common/error.h"
#include "reference/one_group_expected.h"
#include "stats/summary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

// The data sets of tests/reference/one_group.R, repeated here so the test needs no R; each one's
// sums are checked against the header so that a change on only one side fails loudly.
namespace ref = nf::reference::one_group;
using nf::stats::GroupData;
using nf::stats::GroupSummary;
using nf::stats::SummaryOptions;
using nf::stats::Zone;

namespace {

// Runs as strings of per-item correctness ('1' right), all over the same items, ids 1.. in order.
GroupData fromStrings(const std::vector<std::string>& runs)
{
    GroupData group;
    group.items.resize(runs.front().size());
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const auto correct = std::count(runs[r].begin(), runs[r].end(), '1');
        group.runs.push_back({static_cast<int64_t>(r + 1), static_cast<int64_t>(100 + r),
                              static_cast<int64_t>(runs[r].size()), correct});
        for (std::size_t i = 0; i < runs[r].size(); ++i) {
            ++group.items[i].nRuns;
            group.items[i].nCorrect += runs[r][i] == '1' ? 1 : 0;
        }
    }
    return group;
}

// Runs as correct counts over nItems each, without per-item counts.
GroupData fromCounts(const std::vector<int64_t>& correct, int64_t nItems)
{
    GroupData group;
    for (std::size_t r = 0; r < correct.size(); ++r)
        group.runs.push_back(
            {static_cast<int64_t>(r + 1), static_cast<int64_t>(100 + r), nItems, correct[r]});
    return group;
}

// As one_group.R's mmlu set: the summary reads run and item counts separately, so these need not
// add up to the same total.
GroupData mmluGroup()
{
    GroupData group = fromCounts({8612, 8650, 8598, 8633, 8641, 8577, 8620, 8655, 8602, 8629}, 14042);
    for (int64_t i = 0; i < 14042; ++i)
        group.items.push_back({10, (i * i * 7 + 3 * i) % 11});
    return group;
}

GroupData mixedGroup()
{
    return fromStrings({"01011101001010100111", "01011001001000010001", "01011100101110011101",
                        "00001101101110100111", "00010001110111101101", "01010011001111101111"});
}

void expectRelative(double actual, double expected)
{
    EXPECT_NEAR(actual, expected, std::max(1e-9 * std::fabs(expected), 1e-15));
}

void expectSums(const GroupData& group, long long runCorrect, long long itemCorrect)
{
    long long runs = 0, items = 0;
    for (const auto& run : group.runs)
        runs += run.nCorrect;
    for (const auto& item : group.items)
        items += item.nCorrect;
    ASSERT_EQ(runs, runCorrect) << "data set differs from tests/reference/one_group.R";
    ASSERT_EQ(items, itemCorrect) << "data set differs from tests/reference/one_group.R";
}

bool hasNote(const GroupSummary& s, const std::string& text)
{
    return std::any_of(s.notes.begin(), s.notes.end(),
                       [&](const std::string& note) { return note.find(text) != std::string::npos; });
}

// The R-computed values every data set with two or more varying runs has.
#define EXPECT_SPREAD_MATCHES_R(s, set)                                                                      \
    do {                                                                                                     \
        expectRelative((s).mean, ref::set##_mean);                                                           \
        ASSERT_TRUE((s).sd && (s).ci95 && (s).pi95);                                                         \
        expectRelative(*(s).sd, ref::set##_sd);                                                              \
        expectRelative((s).median, ref::set##_median);                                                       \
        expectRelative((s).min, ref::set##_min);                                                             \
        expectRelative((s).max, ref::set##_max);                                                             \
        expectRelative((s).range, ref::set##_max - ref::set##_min);                                          \
        expectRelative((s).ci95->lo, ref::set##_ci95_lo);                                                    \
        expectRelative((s).ci95->hi, ref::set##_ci95_hi);                                                    \
        expectRelative((s).pi95->lo, ref::set##_pi95_lo);                                                    \
        expectRelative((s).pi95->hi, ref::set##_pi95_hi);                                                    \
        for (std::size_t r = 0; r < (s).runs.size(); ++r) {                                                  \
            expectRelative((s).runs[r].wilson95.lo, ref::set##_wilson_lo[r]);                                \
            expectRelative((s).runs[r].wilson95.hi, ref::set##_wilson_hi[r]);                                \
        }                                                                                                    \
    } while (false)

// Each run's leave-one-out z, as R computes it (three runs or more).
#define EXPECT_Z_MATCHES_R(s, set)                                                                           \
    do {                                                                                                     \
        ASSERT_EQ((s).runs.size(), std::size(ref::set##_z));                                                 \
        for (std::size_t r = 0; r < (s).runs.size(); ++r) {                                                  \
            ASSERT_TRUE((s).runs[r].z) << "run " << r;                                                       \
            expectRelative(*(s).runs[r].z, ref::set##_z[r]);                                                 \
        }                                                                                                    \
    } while (false)

#define EXPECT_ITEMS_MATCH_R(s, set)                                                                         \
    do {                                                                                                     \
        ASSERT_TRUE((s).flipRate && (s).sdSeed && (s).noiseFloorPoints);                                     \
        expectRelative(*(s).flipRate, ref::set##_flip_rate);                                                 \
        expectRelative(*(s).sdSeed, ref::set##_sd_seed);                                                     \
        expectRelative(*(s).noiseFloorPoints, ref::set##_noise_floor_points);                                \
    } while (false)

} // namespace

TEST(Summary, MatchesRForMixedGroup)
{
    const GroupData group = mixedGroup();
    expectSums(group, ref::mixed_sum_correct, ref::mixed_sum_item_correct);
    const GroupSummary s = nf::stats::summarize(group, {});
    EXPECT_EQ(s.n, 6);
    EXPECT_SPREAD_MATCHES_R(s, mixed);
    EXPECT_Z_MATCHES_R(s, mixed);
    EXPECT_ITEMS_MATCH_R(s, mixed);
    ASSERT_TRUE(s.seQuestion);
    expectRelative(*s.seQuestion, ref::mixed_se_question);
    EXPECT_EQ(s.nItems, 20);
    EXPECT_EQ(s.flipItems, 17);
    EXPECT_EQ(s.referenceLabel, "median");
    EXPECT_EQ(s.reference, s.median);
    EXPECT_EQ(s.scaleLabel, "leave-one-out t");
    expectRelative(*s.scale, ref::mixed_sd);
    EXPECT_EQ(s.runs[1].id, 2);
    EXPECT_EQ(s.runs[1].seed, 101);
    expectRelative(s.runs[1].deviation, 7.0 / 20 - ref::mixed_median);
    // 20 items: one weighs 5 points, so the zones are noise units (the largest of one item and
    // the seed noise sd), and a run 20 points below the median is 2.1 of them: watch.
    EXPECT_EQ(s.zones.unit, nf::stats::ZoneUnit::Noise);
    expectRelative(s.zones.unitPoints, ref::mixed_sd_seed * 100);
    EXPECT_EQ(s.runs[1].zone, Zone::Watch);
    EXPECT_EQ(s.notes.front(), s.zones.reason) << "the unit is said first";
    // Against the five others (sd 5.8 points), 20 points off is 2.6 on the normal scale: no flag.
    EXPECT_TRUE(s.runs[1].rules.empty());
}

TEST(Summary, MatchesRForMmluSizedGroup)
{
    const GroupData group = mmluGroup();
    expectSums(group, ref::mmlu_sum_correct, ref::mmlu_sum_item_correct);
    const GroupSummary s = nf::stats::summarize(group, {});
    EXPECT_SPREAD_MATCHES_R(s, mmlu);
    EXPECT_Z_MATCHES_R(s, mmlu);
    EXPECT_ITEMS_MATCH_R(s, mmlu);
    expectRelative(*s.seQuestion, ref::mmlu_se_question);
    expectRelative(*s.scale, ref::mmlu_sd);
    EXPECT_FALSE(s.thresholdBelowNoise); // 0.57 points of noise under a 1-point threshold
    EXPECT_EQ(s.zones.unit, nf::stats::ZoneUnit::Points);
    EXPECT_TRUE(s.notes.empty());
}

TEST(Summary, ZonesTurnToNoiseUnitsWhenTheSeedNoiseOutweighsTheWatchThreshold)
{
    SummaryOptions options;
    options.thresholds = {0.5, 3, 5};
    const GroupSummary s = nf::stats::summarize(mmluGroup(), options);
    EXPECT_TRUE(s.thresholdBelowNoise);
    ASSERT_EQ(s.zones.unit, nf::stats::ZoneUnit::Noise);
    expectRelative(s.zones.unitPoints, ref::mmlu_sd_seed * 100);
    expectRelative(s.zones.thresholds.watch, 2 * ref::mmlu_sd_seed * 100);
    expectRelative(s.zones.thresholds.elevated, 3 * ref::mmlu_sd_seed * 100);
    expectRelative(s.zones.thresholds.suspicious, 4 * ref::mmlu_sd_seed * 100);
    EXPECT_EQ(s.zones.setting.watch, 0.5);
    ASSERT_FALSE(s.notes.empty());
    EXPECT_EQ(s.notes.front(), s.zones.reason);
    EXPECT_NE(s.zones.reason.find("seed noise reaches 0.57 points (95%), more than the watch threshold of 0.50"),
              std::string::npos)
        << s.zones.reason;
}

TEST(Summary, TwoRunsHaveSpreadButNoZ)
{
    const GroupData group = fromStrings({"1101011100", "1111011101"});
    expectSums(group, ref::two_sum_correct, ref::two_sum_item_correct);
    const GroupSummary s = nf::stats::summarize(group, {});
    EXPECT_SPREAD_MATCHES_R(s, two);
    EXPECT_ITEMS_MATCH_R(s, two);
    expectRelative(*s.seQuestion, ref::two_se_question);
    EXPECT_FALSE(s.scale);
    for (const auto& run : s.runs)
        EXPECT_FALSE(run.z) << "a run is judged against the others: one other run has no spread";
    EXPECT_TRUE(hasNote(s, "z undefined: a run is judged against the others, which needs three runs"));
}

TEST(Summary, IntervalsOfASmallTaskStayWithinZeroAndHundred)
{
    const GroupData group = fromCounts({1, 5, 9}, 25);
    expectSums(group, ref::lowsmall_sum_correct, ref::lowsmall_sum_item_correct);
    const GroupSummary s = nf::stats::summarize(group, {});
    ASSERT_LT(ref::lowsmall_t_ci95_lo, 0.0) << "the t interval would reach below 0";
    EXPECT_SPREAD_MATCHES_R(s, lowsmall); // the logit interval and the clamped prediction interval
    EXPECT_GT(s.ci95->lo, 0.0);
    EXPECT_EQ(s.pi95->lo, 0.0);
    EXPECT_TRUE(hasNote(s, "ci95 is computed on the logit scale"));
    EXPECT_Z_MATCHES_R(s, lowsmall);
}

TEST(Summary, OneRunHasNoSpreadStatistics)
{
    const GroupData group = fromStrings({"1101100111"});
    expectSums(group, ref::one_sum_correct, ref::one_sum_item_correct);
    const GroupSummary s = nf::stats::summarize(group, {});
    EXPECT_EQ(s.n, 1);
    expectRelative(s.mean, ref::one_mean);
    EXPECT_EQ(s.median, s.mean);
    EXPECT_EQ(s.range, 0.0);
    EXPECT_FALSE(s.sd);
    EXPECT_FALSE(s.ci95);
    EXPECT_FALSE(s.pi95);
    EXPECT_FALSE(s.scale);
    EXPECT_FALSE(s.runs[0].z);
    EXPECT_EQ(s.runs[0].deviation, 0.0);
    expectRelative(s.runs[0].wilson95.lo, ref::one_wilson_lo[0]);
    expectRelative(s.runs[0].wilson95.hi, ref::one_wilson_hi[0]);
    EXPECT_ITEMS_MATCH_R(s, one);
    expectRelative(*s.seQuestion, ref::one_se_question);
    EXPECT_TRUE(hasNote(s, "sd, ci95, pi95 and z undefined: one run"));
    EXPECT_TRUE(hasNote(s, "sd_seed is 0 from one run"));
}

TEST(Summary, ZeroSpreadGroupHasNoZScores)
{
    const GroupData group = fromStrings(std::vector<std::string>(4, "0110111010"));
    expectSums(group, ref::greedy_sum_correct, ref::greedy_sum_item_correct);
    const GroupSummary s = nf::stats::summarize(group, {});
    ASSERT_TRUE(s.sd && s.ci95 && s.pi95);
    EXPECT_EQ(*s.sd, 0.0);
    EXPECT_EQ(s.ci95->lo, s.mean);
    EXPECT_EQ(s.ci95->hi, s.mean);
    EXPECT_EQ(s.pi95->lo, s.mean);
    EXPECT_EQ(s.pi95->hi, s.mean);
    EXPECT_FALSE(s.scale);
    for (const auto& run : s.runs) {
        EXPECT_FALSE(run.z);
        EXPECT_TRUE(run.rules.empty());
        EXPECT_EQ(run.zone, Zone::Normal);
        expectRelative(run.wilson95.lo, ref::greedy_wilson_lo[0]);
    }
    EXPECT_ITEMS_MATCH_R(s, greedy);
    EXPECT_EQ(s.flipItems, 0);
    EXPECT_TRUE(hasNote(s, "zero width and z is undefined"));
}

TEST(Summary, AllItemsFlip)
{
    const GroupData group = fromStrings({"101010", "010101", "110011", "001110"});
    expectSums(group, ref::allflip_sum_correct, ref::allflip_sum_item_correct);
    const GroupSummary s = nf::stats::summarize(group, {});
    EXPECT_SPREAD_MATCHES_R(s, allflip);
    EXPECT_Z_MATCHES_R(s, allflip);
    EXPECT_ITEMS_MATCH_R(s, allflip);
    expectRelative(*s.seQuestion, ref::allflip_se_question);
    EXPECT_EQ(s.flipItems, 6);
    EXPECT_EQ(*s.flipRate, 1.0);
}

TEST(Summary, OneItemHasNoQuestionSamplingError)
{
    const GroupData group = fromStrings({"1", "0", "1"});
    expectSums(group, ref::oneitem_sum_correct, ref::oneitem_sum_item_correct);
    const GroupSummary s = nf::stats::summarize(group, {});
    EXPECT_SPREAD_MATCHES_R(s, oneitem);
    EXPECT_Z_MATCHES_R(s, oneitem);
    EXPECT_ITEMS_MATCH_R(s, oneitem);
    EXPECT_FALSE(s.seQuestion);
    EXPECT_TRUE(hasNote(s, "se_question undefined: one item"));
    EXPECT_EQ(s.runs[0].wilson95.hi, 1.0);
    EXPECT_EQ(s.runs[1].wilson95.lo, 0.0);
}

TEST(Summary, RunsThatMostlyAgreeAreJudgedAgainstTheOthers)
{
    // Three of five runs agree exactly: the old median-absolute-deviation scale was 0 here.
    const GroupData group = fromCounts({50, 50, 50, 51, 48}, 100);
    expectSums(group, ref::madzero_sum_correct, ref::madzero_sum_item_correct);
    const GroupSummary s = nf::stats::summarize(group, {});
    EXPECT_SPREAD_MATCHES_R(s, madzero);
    EXPECT_Z_MATCHES_R(s, madzero);
    EXPECT_EQ(s.scaleLabel, "leave-one-out t");
    // No per-item counts: the item statistics are undefined, and said to be.
    EXPECT_FALSE(s.flipRate);
    EXPECT_FALSE(s.sdSeed);
    EXPECT_FALSE(s.seQuestion);
    EXPECT_FALSE(s.noiseFloorPoints);
    EXPECT_TRUE(hasNote(s, "flip_rate, sd_seed and se_question undefined: no per-item counts"));
}

TEST(Summary, AnOtherwiseUnanimousGroupDoesNotFlagARunOneItemAway)
{
    // Four runs agree to the item and a fifth is one item off: the others' sd is 0, taken to be
    // one item's rounding sd (1 / (N sqrt(12))), which leaves the fifth run unremarkable.
    const GroupSummary s = nf::stats::summarize(fromCounts({700, 700, 700, 700, 701}, 1000), {});
    ASSERT_TRUE(s.runs[4].z);
    EXPECT_LT(*s.runs[4].z, 3.0);
    EXPECT_GT(*s.runs[4].z, 1.0);
    for (const auto& run : s.runs)
        EXPECT_TRUE(run.rules.empty());
}

TEST(Summary, DeviationZonesAreInPoints)
{
    SummaryOptions options;
    options.pinnedReference = 0.5;
    options.pinnedLabel = "run 12";
    const GroupSummary s = nf::stats::summarize(fromCounts({500, 509, 510, 530, 550, 449}, 1000), options);
    EXPECT_EQ(s.reference, 0.5);
    EXPECT_EQ(s.referenceLabel, "pinned run 12");
    const std::vector<Zone> expected{Zone::Normal,   Zone::Normal,     Zone::Watch,
                                     Zone::Elevated, Zone::Suspicious, Zone::Suspicious};
    for (std::size_t r = 0; r < expected.size(); ++r) {
        EXPECT_EQ(s.runs[r].zone, expected[r]) << "run " << r;
        expectRelative(s.runs[r].deviation, s.runs[r].accuracy - 0.5);
    }
}

TEST(Summary, MeanReferenceMode)
{
    SummaryOptions options;
    options.mode = nf::stats::ReferenceMode::Mean;
    const GroupSummary s = nf::stats::summarize(mixedGroup(), options);
    EXPECT_EQ(s.referenceLabel, "mean");
    EXPECT_EQ(s.reference, s.mean);
    expectRelative(s.runs[0].deviation, 11.0 / 20 - ref::mixed_mean);
}

TEST(Summary, PerSubjectTableAcrossRuns)
{
    GroupData group = fromCounts({6, 7, 8}, 10);
    group.subjects = {{1, "anatomy", 4, 2},   {1, "biology", 6, 4}, {2, "anatomy", 4, 3},
                      {2, "biology", 6, 4},   {3, "anatomy", 4, 4}, {3, "biology", 6, 4},
                      {3, "chemistry", 2, 1}, {99, "anatomy", 4, 0}}; // run 99 is not in the group
    const GroupSummary s = nf::stats::summarize(group, {});
    ASSERT_EQ(s.subjects.size(), 3u);
    EXPECT_EQ(s.subjects[0].subject, "anatomy");
    EXPECT_EQ(s.subjects[0].nItems, 4);
    EXPECT_EQ(s.subjects[0].nRuns, 3);
    expectRelative(s.subjects[0].mean, 0.75);
    ASSERT_TRUE(s.subjects[0].sd);
    expectRelative(*s.subjects[0].sd, 0.25);
    EXPECT_EQ(s.subjects[1].subject, "biology");
    EXPECT_EQ(*s.subjects[1].sd, 0.0);
    EXPECT_EQ(s.subjects[2].subject, "chemistry");
    EXPECT_EQ(s.subjects[2].nItems, 2);
    EXPECT_FALSE(s.subjects[2].sd);
    EXPECT_TRUE(hasNote(s, "subject sd undefined where only one run has items of the subject"));
}

TEST(Summary, GroupWithoutRunsIsRefused)
{
    EXPECT_THROW(nf::stats::summarize(GroupData{}, {}), nf::InputError);
}

TEST(Summary, SummarisesAnMmluSizedHundredRunGroupFromCountsAlone)
{
    // 100 runs x 14,042 items as the store's aggregates hold them (bench/stats_bench times it).
    GroupData group;
    for (int64_t r = 0; r < 100; ++r)
        group.runs.push_back({r + 1, r, 14042, 8500 + (r * 37) % 200});
    for (int64_t i = 0; i < 14042; ++i)
        group.items.push_back({100, (i * 31) % 101});
    const GroupSummary s = nf::stats::summarize(group, {});
    EXPECT_EQ(s.runs.size(), 100u);
    EXPECT_EQ(s.nItems, 14042);
    ASSERT_TRUE(s.flipRate.has_value());
    EXPECT_GT(*s.flipRate, 0.9) << "only items with 0 or 100 correct of 100 do not flip";
}

TEST(Summary, PinnedBaselineSetsDeviationsButZStaysWithinTheGroup)
{
    GroupData group;
    const int64_t correct[] = {600, 610, 620, 630, 640};
    for (int64_t r = 0; r < 5; ++r)
        group.runs.push_back({r + 1, r, 1000, correct[r]});
    nf::stats::SummaryOptions options;
    options.pinnedReference = 0.70;
    options.pinnedLabel = "group 9";
    const GroupSummary s = nf::stats::summarize(group, options);
    EXPECT_EQ(s.referenceLabel, "pinned group 9");
    EXPECT_NEAR(s.runs[2].deviation, -0.08, 1e-12);
    EXPECT_EQ(s.runs[2].zone, nf::stats::Zone::Suspicious);
    ASSERT_TRUE(s.runs[2].z.has_value());
    EXPECT_NEAR(*s.runs[2].z, 0.0, 1e-12) << "the group's median run sits at the centre of its own chart";
    for (const auto& run : s.runs)
        EXPECT_TRUE(run.rules.empty())
            << "an ordinary spread triggers no control rule against a far baseline";
}

TEST(Summary, TheDemosMcDropoutGroupIsNotFlagged)
{
    // The demo's group 6 (MC-dropout, 10,000 items): run 3 is 0.33 points from the median of a
    // group whose sd is 0.16. The 1.4826 x MAD scale called it "beyond 3 sigma"; judged against
    // the four others it is 1.98 on the normal scale.
    const GroupSummary s = nf::stats::summarize(fromCounts({8575, 8561, 8594, 8556, 8557}, 10000), {});
    for (const auto& run : s.runs)
        EXPECT_TRUE(run.rules.empty()) << "run " << run.id;
    ASSERT_TRUE(s.runs[2].z);
    EXPECT_NEAR(*s.runs[2].z, 1.98, 0.01);
}
