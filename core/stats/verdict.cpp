// The comparison's second question (does it matter?), the three answers combined into a verdict,
// and what would settle the question left open.

#include "stats/compare.h"
#include "common/text.h"
#include "stats/intervals.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdio>

namespace nf::stats {

namespace {

constexpr double kAlpha = 0.05;
constexpr double kPower = 0.8;

// Upper tail P(T > t) of Student's t at df, or of the standard normal when df is not finite.
double upperTail(double t, double df)
{
    if (std::isfinite(df))
        return boost::math::cdf(boost::math::complement(boost::math::students_t(df), t));
    return boost::math::cdf(boost::math::complement(boost::math::normal(), t));
}

double quantileAt(double probability, double df)
{
    return std::isfinite(df) ? tQuantile(probability, df) : normalQuantile(probability);
}

std::string pointsText(double fraction)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", std::fabs(fraction) < 5e-5 ? 0.0 : fraction * 100.0);
    return text;
}

} // namespace

const char* verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Improvement:
        return "improvement";
    case Verdict::Regression:
        return "regression";
    case Verdict::SmallImprovement:
        return "negligible_improvement";
    case Verdict::SmallRegression:
        return "negligible_regression";
    case Verdict::UnsizedImprovement:
        return "improvement_of_unsettled_size";
    case Verdict::UnsizedRegression:
        return "regression_of_unsettled_size";
    case Verdict::Equivalent:
        return "equivalent";
    case Verdict::Inconclusive:
        break;
    }
    return "inconclusive";
}

const char* beyondNoiseName(BeyondNoise answer)
{
    switch (answer) {
    case BeyondNoise::Improvement:
        return "improvement";
    case BeyondNoise::Regression:
        return "regression";
    case BeyondNoise::No:
        return "no";
    case BeyondNoise::Untested:
        break;
    }
    return "untested";
}

const char* mattersName(Matters answer)
{
    switch (answer) {
    case Matters::Matters:
        return "matters";
    case Matters::Negligible:
        return "negligible";
    case Matters::CantTell:
        break;
    }
    return "cant_tell";
}

const char* newQuestionsName(NewQuestions answer)
{
    switch (answer) {
    case NewQuestions::Holds:
        return "holds";
    case NewQuestions::NotShown:
        return "not_shown";
    case NewQuestions::Unknown:
        break;
    }
    return "unknown";
}

const char* settleKindName(SettlePlan::Kind kind)
{
    switch (kind) {
    case SettlePlan::Kind::Nothing:
        return "nothing";
    case SettlePlan::Kind::Repeats:
        return "repeats";
    case SettlePlan::Kind::Items:
        return "items";
    case SettlePlan::Kind::Cannot:
        break;
    }
    return "cannot";
}

MattersTest mattersTest(double difference, double se, double df, double delta, const Interval& ci95)
{
    MattersTest test;
    test.delta = delta;
    if (!(se > 0.0)) {
        // Known exactly (both groups greedy): no test, the number itself.
        test.ci90 = Interval{difference, difference};
        test.answer = std::fabs(difference) >= delta - 1e-12 ? Matters::Matters : Matters::Negligible;
        return test;
    }
    test.tLower = (difference + delta) / se;
    test.pLower = upperTail(*test.tLower, df);
    test.tUpper = (difference - delta) / se;
    test.pUpper = upperTail(-*test.tUpper, df);
    test.pEquivalence = std::max(*test.pLower, *test.pUpper);
    const double half = quantileAt(1.0 - kAlpha, df) * se;
    test.ci90 = clampDifference(Interval{difference - half, difference + half});
    if (ci95.lo > delta || ci95.hi < -delta)
        test.answer = Matters::Matters;
    else if (*test.pEquivalence < kAlpha)
        test.answer = Matters::Negligible;
    return test;
}

Verdict combinedVerdict(BeyondNoise beyond, Matters matters)
{
    const bool up = beyond == BeyondNoise::Improvement;
    switch (beyond) {
    case BeyondNoise::Improvement:
    case BeyondNoise::Regression:
        if (matters == Matters::Matters)
            return up ? Verdict::Improvement : Verdict::Regression;
        if (matters == Matters::Negligible)
            return up ? Verdict::SmallImprovement : Verdict::SmallRegression;
        return up ? Verdict::UnsizedImprovement : Verdict::UnsizedRegression;
    case BeyondNoise::No:
        return matters == Matters::Negligible ? Verdict::Equivalent : Verdict::Inconclusive;
    case BeyondNoise::Untested:
        break;
    }
    return Verdict::Inconclusive;
}

SettlePlan settlePlan(const Comparison& c, const SettleInput& a, const SettleInput& b)
{
    SettlePlan plan;
    plan.aVaries = a.varies;
    plan.bVaries = b.varies;
    plan.runVariance = c.runTest.se ? *c.runTest.se * *c.runTest.se : 0.0;
    if (c.paired.se)
        plan.itemVariance = std::max(0.0, *c.paired.se * *c.paired.se - plan.runVariance);

    // The open question, the distance its answer turns on, and the quantiles whose sum of
    // standard errors must fit in that distance: alpha 0.05 two-sided and power 0.8, or for the
    // equivalence test alpha 0.05 one-sided on each side and power 0.8 shared by the two sides.
    double target = c.deltaUser;
    double levelQuantile = 1.0 - kAlpha / 2.0;
    double powerQuantile = kPower;
    bool itemTermCounts = false;
    switch (c.verdict) {
    case Verdict::Improvement:
    case Verdict::Regression:
        if (c.newQuestionsAnswer == NewQuestions::Holds) {
            plan.words = "nothing: every question is answered";
            return plan;
        }
        if (c.newQuestionsAnswer == NewQuestions::Unknown) {
            plan.words = "nothing from more runs: whether it holds on new questions needs at least two items";
            return plan;
        }
        // Whether the interval over items leaves 0: the distance is the paired difference itself.
        plan.question = "whether it holds on new questions";
        target = std::fabs(c.paired.meanDiff.value_or(0.0));
        if (!(target > 0.0))
            target = c.deltaUser;
        itemTermCounts = true;
        break;
    case Verdict::SmallImprovement:
    case Verdict::SmallRegression:
    case Verdict::Equivalent:
        plan.words = "nothing: the difference is within the " + pointsText(c.deltaUser) + " points that matter";
        return plan;
    case Verdict::UnsizedImprovement:
    case Verdict::UnsizedRegression:
        // Real, and the answer turns on how far the difference lies from delta.
        plan.question = "whether it reaches the " + pointsText(c.deltaUser) + " points that matter";
        target = std::fabs(std::fabs(c.delta) - c.deltaUser);
        break;
    case Verdict::Inconclusive:
        // Either a difference of delta shows, or the two one-sided tests reach equivalence: sized
        // for the second, which needs (z_0.95 + z_0.9) standard errors within delta.
        plan.question = "whether there is a difference that matters";
        levelQuantile = 1.0 - kAlpha;
        powerQuantile = 1.0 - (1.0 - kPower) / 2.0;
        break;
    }
    // Many runs or items: the normal's quantiles. Few runs: Student's t at their degrees of freedom.
    const auto multiplier = [&](double df) {
        return quantileAt(levelQuantile, df) + quantileAt(powerQuantile, df);
    };
    const double budget = target * target / (multiplier(INFINITY) * multiplier(INFINITY));
    const int64_t nItems = c.paired.nItems;

    auto itemsAdvice = [&](const std::string& why) {
        plan.kind = SettlePlan::Kind::Items;
        // The item term falls with the number of questions (of subjects, where the standard error
        // is clustered by subject: more questions in the same subjects would not help).
        const double room = budget - (itemTermCounts ? plan.runVariance : 0.0);
        if (nItems < 2 || !(plan.itemVariance > 0.0) || !(room > 0.0)) {
            plan.words = "more questions of this kind" + std::string(room > 0.0 ? "" : ", and more runs,") +
                         " would settle " + plan.question + why;
            return;
        }
        const double scale = plan.itemVariance / room;
        const double needed = std::ceil(static_cast<double>(nItems) * scale);
        if (needed <= static_cast<double>(nItems)) {
            plan.kind = SettlePlan::Kind::Nothing;
            plan.words = "nothing practical: these questions already suffice to see " + pointsText(target) +
                         " points; this difference lies close to the line";
            return;
        }
        plan.items = static_cast<int64_t>(std::min(needed, 1e12));
        std::string what = "about " + std::to_string(*plan.items) + " questions of this kind";
        std::string have = "this task has " + std::to_string(nItems);
        if (c.paired.clusters >= 2) {
            const double subjects = std::ceil(static_cast<double>(c.paired.clusters) * scale);
            what += " from about " + std::to_string(static_cast<int64_t>(std::min(subjects, 1e12))) + " subjects";
            have += " in " + std::to_string(c.paired.clusters);
        }
        plan.words = what + " (" + have + ") would settle " + plan.question + why;
    };

    // What the planned runs cost, from the groups' mean run durations: " (about 4 min)".
    const auto costText = [&]() -> std::string {
        double seconds = 0.0;
        for (const auto& [more, group] : {std::pair{plan.moreA, &a}, std::pair{plan.moreB, &b}}) {
            if (more == 0)
                continue;
            if (!group->secondsPerRun)
                return {};
            seconds += static_cast<double>(more) * *group->secondsPerRun;
        }
        if (!(seconds > 0.0))
            return {};
        plan.seconds = seconds;
        return " (" + durationText(seconds) + ")";
    };
    const auto describeRuns = [&] {
        std::string what;
        if (plan.moreA > 0)
            what = std::to_string(plan.moreA) + " more runs of A";
        if (plan.moreB > 0)
            what += (what.empty() ? "" : " and ") + std::to_string(plan.moreB) + " more runs of B";
        return what + costText();
    };

    const bool repeatableA = a.varies && a.repeatable;
    const bool repeatableB = b.varies && b.repeatable;
    if (c.runTest.method == RunTestMethod::None) {
        // A group with one run: its spread is unknown, so the first step is to see it.
        plan.moreA = a.n == 1 && a.repeatable ? 2 : 0;
        plan.moreB = b.n == 1 && b.repeatable ? 2 : 0;
        if (plan.runs() == 0) {
            plan.kind = SettlePlan::Kind::Cannot;
            plan.words = "nothing here: the single run cannot be repeated, so its run-to-run spread stays unknown";
            return plan;
        }
        plan.kind = SettlePlan::Kind::Repeats;
        plan.words = "a group with a single run has no known run-to-run spread: " + describeRuns() +
                     " would show whether its runs vary";
    } else if (!a.varies && !b.varies) {
        if (itemTermCounts && plan.itemVariance > 0.0)
            itemsAdvice("; repeats cannot change it: the runs of both groups are identical");
        else {
            plan.kind = SettlePlan::Kind::Cannot;
            plan.words = "repeats cannot change it: the runs of both groups are identical";
        }
    } else if (plan.itemVariance >= budget || (itemTermCounts && plan.itemVariance > plan.runVariance)) {
        // However many runs there are, the questions keep the answer open for new questions:
        // runs would settle it for these questions only.
        itemsAdvice("; more repeats would settle it only for these " + std::to_string(nItems) +
                    " questions: the questions, not the runs, are the larger part of the uncertainty");
    } else {
        // A group that varies but cannot be repeated (a pinned run) keeps its share of the run term.
        const double fixed = (a.varies && !a.repeatable ? a.variance / static_cast<double>(a.n) : 0.0) +
                             (b.varies && !b.repeatable ? b.variance / static_cast<double>(b.n) : 0.0);
        const double room = budget - (itemTermCounts ? plan.itemVariance : 0.0) - fixed;
        if (!(room > 0.0) || (!repeatableA && !repeatableB)) {
            // Even infinitely many runs leave more than the distance allows.
            plan.kind = SettlePlan::Kind::Cannot;
            plan.words = "more runs cannot settle " + plan.question +
                         ": what cannot be repeated (a pinned run, questions fixed) already spreads the "
                         "difference wider than that";
            return plan;
        }
        // Equal runs for the groups that vary and can be repeated (with both, no item term and
        // many runs this is the familiar 2 (z + z)^2 s^2 / delta^2 per group), counted with
        // Student's t at the Welch degrees of freedom those runs would give; none for a group whose
        // runs are all the same.
        const double fixedTerm = fixed + (itemTermCounts ? plan.itemVariance : 0.0);
        const auto settles = [&](double runs) {
            const double runsA = std::max(runs, static_cast<double>(a.n));
            const double runsB = std::max(runs, static_cast<double>(b.n));
            const double termA = repeatableA ? a.variance / runsA : 0.0;
            const double termB = repeatableB ? b.variance / runsB : 0.0;
            const double parts = (repeatableA ? termA * termA / (runsA - 1) : 0.0) +
                                 (repeatableB ? termB * termB / (runsB - 1) : 0.0);
            const double df = parts > 0.0 ? (termA + termB) * (termA + termB) / parts : INFINITY;
            const double q = multiplier(df);
            return q * q * (termA + termB + fixedTerm) <= target * target;
        };
        // The smallest run count per group that settles it: doubling, then halving the gap.
        double low = 2.0;
        double high = low;
        while (!settles(high) && high < 1e9)
            high *= 2;
        if (!settles(high)) {
            plan.kind = SettlePlan::Kind::Cannot;
            plan.words = "more runs cannot settle " + plan.question + " in any practical number";
            return plan;
        }
        while (high - low > 1) {
            const double middle = std::floor((low + high) / 2);
            (settles(middle) ? high : low) = middle;
        }
        const int64_t runs = static_cast<int64_t>(settles(low) ? low : high);
        plan.moreA = repeatableA ? std::max<int64_t>(0, runs - a.n) : 0;
        plan.moreB = repeatableB ? std::max<int64_t>(0, runs - b.n) : 0;
        if (plan.runs() == 0) {
            plan.words = "nothing practical: the groups already have the runs to see " + pointsText(target) +
                         " points; this difference lies close to the line";
            return plan;
        }
        plan.kind = SettlePlan::Kind::Repeats;
        plan.words = "about " + describeRuns() + " would settle " + plan.question;
        if (!a.varies)
            plan.words += "; A's runs do not vary, so repeats of A cannot change anything";
        else if (!a.repeatable)
            plan.words += "; A is a single pinned run, which repeats cannot change";
        if (!b.varies)
            plan.words += "; B's runs do not vary, so repeats of B cannot change anything";
    }
    return plan;
}

} // namespace nf::stats
