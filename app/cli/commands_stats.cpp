// summary, compare, zones, pin and unpin: what noisefloor says about the spread of runs.

#include "analysis/comparison.h"
#include "analysis/group_data.h"
#include "analysis/number_text.h"
#include "analysis/settings.h"
#include "analysis/verdict.h"
#include "commands.h"
#include "common/error.h"
#include "output.h"
#include "stats/compare.h"
#include "stats/control_rules.h"
#include "stats/summary.h"
#include "stats/zones.h"

#include <cmath>
#include <iostream>

namespace nf::cli {
namespace {

using nlohmann::json;

std::vector<std::string> rulesInWords(const std::vector<std::string>& rules)
{
    std::vector<std::string> words;
    for (const auto& rule : rules)
        words.push_back(stats::ruleWords(rule));
    return words;
}

json interval(const std::optional<stats::Interval>& value)
{
    return value ? json::array({value->lo, value->hi}) : json(nullptr);
}

std::string pointsInterval(const std::optional<stats::Interval>& value)
{
    return analysis::pointsIntervalText(value);
}

std::string optionalNumber(std::optional<double> value, int decimals)
{
    return analysis::optionalNumberText(value, decimals);
}

std::string pValue(std::optional<double> p)
{
    return analysis::pValueText(p);
}

store::GroupRow requireGroup(const store::Store& store, int64_t id)
{
    auto group = store.group(id);
    if (!group)
        throw InputError("group " + std::to_string(id) + " is not in " + store.path().string() +
                         " (`noisefloor-cli groups` lists them)");
    return *group;
}

json zonesJson(const stats::ZoneScale& zones)
{
    return {{"unit", zones.unit == stats::ZoneUnit::Noise ? "noise" : "points"},
            {"thresholds_points", {zones.thresholds.watch, zones.thresholds.elevated, zones.thresholds.suspicious}},
            {"setting_points", {zones.setting.watch, zones.setting.elevated, zones.setting.suspicious}},
            {"unit_points", zones.unitPoints},
            {"noise_multiples", {zones.noiseMultiples.watch, zones.noiseMultiples.elevated,
                                 zones.noiseMultiples.suspicious}},
            {"reason", zones.reason}};
}

json summaryJson(const store::GroupRow& group, const stats::GroupSummary& s)
{
    auto runs = json::array();
    for (const auto& run : s.runs)
        runs.push_back({{"id", run.id},
                        {"seed", run.seed},
                        {"accuracy", run.accuracy},
                        {"deviation", run.deviation},
                        {"zone", stats::toString(run.zone)},
                        {"z", jsonNumber(run.z)},
                        {"rules", run.rules},
                        {"rule_words", rulesInWords(run.rules)},
                        {"wilson95", json::array({run.wilson95.lo, run.wilson95.hi})}});
    auto subjects = json::array();
    for (const auto& subject : s.subjects)
        subjects.push_back({{"subject", subject.subject},
                            {"n_items", subject.nItems},
                            {"n_runs", subject.nRuns},
                            {"mean", subject.mean},
                            {"sd", jsonNumber(subject.sd)}});
    return {{"group", group.id},
            {"model", group.modelLabel},
            {"task", group.taskLabel},
            {"params", json::parse(group.paramsJson)},
            {"n", s.n},
            {"mean", s.mean},
            {"sd", jsonNumber(s.sd)},
            {"median", s.median},
            {"min", s.min},
            {"max", s.max},
            {"range", s.range},
            {"ci95", interval(s.ci95)},
            {"pi95", interval(s.pi95)},
            {"n_items", s.nItems},
            {"flip_items", s.flipItems},
            {"flip_rate", jsonNumber(s.flipRate)},
            {"sd_seed", jsonNumber(s.sdSeed)},
            {"se_question", jsonNumber(s.seQuestion)},
            {"reference", s.reference},
            {"reference_label", s.referenceLabel},
            {"scale", jsonNumber(s.scale)},
            {"scale_label", s.scaleLabel},
            {"zone_thresholds_points",
             {s.zones.thresholds.watch, s.zones.thresholds.elevated, s.zones.thresholds.suspicious}},
            {"zones", zonesJson(s.zones)},
            {"noise_floor", s.noiseFloorPoints ? json(*s.noiseFloorPoints / 100) : json(nullptr)},
            {"threshold_below_noise", s.thresholdBelowNoise},
            {"runs", runs},
            {"subjects", subjects},
            {"notes", s.notes}};
}

std::string zonesLine(const stats::ZoneScale& zones)
{
    const auto& t = zones.thresholds;
    std::string line = "zones: normal < " + fixed(t.watch, 2) + " <= watch < " + fixed(t.elevated, 2) +
                       " <= elevated < " + fixed(t.suspicious, 2) + " <= suspicious (points from the reference)";
    if (zones.unit == stats::ZoneUnit::Noise)
        line += ", that is " + fixed(zones.noiseMultiples.watch, 0) + ", " + fixed(zones.noiseMultiples.elevated, 0) +
                " and " + fixed(zones.noiseMultiples.suspicious, 0) + " noise units of " + fixed(zones.unitPoints, 2) +
                " points";
    return line;
}

void printSummary(const store::GroupRow& group, const stats::GroupSummary& s)
{
    std::cout << "group " << group.id << ": " << group.modelLabel << " on " << group.taskLabel << " ("
              << describeParams(group.paramsJson) << ")\n\n";
    // What the zones are measured in changes how every row below reads: it comes first.
    if (s.zones.unit == stats::ZoneUnit::Noise)
        std::cout << "zones in noise units: " << s.zones.reason << "\n\n";
    std::cout << "runs " << s.n << "   mean " << fixed(s.mean * 100, 2) << "   sd " << points(s.sd)
              << "   median " << fixed(s.median * 100, 2) << "   min " << fixed(s.min * 100, 2) << "   max "
              << fixed(s.max * 100, 2) << "   range " << fixed(s.range * 100, 2) << "   (accuracy points)\n"
              << "95% CI of the mean " << pointsInterval(s.ci95)
              << "   95% prediction interval for the next run " << pointsInterval(s.pi95) << '\n'
              << "items " << s.nItems << "   flip items " << s.flipItems << " ("
              << points(s.flipRate, 1) << "%)   expected seed noise sd " << points(s.sdSeed)
              << "   question-sampling SE " << points(s.seQuestion) << '\n'
              << "reference: " << s.referenceLabel << " " << fixed(s.reference * 100, 2) << "   "
              << zonesLine(s.zones) << "\n\n";

    Table table({"run", "seed", "accuracy", "deviation", "zone", "z", "wilson95", "flags"});
    for (const auto& run : s.runs) {
        std::string rules;
        for (const auto& rule : run.rules)
            rules += (rules.empty() ? "" : "; ") + stats::ruleWords(rule);
        table.addRow({std::to_string(run.id), std::to_string(run.seed), fixed(run.accuracy * 100, 2),
                      analysis::signedPointsText(run.deviation), stats::toString(run.zone),
                      optionalNumber(run.z, 2), pointsInterval(run.wilson95), rules});
    }
    table.print(std::cout);
    if (s.subjects.size() > 1) {
        std::cout << '\n';
        Table subjects({"subject", "items", "mean", "sd"});
        for (const auto& subject : s.subjects)
            subjects.addRow({subject.subject, std::to_string(subject.nItems), fixed(subject.mean * 100, 2),
                             points(subject.sd)});
        subjects.print(std::cout);
    }
    // The zones' unit was said at the top.
    bool first = true;
    for (const auto& note : s.notes) {
        if (note == s.zones.reason)
            continue;
        std::cout << (first ? "\n" : "") << "note: " << note << '\n';
        first = false;
    }
}

json compareJson(const analysis::ComparisonInput& input, const stats::Comparison& c)
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
                            {"ci95", interval(subject.ci95)}});
    auto differences = json::array();
    for (const auto& difference : env)
        differences.push_back(
            {{"key", difference.key}, {"a", difference.valuesA}, {"b", difference.valuesB}});
    const auto answers = analysis::verdictAnswers(c);
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
              {"ci95", interval(c.runTest.ci95)}}},
            {"beyond_noise", stats::beyondNoiseName(c.beyondNoise)},
            {"matters",
             {{"answer", stats::mattersName(c.matters.answer)},
              {"delta", c.matters.delta},
              {"ci90", interval(c.matters.ci90)},
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
              {"ci95", interval(c.paired.ci95)},
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
              {"ci95", interval(c.bootstrap.ci95)}}},
            {"mde", jsonNumber(c.mde)},
            {"delta_user", c.deltaUser},
            {"pooled_sd", jsonNumber(c.pooledSd)},
            {"repeats_needed", c.repeatsNeeded ? json(*c.repeatsNeeded) : json(nullptr)},
            {"verdict", stats::verdictName(c.verdict)},
            {"badge", analysis::verdictBadge(c)},
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

void printComparison(const analysis::ComparisonInput& input, const stats::Comparison& c)
{
    const auto& a = input.a;
    const auto& b = input.b;
    const auto& env = input.environment;
    const auto answers = analysis::verdictAnswers(c);
    std::cout << "A: " << input.labelA()
              << (input.pinnedA && input.pinnedA->kind == analysis::Pin::Kind::Run
                      ? " (group " + std::to_string(a.id) + ")"
                      : std::string())
              << ", " << a.modelLabel << " (" << describeParams(a.paramsJson)
              << "): " << c.runsA << " runs, mean " << fixed(c.meanA * 100, 2) << ", sd " << points(c.sdA)
              << '\n'
              << "B: group " << b.id << ", " << b.modelLabel << " (" << describeParams(b.paramsJson)
              << "): " << c.runsB << " runs, mean " << fixed(c.meanB * 100, 2) << ", sd " << points(c.sdB)
              << '\n'
              << "on " << a.taskLabel << "\n\n"
              << "verdict: " << analysis::verdictBadge(c) << "\n"
              << "delta B - A: " << analysis::signedPointsText(c.delta) << " points; difference that matters "
              << fixed(c.deltaUser * 100, 2) << " points\n\n"
              << "Beyond run-to-run noise on this item set? " << answers.beyondNoise << '\n'
              << "  " << stats::runTestMethodName(c.runTest.method) << ": t " << optionalNumber(c.runTest.t, 3)
              << ", df " << optionalNumber(c.runTest.df, 1) << "; minimum detectable difference " << points(c.mde)
              << " points (alpha 0.05, power 0.8)\n\n"
              << "Does it matter? " << answers.matters << '\n';
    if (c.matters.pLower)
        std::cout << "  two one-sided tests: difference > -delta t " << optionalNumber(c.matters.tLower, 3) << ", p "
                  << pValue(c.matters.pLower) << "; difference < +delta t " << optionalNumber(c.matters.tUpper, 3)
                  << ", p " << pValue(c.matters.pUpper) << '\n';
    std::cout << "\nWould it hold on new questions of the same kind? " << answers.newQuestions << '\n'
              << "  primary, paired over " << c.paired.nItems << " items"
              << (c.paired.clusters >= 2 ? ", clustered by " + std::to_string(c.paired.clusters) + " subjects" : "")
              << ": 95% CI " << pointsInterval(c.paired.ci95) << ", " << (c.paired.df ? "t " : "z ")
              << optionalNumber(c.paired.z, 3) << ", p " << pValue(c.paired.p) << ", item correlation "
              << optionalNumber(c.paired.correlation, 3) << '\n'
              << "  check, McNemar on majority answers: b " << c.mcnemar.b << ", c " << c.mcnemar.c << " ("
              << (c.mcnemar.exact ? "exact binomial" : "chi-squared, continuity corrected") << "), p "
              << pValue(c.mcnemar.p) << '\n'
              << "  check, paired bootstrap over items (" << c.bootstrap.resamples << " resamples): 95% CI "
              << pointsInterval(c.bootstrap.ci95) << '\n';
    for (const auto& disagreement : c.disagreements)
        std::cout << "  why the checks differ: " << disagreement << '\n';
    std::cout << "\nWhat would settle it: " << c.settle.words << '\n';
    if (c.subjects.size() > 1) {
        std::cout << '\n';
        Table table({"subject", "items", "A", "B", "delta", "95% CI"});
        for (const auto& subject : c.subjects)
            table.addRow({subject.subject, std::to_string(subject.nItems), points(subject.meanA),
                          points(subject.meanB),
                          subject.delta ? analysis::signedPointsText(*subject.delta) : "-",
                          pointsInterval(subject.ci95)});
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

void addStatsCommands(CLI::App& app, GlobalOptions& global, Action& action)
{
    auto groupId = std::make_shared<int64_t>(0);
    auto* summary = app.add_subcommand("summary", "The spread of one config group: zones, noise, intervals");
    summary->add_option("GROUP", *groupId, "Config group id (`groups` lists them)")->required();
    summary->callback([&global, &action, groupId] {
        action = [&global, groupId] {
            const auto store = openExisting(global);
            const auto group = requireGroup(store, *groupId);
            const auto options = analysis::summaryOptions(store, group.taskId);
            auto result = stats::summarize(analysis::loadGroupData(store, group.id), options);
            if (const auto pin = analysis::pinForTask(store, group.taskId); pin && !options.pinnedReference)
                result.notes.push_back("the pinned " + pin->label() +
                                       " has no completed runs now; the group's own reference is used");
            if (global.json)
                std::cout << summaryJson(group, result).dump(2) << '\n';
            else
                printSummary(group, result);
            return kExitOk;
        };
    });

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
            auto input = analysis::prepareComparison(store, compareArgs->baseline ? std::nullopt : compareArgs->a, b,
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

    struct ZoneArgs
    {
        std::string set;
        std::string reference;
        int64_t task = 0;
        std::optional<double> matters;
        bool reset = false;
    };
    auto zoneArgs = std::make_shared<ZoneArgs>();
    auto* zones = app.add_subcommand(
        "zones", "Show or set the fluctuation zones and the difference that matters (stored in the database)");
    zones->add_option("--set", zoneArgs->set,
                      "Thresholds in points: watch,elevated,suspicious (default 1,3,5); with --task, that "
                      "task's own");
    zones->add_option("--reference", zoneArgs->reference, "median | mean: what deviations are measured from");
    zones->add_option("--task", zoneArgs->task, "Show or set one task's own settings (`groups` names tasks)");
    auto* matters = zones->add_option("--matters", zoneArgs->matters,
                                      "With --task: the difference that matters in points (default: the task's "
                                      "watch threshold)");
    auto* reset = zones->add_flag("--reset", zoneArgs->reset,
                                  "With --task: drop the task's own thresholds and difference that matters");
    reset->excludes(matters);
    zones->callback([&global, &action, zoneArgs] {
        action = [&global, zoneArgs] {
            const bool task = zoneArgs->task > 0;
            if (!task && (zoneArgs->matters || zoneArgs->reset))
                throw InputError("zones: --matters and --reset need --task T (the difference that matters belongs "
                                 "to a task)");
            const bool changes =
                !zoneArgs->set.empty() || !zoneArgs->reference.empty() || zoneArgs->matters || zoneArgs->reset;
            // Parsed before the database is opened: a bad value writes nothing.
            std::optional<stats::ZoneThresholds> thresholds;
            std::optional<stats::ReferenceMode> mode;
            if (!zoneArgs->set.empty())
                thresholds = stats::parseThresholds(zoneArgs->set);
            if (!zoneArgs->reference.empty())
                mode = stats::parseReferenceMode(zoneArgs->reference);
            if (zoneArgs->matters && !(std::isfinite(*zoneArgs->matters) && *zoneArgs->matters > 0 &&
                                       *zoneArgs->matters <= 100))
                throw InputError("zones: --matters " + fixed(*zoneArgs->matters, 2) +
                                 ": expected a number of accuracy points in (0, 100]");
            auto store = changes ? openStore(global, store::OpenMode::ReadWrite) : openExisting(global);
            if (task)
                store.task(zoneArgs->task); // names a task that does not exist
            if (zoneArgs->reset) {
                analysis::setTaskZoneThresholds(store, zoneArgs->task, std::nullopt);
                analysis::setDifferenceThatMatters(store, zoneArgs->task, std::nullopt);
            }
            if (thresholds) {
                if (task)
                    analysis::setTaskZoneThresholds(store, zoneArgs->task, *thresholds);
                else
                    analysis::setZoneThresholds(store, *thresholds);
            }
            if (zoneArgs->matters)
                analysis::setDifferenceThatMatters(store, zoneArgs->task, *zoneArgs->matters);
            if (mode)
                analysis::setReferenceMode(store, *mode);
            const auto current =
                task ? analysis::taskZoneThresholds(store, zoneArgs->task) : analysis::zoneThresholds(store);
            const auto reference = analysis::referenceMode(store);
            const bool ownThresholds = task && analysis::taskHasOwnThresholds(store, zoneArgs->task);
            const double mattersPoints = task ? analysis::differenceThatMatters(store, zoneArgs->task) : 0.0;
            const bool ownMatters = task && analysis::taskHasOwnDifferenceThatMatters(store, zoneArgs->task);
            if (global.json) {
                json out{{"thresholds_points", {current.watch, current.elevated, current.suspicious}},
                         {"reference", stats::toString(reference)},
                         {"noise_multiples",
                          {stats::kNoiseMultiples.watch, stats::kNoiseMultiples.elevated,
                           stats::kNoiseMultiples.suspicious}}};
                if (task) {
                    out["task"] = zoneArgs->task;
                    out["thresholds_own"] = ownThresholds;
                    out["matters_points"] = mattersPoints;
                    out["matters_own"] = ownMatters;
                }
                std::cout << out.dump(2) << '\n';
            } else {
                if (task)
                    std::cout << "task " << zoneArgs->task << " (" << store.task(zoneArgs->task).label << ")\n";
                std::cout << "zones (points from the reference): normal < " << current.watch << " <= watch < "
                          << current.elevated << " <= elevated < " << current.suspicious << " <= suspicious"
                          << (task ? (ownThresholds ? " (the task's own)" : " (the database's default)") : "")
                          << '\n'
                          << "  where one item or the item set's seed noise outweighs the watch threshold, the "
                             "zones are "
                          << stats::kNoiseMultiples.watch << ", " << stats::kNoiseMultiples.elevated << " and "
                          << stats::kNoiseMultiples.suspicious << " units of expected noise instead\n";
                if (task)
                    std::cout << "difference that matters: " << fixed(mattersPoints, 2) << " points"
                              << (ownMatters ? " (the task's own)" : " (the task's watch threshold)") << '\n';
                std::cout << "reference: " << stats::toString(reference)
                          << " of each group (a pinned baseline replaces it for its task)\n";
            }
            return kExitOk;
        };
    });

    struct PinArgs
    {
        int64_t group = 0;
        int64_t run = 0;
        int64_t task = 0;
    };
    auto pinArgs = std::make_shared<PinArgs>();
    auto* pin = app.add_subcommand(
        "pin", "Pin a baseline group or run for its task: the reference for every group on it");
    auto* pinGroup = pin->add_option("--group", pinArgs->group, "Config group to pin");
    auto* pinRun = pin->add_option("--run", pinArgs->run, "Completed run to pin");
    pinGroup->excludes(pinRun);
    pin->callback([&global, &action, pinArgs] {
        action = [&global, pinArgs] {
            if (pinArgs->group <= 0 && pinArgs->run <= 0)
                throw InputError("pin: give --group G or --run R");
            auto store = openStore(global, store::OpenMode::ReadWrite);
            const int64_t task = pinArgs->group > 0 ? analysis::pinGroup(store, pinArgs->group)
                                                    : analysis::pinRun(store, pinArgs->run);
            std::cout << "pinned "
                      << (pinArgs->group > 0 ? "group " + std::to_string(pinArgs->group)
                                             : "run " + std::to_string(pinArgs->run))
                      << " as the baseline of task " << task << " (" << store.task(task).label << ")\n";
            return kExitOk;
        };
    });
    auto* unpin = app.add_subcommand("unpin", "Remove the baseline pinned for a task");
    unpin->add_option("--task", pinArgs->task, "Task id (`show RUN` and `groups --json` name it)")
        ->required();
    unpin->callback([&global, &action, pinArgs] {
        action = [&global, pinArgs] {
            auto store = openStore(global, store::OpenMode::ReadWrite);
            store.task(pinArgs->task); // names a task that does not exist
            const bool removed = analysis::unpinTask(store, pinArgs->task);
            std::cout << (removed ? "unpinned task " : "nothing was pinned for task ") << pinArgs->task
                      << '\n';
            return kExitOk;
        };
    });
}

} // namespace nf::cli
