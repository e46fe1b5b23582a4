#include "stats/compare.h"

#include "common/error.h"
#include "stats/describe.h"
#include "stats/intervals.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

namespace nf::stats {

namespace {

constexpr double alpha = 0.05;
constexpr double power = 0.8;

// Quantile of Student's t at df, or of the standard normal when df is not finite.
double tOrNormalQuantile(double probability, double df)
{
    return std::isfinite(df) ? tQuantile(probability, df) : normalQuantile(probability);
}

double twoSidedTP(double t, double df)
{
    return 2.0 * boost::math::cdf(boost::math::complement(boost::math::students_t(df), std::fabs(t)));
}

// What one group says about its own run-to-run spread.
struct GroupRuns
{
    int64_t n = 0;
    double mean = 0.0;
    double variance = 0.0; // meaningful only when n >= 2
    bool hasSpread = false;
    bool zeroSpread = false; // two or more runs, all with the same accuracy
    std::optional<double> secondsPerRun; // mean duration of the runs that recorded one
};

GroupRuns describeRuns(const GroupData& group, char name)
{
    std::vector<double> accuracies;
    accuracies.reserve(group.runs.size());
    for (const RunPoint& run : group.runs)
        accuracies.push_back(run.accuracy());
    if (accuracies.empty())
        throw InputError(std::string("group ") + name + " has no completed runs to compare");
    const Description d = describe(accuracies);
    GroupRuns runs;
    runs.n = static_cast<int64_t>(d.n);
    runs.mean = d.mean;
    if (runs.n >= 2) {
        // Equal accuracies are a property of the counts, not of rounding in the sd.
        runs.zeroSpread = d.range == 0.0;
        runs.hasSpread = !runs.zeroSpread;
        runs.variance = runs.zeroSpread ? 0.0 : d.sd * d.sd;
    }
    // The mean of equal accuracies is that accuracy: summing and dividing would leave a rounding
    // residue that an exact comparison of two greedy groups reads as a real difference.
    if (runs.zeroSpread || runs.n == 1)
        runs.mean = accuracies.front();
    double seconds = 0.0;
    int timed = 0;
    for (const RunPoint& run : group.runs)
        if (run.durationSeconds && *run.durationSeconds >= 0.0) {
            seconds += *run.durationSeconds;
            ++timed;
        }
    if (timed > 0)
        runs.secondsPerRun = seconds / timed;
    return runs;
}

// t-test on delta with standard error `se` and df, oriented like delta.
RunNoiseTest tTest(RunTestMethod method, double delta, double se, double df)
{
    RunNoiseTest test;
    test.method = method;
    test.se = se;
    test.df = df;
    test.t = delta / se;
    test.p = twoSidedTP(*test.t, df);
    const double half = tOrNormalQuantile(1.0 - alpha / 2.0, df) * se;
    test.ci95 = clampDifference(Interval{delta - half, delta + half});
    return test;
}

RunNoiseTest runNoiseTest(const GroupRuns& a, const GroupRuns& b, double delta,
                          std::vector<std::string>& notes)
{
    if (a.hasSpread && b.hasSpread) {
        const double va = a.variance / static_cast<double>(a.n);
        const double vb = b.variance / static_cast<double>(b.n);
        const double df = (va + vb) * (va + vb) /
                          (va * va / static_cast<double>(a.n - 1) + vb * vb / static_cast<double>(b.n - 1));
        return tTest(RunTestMethod::Welch, delta, std::sqrt(va + vb), df);
    }
    if (a.zeroSpread && b.zeroSpread) {
        RunNoiseTest test;
        test.method = RunTestMethod::Exact;
        test.se = 0.0;
        test.p = delta != 0.0 ? 0.0 : 1.0;
        test.ci95 = Interval{delta, delta};
        notes.push_back("both groups have zero run-to-run spread: the difference is exact");
        return test;
    }
    // One group varies, the other is a constant: a one-sample test of the varying one against it.
    const bool aVaries = a.hasSpread && b.zeroSpread;
    const bool bVaries = b.hasSpread && a.zeroSpread;
    if (aVaries || bVaries) {
        const GroupRuns& varying = aVaries ? a : b;
        const char constantName = aVaries ? 'B' : 'A';
        notes.push_back(std::string("group ") + constantName +
                        " has zero run-to-run spread; one-sample t-test of the other group against it");
        const double n = static_cast<double>(varying.n);
        return tTest(RunTestMethod::OneSample, delta, std::sqrt(varying.variance / n), n - 1.0);
    }
    // A single run still has run-to-run noise, only no estimate of it: it is taken to be the other
    // group's (Student's t with pooled variance, as R's t.test(var.equal = TRUE) with one run).
    const bool aSingle = a.n == 1 && b.hasSpread;
    const bool bSingle = b.n == 1 && a.hasSpread;
    if (aSingle || bSingle) {
        const GroupRuns& varying = aSingle ? b : a;
        notes.push_back(std::string("group ") + (aSingle ? 'A' : 'B') +
                        " has a single run; its run-to-run spread is taken to be the other group's "
                        "(pooled t-test)");
        const double n = static_cast<double>(varying.n);
        return tTest(RunTestMethod::Pooled, delta, std::sqrt(varying.variance * (1.0 / n + 1.0)), n - 1.0);
    }
    notes.push_back("no estimate of run-to-run spread (too few runs with differing accuracy): no test of "
                    "the run difference; repeat the single-run group");
    return {};
}

std::vector<SubjectDelta> subjectDeltas(const GroupData& a, const GroupData& b)
{
    struct Sums
    {
        double a = 0.0;
        int64_t runsA = 0;
        double b = 0.0;
        int64_t runsB = 0;
        std::vector<double> differences; // p_Bi - p_Ai of the subject's items answered in both
    };
    std::map<std::string, Sums> bySubject;
    for (const SubjectRunCount& s : a.subjects) {
        if (s.nItems <= 0)
            continue;
        Sums& sums = bySubject[s.subject];
        sums.a += static_cast<double>(s.nCorrect) / static_cast<double>(s.nItems);
        ++sums.runsA;
    }
    for (const SubjectRunCount& s : b.subjects) {
        if (s.nItems <= 0)
            continue;
        Sums& sums = bySubject[s.subject];
        sums.b += static_cast<double>(s.nCorrect) / static_cast<double>(s.nItems);
        ++sums.runsB;
    }
    const size_t n = std::min({a.items.size(), b.items.size(), a.itemSubjects.size()});
    for (size_t i = 0; i < n; ++i) {
        const ItemCount& ia = a.items[i];
        const ItemCount& ib = b.items[i];
        const auto found = bySubject.find(a.itemSubjects[i]);
        if (ia.nRuns <= 0 || ib.nRuns <= 0 || found == bySubject.end())
            continue;
        found->second.differences.push_back(static_cast<double>(ib.nCorrect) / static_cast<double>(ib.nRuns) -
                                            static_cast<double>(ia.nCorrect) / static_cast<double>(ia.nRuns));
    }
    std::vector<SubjectDelta> deltas;
    deltas.reserve(bySubject.size());
    for (const auto& [subject, sums] : bySubject) {
        SubjectDelta row;
        row.subject = subject;
        if (sums.runsA > 0)
            row.meanA = sums.a / static_cast<double>(sums.runsA);
        if (sums.runsB > 0)
            row.meanB = sums.b / static_cast<double>(sums.runsB);
        if (row.meanA && row.meanB)
            row.delta = *row.meanB - *row.meanA;
        row.nItems = static_cast<int64_t>(sums.differences.size());
        if (row.delta && row.nItems >= 2) {
            // Centred on the subject's difference as the table shows it (the mean of the item
            // differences, unless some runs were scores only).
            const Description d = describe(sums.differences);
            const double half = tQuantile(1.0 - alpha / 2.0, static_cast<double>(row.nItems - 1)) * d.sd /
                                std::sqrt(static_cast<double>(row.nItems));
            row.ci95 = clampDifference(Interval{*row.delta - half, *row.delta + half});
        }
        deltas.push_back(std::move(row));
    }
    return deltas;
}

// Why a check disagrees with the primary paired analysis, for the text under the answer.
void explainDisagreements(Comparison& result)
{
    if (!result.paired.ci95)
        return;
    const bool primary = result.newQuestionsAnswer == NewQuestions::Holds;
    const bool mcnemar = result.mcnemar.p < alpha;
    const int64_t discordant = result.mcnemar.b + result.mcnemar.c;
    const std::string clustered =
        result.paired.clusters >= 2
            ? "the primary analysis counts questions of one subject as moving together (clustered by " +
                  std::to_string(result.paired.clusters) + " subjects), while "
            : "";
    char p[32];
    std::snprintf(p, sizeof p, "%.4g", result.mcnemar.p);
    if (primary && !mcnemar)
        result.disagreements.push_back(
            std::string("McNemar does not confirm it (p ") + p +
            "): it keeps only each item's majority answer, discarding what the runs say about each item, "
            "and only " + std::to_string(discordant) + " item" + (discordant == 1 ? "" : "s") +
            " changed majority answer" + (discordant < 25 ? " (few discordant items)" : ""));
    else if (!primary && mcnemar)
        result.disagreements.push_back(
            std::string("McNemar sees a difference (p ") + p + ") that the primary analysis does not: " +
            (clustered.empty() ? "McNemar counts the items whose majority answer changed and ignores how far "
                                 "each item's rate moved and by how much the others varied"
                               : clustered + "McNemar takes every item as independent"));
    if (result.bootstrap.ci95) {
        const bool bootstrap = result.bootstrap.ci95->lo > 0.0 || result.bootstrap.ci95->hi < 0.0;
        if (bootstrap != primary)
            result.disagreements.push_back(
                std::string("the paired bootstrap ") + (bootstrap ? "excludes" : "includes") + " 0: " +
                (clustered.empty() ? "its percentile interval and the normal interval differ at the edge"
                                   : clustered + "the bootstrap resamples items one by one"));
    }
}

// The paired analysis (primary: clustered by subject where there are subjects), McNemar and the
// bootstrap (checks), all over items answered in both groups.
void compareItems(const GroupData& a, const GroupData& b, const CompareOptions& options, Comparison& result)
{
    std::vector<double> pA;
    std::vector<double> pB;
    std::vector<int> clusters;
    std::map<std::string, int> clusterOf;
    const bool bySubject = a.itemSubjects.size() == a.items.size();
    pA.reserve(a.items.size());
    pB.reserve(a.items.size());
    int64_t onlyA = 0;
    int64_t onlyB = 0;
    int64_t ties = 0;
    for (size_t i = 0; i < a.items.size(); ++i) {
        const ItemCount& ia = a.items[i];
        const ItemCount& ib = b.items[i];
        if (ia.nRuns <= 0 || ib.nRuns <= 0)
            continue;
        pA.push_back(static_cast<double>(ia.nCorrect) / static_cast<double>(ia.nRuns));
        pB.push_back(static_cast<double>(ib.nCorrect) / static_cast<double>(ib.nRuns));
        if (bySubject)
            clusters.push_back(clusterOf.emplace(a.itemSubjects[i], static_cast<int>(clusterOf.size())).first->second);
        // Majority in integers: p > 0.5 exactly when 2 * correct > runs.
        const int64_t twiceA = 2 * ia.nCorrect;
        const int64_t twiceB = 2 * ib.nCorrect;
        if (twiceA == ia.nRuns || twiceB == ib.nRuns) {
            ++ties;
            continue;
        }
        const bool rightA = twiceA > ia.nRuns;
        const bool rightB = twiceB > ib.nRuns;
        onlyA += rightA && !rightB;
        onlyB += rightB && !rightA;
    }

    result.paired = pairedItems(pA, pB, result.notes, clusters);
    result.mcnemar = mcNemar(onlyA, onlyB, ties);
    if (ties > 0)
        result.notes.push_back("McNemar: " + std::to_string(ties) +
                               " items with a majority tie (p = 0.5) in a group were left out");
    if (onlyA + onlyB == 0)
        result.notes.push_back(
            "McNemar: no item changes majority correctness between the groups (b + c = 0)");

    std::vector<double> differences(pA.size());
    for (size_t i = 0; i < pA.size(); ++i)
        differences[i] = pB[i] - pA[i];
    result.bootstrap = pairedBootstrap(differences, options.bootstrapResamples, options.bootstrapSeed);
    if (!result.bootstrap.ci95)
        result.notes.push_back("bootstrap: no interval (no items in common or no resamples asked for)");

    if (!result.paired.ci95) {
        result.newQuestions = "question-sampling error cannot be estimated (fewer than 2 items)";
        return;
    }
    const Interval ci = *result.paired.ci95;
    const bool holds = ci.lo > 0.0 || ci.hi < 0.0;
    result.newQuestionsAnswer = holds ? NewQuestions::Holds : NewQuestions::NotShown;
    const std::string how = result.paired.clusters >= 2
                                ? " (paired over items, clustered by " + std::to_string(result.paired.clusters) +
                                      " subjects)"
                                : " (paired over items)";
    result.newQuestions = (holds ? "holds beyond question-sampling error" : "within question-sampling error") + how;
    explainDisagreements(result);
}

} // namespace

const char* runTestMethodName(RunTestMethod method)
{
    switch (method) {
    case RunTestMethod::Welch:
        return "welch";
    case RunTestMethod::OneSample:
        return "one_sample";
    case RunTestMethod::Exact:
        return "exact";
    case RunTestMethod::Pooled:
        return "pooled";
    case RunTestMethod::None:
        break;
    }
    return "none";
}

std::optional<int64_t> repeatsNeeded(double sd, double deltaUser)
{
    if (!(sd > 0.0) || !(deltaUser > 0.0))
        return std::nullopt;
    const double z = normalQuantile(1.0 - alpha / 2.0) + normalQuantile(power);
    const double n = std::ceil(2.0 * z * z * sd * sd / (deltaUser * deltaUser));
    if (!(n < 1e15))
        return std::nullopt;
    // Two runs are the fewest that estimate a group's spread at all.
    return std::max<int64_t>(2, static_cast<int64_t>(n));
}

Comparison compare(const GroupData& a, const GroupData& b, const CompareOptions& options)
{
    if (a.items.size() != b.items.size())
        throw InputError("groups are on different item sets (" + std::to_string(a.items.size()) + " vs " +
                         std::to_string(b.items.size()) + " items)");
    const double deltaUserPoints = options.deltaUserPoints.value_or(options.thresholds.watch);
    if (!(deltaUserPoints > 0.0) || !std::isfinite(deltaUserPoints))
        throw InputError(
            "the difference to detect (--delta) must be a positive number of accuracy points, got " +
            std::to_string(deltaUserPoints));
    if (options.bootstrapResamples < 0)
        throw InputError("bootstrap resamples must not be negative, got " +
                         std::to_string(options.bootstrapResamples));

    Comparison result;
    const GroupRuns runsA = describeRuns(a, 'A');
    const GroupRuns runsB = describeRuns(b, 'B');
    result.runsA = runsA.n;
    result.runsB = runsB.n;
    result.meanA = runsA.mean;
    result.meanB = runsB.mean;
    if (runsA.n >= 2)
        result.sdA = std::sqrt(runsA.variance);
    if (runsB.n >= 2)
        result.sdB = std::sqrt(runsB.variance);
    result.delta = runsB.mean - runsA.mean;
    int64_t onlyA = 0;
    int64_t onlyB = 0;
    for (size_t i = 0; i < a.items.size(); ++i) {
        const bool inA = a.items[i].nRuns > 0;
        const bool inB = b.items[i].nRuns > 0;
        onlyA += inA && !inB;
        onlyB += inB && !inA;
    }
    if (onlyA > 0 || onlyB > 0)
        result.notes.push_back(
            "the groups answered different items (" + std::to_string(onlyA) + " only by A, " +
            std::to_string(onlyB) +
            " only by B): the run-level test compares accuracies over different questions; "
            "the paired analysis uses the items both answered");

    // First question: beyond run-to-run noise on this item set?
    result.runTest = runNoiseTest(runsA, runsB, result.delta, result.notes);
    if (result.runTest.method == RunTestMethod::Exact)
        result.mde = 0.0;
    else if (result.runTest.df && result.runTest.se)
        result.mde = (tOrNormalQuantile(1.0 - alpha / 2.0, *result.runTest.df) +
                      tOrNormalQuantile(power, *result.runTest.df)) *
                     *result.runTest.se;
    else
        result.notes.push_back("minimum detectable effect: undefined without a run-to-run spread");

    // A single run's variance is unknown: take the other group's (equal spreads assumed).
    result.deltaUser = deltaUserPoints / 100.0;
    if (runsA.n >= 2 || runsB.n >= 2) {
        const double varianceA = runsA.n >= 2 ? runsA.variance : runsB.variance;
        const double varianceB = runsB.n >= 2 ? runsB.variance : runsA.variance;
        result.pooledSd = std::sqrt((varianceA + varianceB) / 2.0);
        result.repeatsNeeded = repeatsNeeded(*result.pooledSd, result.deltaUser);
    }

    // Beyond run-to-run noise, and does it matter?
    if (result.runTest.ci95) {
        const Interval ci = *result.runTest.ci95;
        const bool exact = result.runTest.method == RunTestMethod::Exact;
        const bool beyond = exact ? result.delta != 0.0 : (ci.lo > 0.0 || ci.hi < 0.0);
        result.beyondNoise = !beyond ? BeyondNoise::No
                                     : (result.delta > 0.0 ? BeyondNoise::Improvement : BeyondNoise::Regression);
        result.matters = mattersTest(result.delta, result.runTest.se.value_or(0.0),
                                     result.runTest.df.value_or(INFINITY), result.deltaUser, ci);
    } else {
        result.matters.delta = result.deltaUser;
    }

    compareItems(a, b, options, result);
    result.verdict = combinedVerdict(result.beyondNoise, result.matters.answer);

    // A single run counts as varying when the other group does: the pooled test takes it so.
    const auto input = [](const GroupRuns& runs, const GroupRuns& other, bool repeatable) {
        SettleInput in;
        in.n = runs.n;
        in.repeatable = repeatable;
        in.varies = runs.hasSpread || (runs.n == 1 && other.hasSpread);
        in.variance = runs.hasSpread ? runs.variance : (in.varies ? other.variance : 0.0);
        in.secondsPerRun = runs.secondsPerRun;
        return in;
    };
    result.settle = settlePlan(result, input(runsA, runsB, !options.aIsFixedRun), input(runsB, runsA, true));
    result.itemsNotRepeats = result.settle.kind == SettlePlan::Kind::Items;
    if (result.settle.kind == SettlePlan::Kind::Items)
        result.notes.push_back("more items, not more repeats, would settle it");
    result.subjects = subjectDeltas(a, b);
    return result;
}

} // namespace nf::stats
