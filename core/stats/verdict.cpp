// The comparison's second question (does it matter?), the three answers combined into a verdict,
// and what would settle the question left open.

#include "stats/compare.h"
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

// "about 40 s", "about 12 min", "about 3.5 h".
std::string durationText(double seconds)
{
    char text[48];
    if (seconds < 90)
        std::snprintf(text, sizeof text, "about %.0f s", std::max(1.0, seconds));
    else if (seconds < 90 * 60)
        std::snprintf(text, sizeof text, "about %.0f min", seconds / 60);
    else if (seconds < 48 * 3600)
        std::snprintf(text, sizeof text, "about %.1f h", seconds / 3600);
    else
        std::snprintf(text, sizeof text, "about %.1f days", seconds / 86400);
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
    const double zz = normalQuantile(1.0 - kAlpha / 2.0) + normalQuantile(kPower);
    plan.runVariance = c.runTest.se ? *c.runTest.se * *c.runTest.se : 0.0;
    if (c.paired.se)
        plan.itemVariance = std::max(0.0, *c.paired.se * *c.paired.se - plan.runVariance);

    // The open question, and the difference it must be able to see.
    double target = c.deltaUser;
    bool itemTermCounts = false;
    switch (c.verdict) {
    case Verdict::Improvement:
    case Verdict::Regression:
        if (c.newQuestionsAnswer != NewQuestions::NotShown) {
            plan.words = "nothing: every question is answered";
            return plan;
        }
        plan.question = "whether it holds on new questions";
        target = std::max(std::fabs(c.paired.meanDiff.value_or(0.0)), c.deltaUser);
        itemTermCounts = true;
        break;
    case Verdict::SmallImprovement:
    case Verdict::SmallRegression:
    case Verdict::Equivalent:
        plan.words = "nothing: the difference is within the " + pointsText(c.deltaUser) + " points that matter";
        return plan;
    case Verdict::UnsizedImprovement:
    case Verdict::UnsizedRegression:
        plan.question = "whether it matters";
        break;
    case Verdict::Inconclusive:
        plan.question = "whether there is a difference that matters";
        break;
    }
    const double budget = target * target / (zz * zz);
    const auto nItems = c.paired.nItems;

    auto itemsAdvice = [&](const std::string& why) {
        plan.kind = SettlePlan::Kind::Items;
        if (nItems >= 2 && plan.itemVariance > 0.0) {
            const double needed = std::ceil(static_cast<double>(nItems) * plan.itemVariance / budget);
            plan.items = static_cast<int64_t>(std::min(needed, 1e12));
            plan.words = "about " + std::to_string(*plan.items) + " questions of this kind (this task has " +
                         std::to_string(nItems) + ") would settle " + plan.question + why;
        } else {
            plan.words = "more questions of this kind would settle " + plan.question + why;
        }
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

    // Groups with one run: their spread is unknown, so the first step is to see it.
    if (c.runTest.method == RunTestMethod::None) {
        plan.kind = SettlePlan::Kind::Repeats;
        plan.moreA = a.n == 1 ? 2 : 0;
        plan.moreB = b.n == 1 ? 2 : 0;
        plan.words = "a group with a single run has no known run-to-run spread: " + std::to_string(plan.runs()) +
                     " more runs" + costText() + " would show whether its runs vary";
    } else if (!a.varies && !b.varies) {
        if (itemTermCounts && plan.itemVariance > 0.0)
            itemsAdvice("; repeats cannot change it: the runs of both groups are identical");
        else {
            plan.kind = SettlePlan::Kind::Cannot;
            plan.words = "repeats cannot change it: the runs of both groups are identical";
        }
        return plan;
    } else if (plan.itemVariance >= budget || (itemTermCounts && plan.itemVariance > plan.runVariance)) {
        // The questions alone keep the answer open on new questions, however many runs there are:
        // runs would only settle it for these questions.
        itemsAdvice("; more repeats would settle it only for these " + std::to_string(nItems) +
                    " questions: the questions, not the runs, are the larger part of the uncertainty");
    } else {
        const double room = budget - (itemTermCounts ? plan.itemVariance : 0.0);
        // Equal runs for the groups that vary (with both varying and no item term this is the
        // familiar 2 (z + z)^2 s^2 / delta^2 per group); none for a group whose runs are all the same.
        const double variances = (a.varies ? a.variance : 0.0) + (b.varies ? b.variance : 0.0);
        const double perGroup = std::ceil(variances / room);
        const int64_t runs = static_cast<int64_t>(std::min(perGroup, 1e9));
        plan.moreA = a.varies ? std::max<int64_t>(0, runs - a.n) : 0;
        plan.moreB = b.varies ? std::max<int64_t>(0, runs - b.n) : 0;
        if (plan.runs() == 0) {
            plan.words = "nothing practical: the groups already have the runs to see a difference of " +
                         pointsText(target) + " points; this one lies close to the line";
            return plan;
        }
        plan.kind = SettlePlan::Kind::Repeats;
        std::string what;
        if (plan.moreA > 0)
            what = std::to_string(plan.moreA) + " more runs of A";
        if (plan.moreB > 0)
            what += (what.empty() ? "" : " and ") + std::to_string(plan.moreB) + " more runs of B";
        plan.words = "about " + what + costText() + " would settle " + plan.question;
        if (!a.varies)
            plan.words += "; A's runs do not vary, so repeats of A cannot change anything";
        if (!b.varies)
            plan.words += "; B's runs do not vary, so repeats of B cannot change anything";
    }
    return plan;
}

} // namespace nf::stats
