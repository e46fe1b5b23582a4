#pragma once

// Two config groups on the same task, three questions answered separately (DESIGN.md, "Two
// groups"), each by one primary test with the others as checks:
// - beyond run-to-run noise on this item set? Welch's t on run accuracies (or its variants);
// - does it matter? the difference against the difference that matters, delta: an equivalence
//   test (TOST) and its mirror image, a test that |difference| exceeds delta;
// - would it hold on new questions? the paired per-item analysis, clustered by subject; McNemar
//   and the paired bootstrap as checks, with the reason when they disagree.
// Then what would settle the question left open, if any. Every accuracy, difference and interval
// is a fraction (0-1); undefined values are empty optionals with a line in `notes`, never NaN.

#include "stats/types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nf::stats {

struct CompareOptions
{
    // The difference that matters, delta, in accuracy points (a setting of the task, or the CLI's
    // --delta): "does it matter?" is answered against it and what would settle it is sized for it.
    // Empty: the zone-1 threshold, thresholds.watch.
    std::optional<double> deltaUserPoints;
    // A is a single pinned run, not a group that more runs could join (the app's pinned baseline).
    bool aIsFixedRun = false;
    ZoneThresholds thresholds;
    int bootstrapResamples = 10000;
    uint64_t bootstrapSeed = 1;
};

// How the first question was answered.
enum class RunTestMethod {
    Welch,     // both groups have run-to-run spread
    OneSample, // one group has zero spread (greedy): t-test of the other against it
    Exact,     // both groups have zero spread: the difference is known exactly
    Pooled,    // one group has a single run: Student's t, its spread taken to be the other group's
    None,      // no estimate of run-to-run spread at all (one run each, or one run against a constant)
};

// The first question's answer: is the difference beyond run-to-run noise (the 95% interval of
// delta excludes 0)?
enum class BeyondNoise { Improvement, Regression, No, Untested };

// The second: against the difference that matters, delta. Matters when the 95% interval of the
// difference lies beyond delta on one side (so it is also beyond noise); Negligible when the
// two one-sided tests at alpha 0.05 both reject (TOST: the 90% interval lies within +/- delta);
// CantTell otherwise.
enum class Matters { Matters, Negligible, CantTell };

// The third: would it hold on new questions of the same kind (the primary paired interval
// excludes 0)?
enum class NewQuestions { Holds, NotShown, Unknown };

// The three answers combined, as the badge says them.
enum class Verdict {
    Improvement,           // beyond noise, and it matters
    Regression,
    SmallImprovement,      // beyond noise, but within +/- delta: real and negligible
    SmallRegression,
    UnsizedImprovement,    // beyond noise; whether it matters is not settled
    UnsizedRegression,
    Equivalent,            // not beyond noise, and within +/- delta
    Inconclusive,          // not beyond noise, and it could still matter
};

// "welch", "one_sample", "exact", "pooled", "none".
const char* runTestMethodName(RunTestMethod method);
// "improvement", "regression", "negligible_improvement", "negligible_regression",
// "improvement_of_unsettled_size", "regression_of_unsettled_size", "equivalent", "inconclusive".
const char* verdictName(Verdict verdict);
const char* beyondNoiseName(BeyondNoise answer); // "improvement", "regression", "no", "untested"
const char* mattersName(Matters answer);         // "matters", "negligible", "cant_tell"
const char* newQuestionsName(NewQuestions answer); // "holds", "not_shown", "unknown"

// Beyond run-to-run noise on this item set? A test of delta = mean_B - mean_A of run accuracies.
// t is oriented like delta (R's t.test(b, a)); df is empty for the exact and none methods.
struct RunNoiseTest
{
    RunTestMethod method = RunTestMethod::None;
    std::optional<double> t;
    std::optional<double> df;
    std::optional<double> p;
    std::optional<double> se;
    std::optional<Interval> ci95;
};

// Does it matter? delta = the difference that matters (fraction). The two one-sided tests are
// R's t.test(b, a, mu = -delta, alternative = "greater") and t.test(b, a, mu = delta,
// alternative = "less") under the first question's method (Welch, one-sample, pooled); the
// exact method compares |difference| with delta directly.
struct MattersTest
{
    double delta = 0.0;
    Matters answer = Matters::CantTell;
    std::optional<Interval> ci90;        // of the difference: within +/- delta <=> equivalence
    std::optional<double> tLower;        // (difference + delta) / se
    std::optional<double> pLower;        // one-sided, difference > -delta
    std::optional<double> tUpper;        // (difference - delta) / se
    std::optional<double> pUpper;        // one-sided, difference < delta
    std::optional<double> pEquivalence;  // TOST: max(pLower, pUpper)
};

// Would it hold on new questions? d_i = p_Bi - p_Ai over items answered in both groups. Where the
// items have two or more subjects, questions of one subject are not independent (Miller 2024,
// "Adding error bars to evals"), so the standard error is clustered by subject (CR1: the sum over
// subjects of the squared sums of d_i - mean, times C / (C - 1), over n^2) and the interval uses
// Student's t with C - 1 degrees of freedom; otherwise sd(d) / sqrt(n) and the normal.
struct PairedItemsTest
{
    int64_t nItems = 0;
    std::optional<double> meanDiff;
    std::optional<double> se;      // the primary one: clustered when clusters >= 2
    std::optional<double> z;       // meanDiff / se (a t statistic when clustered)
    std::optional<double> p;
    std::optional<Interval> ci95;
    std::optional<double> correlation; // Pearson, of p_A and p_B across items
    int64_t clusters = 0;              // subjects the SE is clustered by; 0: items independent
    std::optional<double> df;          // clusters - 1 when clustered
    std::optional<double> seItems;     // sd(d) / sqrt(n), items taken as independent
};

// McNemar on per-item majority correctness (p_i > 0.5). b: items right in A only, c: right in B
// only; ties: items with p_i = 0.5 in either group, left out. Exact binomial when b + c < 25 (then
// statistic = b, as R's binom.test reports it), else chi-squared with continuity correction.
struct McNemarTest
{
    int64_t b = 0;
    int64_t c = 0;
    int64_t ties = 0;
    double statistic = 0.0;
    double p = 1.0;
    bool exact = true;
};

// Paired bootstrap over items: 95% percentile interval of the mean of d_i.
struct BootstrapInterval
{
    int resamples = 0;
    uint64_t seed = 0;
    std::optional<Interval> ci95;
};

// Per subject: mean across runs of the run's accuracy on that subject, in each group, and the
// paired interval of the difference over the subject's items (t with items - 1 df): how far the
// subject's difference could move on other questions of that subject.
struct SubjectDelta
{
    std::string subject;
    std::optional<double> meanA;
    std::optional<double> meanB;
    std::optional<double> delta;
    int64_t nItems = 0;            // items of the subject answered in both groups
    std::optional<Interval> ci95;  // empty below two items
};

// What would settle the question left open (DESIGN.md, "What would settle an open question").
// Repeats only when the run-to-run term dominates and only of groups whose runs vary; questions
// when the item term dominates; nothing when nothing is open.
struct SettlePlan
{
    enum class Kind {
        Nothing, // every question is answered
        Repeats, // more runs of the groups that vary
        Items,   // more questions of the same kind: repeats would not get there
        Cannot,  // neither would: the runs do not vary and the items are not the reason
    };
    Kind kind = Kind::Nothing;
    std::string question;          // "whether it holds on new questions", ...
    int64_t moreA = 0;             // runs to add to A (0 for a group whose runs do not vary)
    int64_t moreB = 0;
    bool aVaries = false;
    bool bVaries = false;
    std::optional<int64_t> items;  // questions in all, when kind is Items
    std::optional<double> seconds; // the runs' time, from the groups' mean run durations
    double runVariance = 0.0;      // the two terms compared: run-to-run, of the difference
    double itemVariance = 0.0;     // question sampling, of the difference
    std::string words;             // the advice as a sentence
    int64_t runs() const { return moreA + moreB; }
};
const char* settleKindName(SettlePlan::Kind kind); // "nothing", "repeats", "items", "cannot"

struct Comparison
{
    int64_t runsA = 0;
    int64_t runsB = 0;
    double meanA = 0.0;
    double meanB = 0.0;
    std::optional<double> sdA; // sample sd of run accuracies; empty for a single run
    std::optional<double> sdB;
    double delta = 0.0; // meanB - meanA

    RunNoiseTest runTest;                 // JSON "welch", whatever its method
    BeyondNoise beyondNoise = BeyondNoise::Untested;
    std::optional<double> mde;            // minimum detectable effect at alpha 0.05, power 0.8
    double deltaUser = 0.0;               // the difference that matters, delta
    std::optional<double> pooledSd;       // sqrt of the average of the two run variances
    std::optional<int64_t> repeatsNeeded; // per group, to detect delta with power 0.8
    MattersTest matters;

    PairedItemsTest paired; // primary for new questions
    McNemarTest mcnemar;    // check
    BootstrapInterval bootstrap; // check
    NewQuestions newQuestionsAnswer = NewQuestions::Unknown;
    std::string newQuestions;               // the third question's answer, in words
    std::vector<std::string> disagreements; // a check that disagrees with the primary, and why
    bool itemsNotRepeats = false;           // the item term dominates the run-to-run term

    Verdict verdict = Verdict::Inconclusive;
    SettlePlan settle;

    std::vector<SubjectDelta> subjects; // sorted by subject name
    std::vector<std::string> notes;
};

// Throws nf::InputError when the groups are on different item sets, a group has no runs, or the
// options are unusable.
Comparison compare(const GroupData& a, const GroupData& b, const CompareOptions& options = {});

// The building blocks, public so that the tests can check each against R and the bench can time
// the bootstrap alone.

// Runs per group for a two-sided two-sample test at alpha 0.05 and power 0.8 to detect deltaUser
// with run sd `sd`: ceil(2 (z_0.975 + z_0.8)^2 sd^2 / deltaUser^2), at least 2. Empty when sd is 0.
std::optional<int64_t> repeatsNeeded(double sd, double deltaUser);

// Per-item rates of the two groups over the same items (same order); undefined values get a note.
// `clusters` (same length, or empty) gives each item's subject as a small integer: with two or
// more distinct values the standard error is clustered by them.
PairedItemsTest pairedItems(const std::vector<double>& ratesA, const std::vector<double>& ratesB,
                            std::vector<std::string>& notes, const std::vector<int>& clusters = {});

// The three answers in one (the verdict's table in compare.h).
Verdict combinedVerdict(BeyondNoise beyond, Matters matters);

// What one group brings to the plan: its runs, their variance, whether they vary at all (a
// group with a single run counts as varying when the other does, as the pooled test assumes),
// whether more of them can be run (not a pinned single run), and a run's mean duration.
struct SettleInput
{
    int64_t n = 0;
    double variance = 0.0;
    bool varies = false;
    bool repeatable = true;
    std::optional<double> secondsPerRun;
};

// What would settle the comparison's open question, from its answers and variance terms: the run
// term is the first question's se^2, the item term what the primary paired se^2 has beyond it.
// The distance the answer turns on: delta for "is there a difference that matters" (sized for the
// equivalence test, (z_0.95 + z_0.9) standard errors), | |difference| - delta | for "does it reach
// delta", the paired difference for "does it hold on new questions" ((z_0.975 + z_0.8) standard
// errors for both). Questions are the advice when the item term alone is too large to see that
// distance (runs would settle it for these questions only) or, for new questions, when it is the
// larger term; their number brings the item term down to what is left (by subjects where the
// paired analysis is clustered). Otherwise repeats, equal for the groups that vary and can be
// repeated, sized so that the remaining standard error reaches the same bound.
SettlePlan settlePlan(const Comparison& comparison, const SettleInput& a, const SettleInput& b);

// The two one-sided tests of a difference with standard error `se` and df (infinite: normal)
// against +/- delta, and the answer they give together with the 95% interval `ci95`.
MattersTest mattersTest(double difference, double se, double df, double delta, const Interval& ci95);

McNemarTest mcNemar(int64_t b, int64_t c, int64_t ties = 0);

// Deterministic for a given seed whatever the number of threads: resamples are drawn in fixed
// chunks, each from its own generator seeded from (seed, chunk index). threads = 0: one per core
// (up to 8) when the work is large enough to pay for them.
BootstrapInterval pairedBootstrap(const std::vector<double>& differences, int resamples, uint64_t seed,
                                  unsigned threads = 0);

} // namespace nf::stats
