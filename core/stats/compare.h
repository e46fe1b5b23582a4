#pragma once

// Two config groups on the same task, two questions answered separately (DESIGN.md, "Two groups"):
// is B's mean run accuracy different from A's beyond run-to-run noise on this item set (Welch), and
// would the difference hold on new questions of the same kind (paired per-item analysis, McNemar,
// bootstrap)? Every accuracy, difference and interval is a fraction (0-1); undefined values are
// empty optionals with a line in `notes`, never NaN.

#include "stats/types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nf::stats {

struct CompareOptions
{
    // The difference the user cares about, in accuracy points (the CLI's --delta); repeats_needed
    // is sized to detect it. Empty: the zone-1 threshold, thresholds.watch.
    std::optional<double> deltaUserPoints;
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

enum class Verdict { Improvement, Regression, WithinNoise, Inconclusive };

// "welch", "one_sample", "exact", "none".
const char* runTestMethodName(RunTestMethod method);
// "improvement", "regression", "within_noise", "inconclusive".
const char* verdictName(Verdict verdict);

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

// Would it hold on new questions? d_i = p_Bi - p_Ai over items answered in both groups.
struct PairedItemsTest
{
    int64_t nItems = 0;
    std::optional<double> meanDiff;
    std::optional<double> se; // sd(d) / sqrt(nItems)
    std::optional<double> z;
    std::optional<double> p;
    std::optional<Interval> ci95;
    std::optional<double> correlation; // Pearson, of p_A and p_B across items
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

// Per subject: mean across runs of the run's accuracy on that subject, in each group.
struct SubjectDelta
{
    std::string subject;
    std::optional<double> meanA;
    std::optional<double> meanB;
    std::optional<double> delta;
};

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
    std::optional<double> mde;            // minimum detectable effect at alpha 0.05, power 0.8
    double deltaUser = 0.0;               // the difference repeatsNeeded is sized for
    std::optional<double> pooledSd;       // sqrt of the average of the two run variances
    std::optional<int64_t> repeatsNeeded; // per group
    Verdict verdict = Verdict::Inconclusive;

    PairedItemsTest paired;
    McNemarTest mcnemar;
    BootstrapInterval bootstrap;
    std::string newQuestions;     // the second question's answer, in words
    bool itemsNotRepeats = false; // the item term alone (paired CI half-width) is wider than |delta|

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
PairedItemsTest pairedItems(const std::vector<double>& ratesA, const std::vector<double>& ratesB,
                            std::vector<std::string>& notes);

McNemarTest mcNemar(int64_t b, int64_t c, int64_t ties = 0);

// Deterministic for a given seed whatever the number of threads: resamples are drawn in fixed
// chunks, each from its own generator seeded from (seed, chunk index). threads = 0: one per core
// (up to 8) when the work is large enough to pay for them.
BootstrapInterval pairedBootstrap(const std::vector<double>& differences, int resamples, uint64_t seed,
                                  unsigned threads = 0);

} // namespace nf::stats
