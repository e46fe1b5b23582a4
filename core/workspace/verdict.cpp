#include "workspace/verdict.h"

#include "workspace/number_text.h"

#include <cmath>

namespace nf::workspace {
namespace {

std::string pointsOf(double fraction)
{
    return fixedText(std::fabs(fraction) * 100.0, 2);
}

std::string direction(const stats::Comparison& c)
{
    return c.delta > 0 ? "better" : "worse";
}

} // namespace

std::string verdictBadge(const stats::Comparison& c)
{
    const std::string size = pointsOf(c.delta) + " points";
    const std::string matters = fixedText(c.deltaUser * 100.0, 2);
    const std::string kind = c.delta > 0 ? "improvement" : "regression";
    std::string badge;
    switch (c.verdict) {
    case stats::Verdict::Improvement:
    case stats::Verdict::Regression:
        badge = "real " + kind + " of " + size;
        break;
    case stats::Verdict::SmallImprovement:
    case stats::Verdict::SmallRegression:
        badge = "real " + kind + " of " + size + ", smaller than the " + matters + " that matters";
        break;
    case stats::Verdict::UnsizedImprovement:
    case stats::Verdict::UnsizedRegression:
        badge = "real " + kind + " of " + size + "; whether it reaches the " + matters + " that matters is open";
        break;
    case stats::Verdict::Equivalent:
        return "equivalent within " + matters + " points";
    case stats::Verdict::Inconclusive:
        return c.runTest.method == stats::RunTestMethod::None
                   ? "inconclusive: no run-to-run spread to test against yet"
                   : "inconclusive: not beyond noise, and a difference of " + matters + " points is not ruled out";
    }
    if (c.newQuestionsAnswer == stats::NewQuestions::NotShown)
        badge += ", not shown to hold on new questions";
    return badge;
}

VerdictAnswers verdictAnswers(const stats::Comparison& c)
{
    VerdictAnswers answers;
    const std::string method = stats::runTestMethodName(c.runTest.method);
    const std::string test = " (" + method + " 95% CI " + pointsIntervalText(c.runTest.ci95) + ", p " +
                             pValueText(c.runTest.p) + ")";
    switch (c.beyondNoise) {
    case stats::BeyondNoise::Improvement:
    case stats::BeyondNoise::Regression:
        answers.beyondNoise = c.runTest.method == stats::RunTestMethod::Exact
                                  ? "yes: B is exactly " + pointsOf(c.delta) + " points " + direction(c) +
                                        " (no run of either group varies)"
                                  : "yes: B is " + pointsOf(c.delta) + " points " + direction(c) + test;
        break;
    case stats::BeyondNoise::No:
        answers.beyondNoise = c.runTest.method == stats::RunTestMethod::Exact
                                  ? "no: the groups score exactly the same (no run of either group varies)"
                                  : "no: " + signedPointsText(c.delta) + " points is within run-to-run noise" + test;
        break;
    case stats::BeyondNoise::Untested:
        answers.beyondNoise = "untested: no estimate of the run-to-run spread (a group needs runs that vary)";
        break;
    }

    const std::string delta = fixedText(c.deltaUser * 100.0, 2);
    const auto& m = c.matters;
    const bool exact = c.runTest.method == stats::RunTestMethod::Exact;
    switch (m.answer) {
    case stats::Matters::Matters:
        answers.matters = exact ? "yes: " + pointsOf(c.delta) + " points is at least the " + delta + " that matters"
                                : "yes: the 95% CI " + pointsIntervalText(c.runTest.ci95) + " lies beyond " +
                                      (c.delta > 0 ? "+" : "-") + delta;
        break;
    case stats::Matters::Negligible:
        answers.matters = exact ? "no: " + pointsOf(c.delta) + " points is less than the " + delta + " that matters"
                                : "no: the 90% CI " + pointsIntervalText(m.ci90) + " lies within ±" + delta +
                                      " (equivalence, TOST p " + pValueText(m.pEquivalence) + ")";
        break;
    case stats::Matters::CantTell:
        answers.matters = m.ci90 ? "can't tell yet: the 90% CI " + pointsIntervalText(m.ci90) +
                                       " reaches beyond ±" + delta + " and the 95% CI " +
                                       pointsIntervalText(c.runTest.ci95) + " does not lie beyond it"
                                 : "can't tell yet: no interval of the difference";
        break;
    }
    answers.matters = "(difference that matters " + delta + " points) " + answers.matters;

    switch (c.newQuestionsAnswer) {
    case stats::NewQuestions::Holds:
        answers.newQuestions = "yes: " + c.newQuestions + ", 95% CI " + pointsIntervalText(c.paired.ci95);
        break;
    case stats::NewQuestions::NotShown:
        answers.newQuestions = "not shown: " + c.newQuestions + ", 95% CI " + pointsIntervalText(c.paired.ci95);
        break;
    case stats::NewQuestions::Unknown:
        answers.newQuestions = "unknown: " + c.newQuestions;
        break;
    }
    return answers;
}

std::string verdictWords(const stats::Comparison& c)
{
    const VerdictAnswers answers = verdictAnswers(c);
    return "Beyond run-to-run noise? " + answers.beyondNoise + "\nDoes it matter? " + answers.matters +
           "\nWould it hold on new questions? " + answers.newQuestions;
}

std::optional<MoreRepeats> moreRepeatsNeeded(const stats::Comparison& c)
{
    if (c.settle.kind != stats::SettlePlan::Kind::Repeats || c.settle.runs() == 0)
        return std::nullopt;
    return MoreRepeats{c.settle.moreA, c.settle.moreB};
}

} // namespace nf::workspace
