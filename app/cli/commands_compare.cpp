// compare: is group B different from group A (or from the baseline pinned for its task) beyond
// run-to-run noise, would it hold on new questions, and does it matter.

#include "workspace/comparison.h"
#include "workspace/number_text.h"
#include "workspace/verdict.h"
#include "commands.h"
#include "output.h"
#include "stats/compare.h"

#include <iostream>

namespace nf::cli {
namespace {

using nlohmann::json;

std::string pValue(std::optional<double> p)
{
    return workspace::pValueText(p);
}

json compareJson(const workspace::ComparisonInput& input, const stats::Comparison& c)
{
    const auto& a = input.a;
    const auto& b = input.b;
    const auto& env = input.environment;
    auto subjects = json::array();
    for (const auto& subject : c.subjects)
        subjects.push_back({{"subject", subject.subject},
                            {"mean_a", jsonNumber(subject.meanA)},
                            {"mean_b", jsonNumber(subject.meanB)},
                            {"delta", jsonNumber(subject.delta)},
                            {"n_items", subject.nItems},
                            {"ci95", intervalJson(subject.ci95)}});
    auto differences = json::array();
    for (const auto& difference : env)
        differences.push_back(
            {{"key", difference.key}, {"a", difference.valuesA}, {"b", difference.valuesB}});
    const auto answers = workspace::verdictAnswers(c);
    const auto& settle = c.settle;
    return {{"a",
             {{"group", a.id},
              {"pinned", input.pinnedA ? json(input.pinnedA->label()) : json(nullptr)},
              {"model", a.modelLabel},
              {"n", c.runsA},
              {"mean", c.meanA},
              {"sd", jsonNumber(c.sdA)}}},
            {"b",
             {{"group", b.id},
              {"model", b.modelLabel},
              {"n", c.runsB},
              {"mean", c.meanB},
              {"sd", jsonNumber(c.sdB)}}},
            {"task", a.taskLabel},
            {"delta", c.delta},
            {"welch",
             {{"method", stats::runTestMethodName(c.runTest.method)},
              {"t", jsonNumber(c.runTest.t)},
              {"df", jsonNumber(c.runTest.df)},
              {"p", jsonNumber(c.runTest.p)},
              {"se", jsonNumber(c.runTest.se)},
              {"ci95", intervalJson(c.runTest.ci95)}}},
            {"beyond_noise", stats::beyondNoiseName(c.beyondNoise)},
            {"matters",
             {{"answer", stats::mattersName(c.matters.answer)},
              {"delta", c.matters.delta},
              {"ci90", intervalJson(c.matters.ci90)},
              {"t_lower", jsonNumber(c.matters.tLower)},
              {"p_lower", jsonNumber(c.matters.pLower)},
              {"t_upper", jsonNumber(c.matters.tUpper)},
              {"p_upper", jsonNumber(c.matters.pUpper)},
              {"p_equivalence", jsonNumber(c.matters.pEquivalence)}}},
            {"paired",
             {{"n_items", c.paired.nItems},
              {"mean_diff", jsonNumber(c.paired.meanDiff)},
              {"se", jsonNumber(c.paired.se)},
              {"z", jsonNumber(c.paired.z)},
              {"p", jsonNumber(c.paired.p)},
              {"ci95", intervalJson(c.paired.ci95)},
              {"correlation", jsonNumber(c.paired.correlation)},
              {"clusters", c.paired.clusters},
              {"df", jsonNumber(c.paired.df)},
              {"se_items", jsonNumber(c.paired.seItems)}}},
            {"mcnemar",
             {{"b", c.mcnemar.b},
              {"c", c.mcnemar.c},
              {"ties", c.mcnemar.ties},
              {"statistic", c.mcnemar.statistic},
              {"p", c.mcnemar.p},
              {"exact", c.mcnemar.exact}}},
            {"bootstrap",
             {{"resamples", c.bootstrap.resamples},
              {"seed", c.bootstrap.seed},
              {"ci95", intervalJson(c.bootstrap.ci95)}}},
            {"mde", jsonNumber(c.mde)},
            {"delta_user", c.deltaUser},
            {"pooled_sd", jsonNumber(c.pooledSd)},
            {"repeats_needed", c.repeatsNeeded ? json(*c.repeatsNeeded) : json(nullptr)},
            {"verdict", stats::verdictName(c.verdict)},
            {"badge", workspace::verdictBadge(c)},
            {"answers",
             {{"beyond_noise", answers.beyondNoise},
              {"matters", answers.matters},
              {"new_questions", answers.newQuestions}}},
            {"new_questions", c.newQuestions},
            {"new_questions_answer", stats::newQuestionsName(c.newQuestionsAnswer)},
            {"disagreements", c.disagreements},
            {"items_not_repeats", c.itemsNotRepeats},
            {"settle",
             {{"kind", stats::settleKindName(settle.kind)},
              {"question", settle.question},
              {"more_a", settle.moreA},
              {"more_b", settle.moreB},
              {"items", settle.items ? json(*settle.items) : json(nullptr)},
              {"seconds", jsonNumber(settle.seconds)},
              {"run_variance", settle.runVariance},
              {"item_variance", settle.itemVariance},
              {"words", settle.words}}},
            {"subjects", subjects},
            {"env_differences", differences},
            {"notes", c.notes}};
}

void printComparison(const workspace::ComparisonInput& input, const stats::Comparison& c)
{
    const auto& a = input.a;
    const auto& b = input.b;
    const auto& env = input.environment;
    const auto answers = workspace::verdictAnswers(c);
    std::cout << "A: " << input.labelA()
              << (input.pinnedA && input.pinnedA->kind == workspace::Pin::Kind::Run
                      ? " (group " + std::to_string(a.id) + ")"
                      : std::string())
              << ", " << a.modelLabel << " (" << describeParams(a.paramsJson)
              << "): " << c.runsA << " runs, mean " << fixed(c.meanA * 100, 2) << ", sd " << points(c.sdA)
              << '\n'
              << "B: group " << b.id << ", " << b.modelLabel << " (" << describeParams(b.paramsJson)
              << "): " << c.runsB << " runs, mean " << fixed(c.meanB * 100, 2) << ", sd " << points(c.sdB)
              << '\n'
              << "on " << a.taskLabel << "\n\n"
              << "verdict: " << workspace::verdictBadge(c) << "\n"
              << "delta B - A: " << workspace::signedPointsText(c.delta) << " points; difference that matters "
              << fixed(c.deltaUser * 100, 2) << " points\n\n"
              << "Beyond run-to-run noise on this item set? " << answers.beyondNoise << '\n'
              << "  " << stats::runTestMethodName(c.runTest.method) << ": t " << workspace::optionalNumberText(c.runTest.t, 3)
              << ", df " << workspace::optionalNumberText(c.runTest.df, 1) << "; minimum detectable difference " << points(c.mde)
              << " points (alpha 0.05, power 0.8)\n\n"
              << "Does it matter? " << answers.matters << '\n';
    if (c.matters.pLower)
        std::cout << "  two one-sided tests: difference > -delta t " << workspace::optionalNumberText(c.matters.tLower, 3) << ", p "
                  << pValue(c.matters.pLower) << "; difference < +delta t " << workspace::optionalNumberText(c.matters.tUpper, 3)
                  << ", p " << pValue(c.matters.pUpper) << '\n';
    std::cout << "\nWould it hold on new questions of the same kind? " << answers.newQuestions << '\n'
              << "  primary, paired over " << c.paired.nItems << " items"
              << (c.paired.clusters >= 2 ? ", clustered by " + std::to_string(c.paired.clusters) + " subjects" : "")
              << ": 95% CI " << workspace::pointsIntervalText(c.paired.ci95) << ", " << (c.paired.df ? "t " : "z ")
              << workspace::optionalNumberText(c.paired.z, 3) << ", p " << pValue(c.paired.p) << ", item correlation "
              << workspace::optionalNumberText(c.paired.correlation, 3) << '\n'
              << "  check, McNemar on majority answers: b " << c.mcnemar.b << ", c " << c.mcnemar.c << " ("
              << (c.mcnemar.exact ? "exact binomial" : "chi-squared, continuity corrected") << "), p "
              << pValue(c.mcnemar.p) << '\n'
              << "  check, paired bootstrap over items (" << c.bootstrap.resamples << " resamples): 95% CI "
              << workspace::pointsIntervalText(c.bootstrap.ci95) << '\n';
    for (const auto& disagreement : c.disagreements)
        std::cout << "  why the checks differ: " << disagreement << '\n';
    std::cout << "\nWhat would settle it: " << c.settle.words << '\n';
    if (c.subjects.size() > 1) {
        std::cout << '\n';
        Table table({"subject", "items", "A", "B", "delta", "95% CI"});
        for (const auto& subject : c.subjects)
            table.addRow({subject.subject, std::to_string(subject.nItems), points(subject.meanA),
                          points(subject.meanB),
                          subject.delta ? workspace::signedPointsText(*subject.delta) : "-",
                          workspace::pointsIntervalText(subject.ci95)});
        table.print(std::cout);
    }
    if (!env.empty()) {
        std::cout << "\nwarning: the groups ran in different environments:\n";
        for (const auto& difference : env)
            std::cout << "  " << difference.key << ": A " << difference.valuesA << "; B "
                      << difference.valuesB << '\n';
    }
    if (!c.notes.empty())
        std::cout << '\n';
    for (const auto& note : c.notes)
        std::cout << "note: " << note << '\n';
}
} // namespace

void addCompareCommand(CLI::App& app, GlobalOptions& global, Action& action)
{
    struct CompareArgs
    {
        std::optional<int64_t> a;
        std::optional<int64_t> b;
        std::optional<int64_t> baseline;
        std::optional<double> delta;
        int resamples = 10000;
    };
    auto compareArgs = std::make_shared<CompareArgs>();
    auto* compare = app.add_subcommand(
        "compare", "Is B different from A beyond noise, and would it hold on new questions?");
    compare->add_option("GROUP_A", compareArgs->a, "Config group A");
    compare->add_option("GROUP_B", compareArgs->b, "Config group B");
    compare->add_option("--baseline", compareArgs->baseline,
                        "Compare this group (B) with the baseline pinned for its task (`pin`), instead of "
                        "GROUP_A GROUP_B");
    compare->add_option("--delta", compareArgs->delta,
                        "The difference that matters, in points, for this comparison only (default: the "
                        "task's, set with `zones --task T --matters D`, else its watch threshold)");
    compare->add_option("--bootstrap", compareArgs->resamples, "Paired bootstrap resamples")
        ->check(CLI::Range(0, 1000000))
        ->capture_default_str();
    compare->callback([&global, &action, compareArgs] {
        if (compareArgs->baseline ? compareArgs->a.has_value() : !(compareArgs->a && compareArgs->b))
            throw CLI::ValidationError("compare", "give GROUP_A GROUP_B, or --baseline GROUP_B alone");
        action = [&global, compareArgs] {
            const auto store = openExisting(global);
            const int64_t b = compareArgs->baseline ? *compareArgs->baseline : *compareArgs->b;
            auto input = workspace::prepareComparison(store, compareArgs->baseline ? std::nullopt : compareArgs->a, b,
                                                     compareArgs->delta);
            input.options.bootstrapResamples = compareArgs->resamples;
            const auto result = stats::compare(input.dataA, input.dataB, input.options);
            if (global.json)
                std::cout << compareJson(input, result).dump(2) << '\n';
            else
                printComparison(input, result);
            return kExitOk;
        };
    });
}

} // namespace nf::cli
