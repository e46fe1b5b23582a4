// summary, compare, zones, pin and unpin: what noisefloor says about the spread of runs.

#include "analysis/group_data.h"
#include "analysis/number_text.h"
#include "analysis/settings.h"
#include "analysis/verdict.h"
#include "commands.h"
#include "common/error.h"
#include "output.h"
#include "stats/compare.h"
#include "stats/summary.h"
#include "stats/zones.h"

#include <iostream>

namespace nf::cli {
namespace {

using nlohmann::json;

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

stats::SummaryOptions summaryOptions(const store::Store& store, const store::GroupRow& group)
{
    stats::SummaryOptions options;
    options.thresholds = analysis::zoneThresholds(store);
    options.mode = analysis::referenceMode(store);
    if (const auto pinned = analysis::pinnedReference(store, group.taskId)) {
        options.pinnedReference = pinned->accuracy;
        options.pinnedLabel = pinned->label;
    }
    return options;
}

json summaryJson(const store::GroupRow& group, const stats::GroupSummary& s,
                 const stats::ZoneThresholds& zones)
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
            {"zone_thresholds_points", {zones.watch, zones.elevated, zones.suspicious}},
            {"noise_floor", s.noiseFloorPoints ? json(*s.noiseFloorPoints / 100) : json(nullptr)},
            {"threshold_below_noise", s.thresholdBelowNoise},
            {"runs", runs},
            {"subjects", subjects},
            {"notes", s.notes}};
}

void printSummary(const store::GroupRow& group, const stats::GroupSummary& s,
                  const stats::ZoneThresholds& zones)
{
    std::cout << "group " << group.id << ": " << group.modelLabel << " on " << group.taskLabel << " ("
              << describeParams(group.paramsJson) << ")\n\n"
              << "runs " << s.n << "   mean " << fixed(s.mean * 100, 2) << "   sd " << points(s.sd)
              << "   median " << fixed(s.median * 100, 2) << "   min " << fixed(s.min * 100, 2) << "   max "
              << fixed(s.max * 100, 2) << "   range " << fixed(s.range * 100, 2) << "   (accuracy points)\n"
              << "95% CI of the mean " << pointsInterval(s.ci95)
              << "   95% prediction interval for the next run " << pointsInterval(s.pi95) << '\n'
              << "items " << s.nItems << "   flip items " << s.flipItems << " (" << points(s.flipRate, 1)
              << "%)   expected seed noise sd " << points(s.sdSeed) << "   question-sampling SE "
              << points(s.seQuestion) << '\n'
              << "reference: " << s.referenceLabel << " " << fixed(s.reference * 100, 2)
              << "   zones: normal < " << zones.watch << " <= watch < " << zones.elevated << " <= elevated < "
              << zones.suspicious << " <= suspicious (points from the reference)\n\n";

    Table table({"run", "seed", "accuracy", "deviation", "zone", "z", "wilson95", "rules"});
    for (const auto& run : s.runs) {
        std::string rules;
        for (const auto& rule : run.rules)
            rules += (rules.empty() ? "" : ", ") + rule;
        table.addRow({std::to_string(run.id), std::to_string(run.seed), fixed(run.accuracy * 100, 2),
                      (run.deviation >= 0 ? "+" : "") + fixed(run.deviation * 100, 2),
                      stats::toString(run.zone), optionalNumber(run.z, 2), pointsInterval(run.wilson95),
                      rules});
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
    if (!s.notes.empty()) {
        std::cout << '\n';
        for (const auto& note : s.notes)
            std::cout << "note: " << note << '\n';
    }
}

json compareJson(const store::GroupRow& a, const store::GroupRow& b, const stats::Comparison& c,
                 const std::vector<analysis::EnvironmentDifference>& env)
{
    auto subjects = json::array();
    for (const auto& subject : c.subjects)
        subjects.push_back({{"subject", subject.subject},
                            {"mean_a", jsonNumber(subject.meanA)},
                            {"mean_b", jsonNumber(subject.meanB)},
                            {"delta", jsonNumber(subject.delta)}});
    auto differences = json::array();
    for (const auto& difference : env)
        differences.push_back(
            {{"key", difference.key}, {"a", difference.valuesA}, {"b", difference.valuesB}});
    return {{"a",
             {{"group", a.id},
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
            {"paired",
             {{"n_items", c.paired.nItems},
              {"mean_diff", jsonNumber(c.paired.meanDiff)},
              {"se", jsonNumber(c.paired.se)},
              {"z", jsonNumber(c.paired.z)},
              {"p", jsonNumber(c.paired.p)},
              {"ci95", interval(c.paired.ci95)},
              {"correlation", jsonNumber(c.paired.correlation)}}},
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
            {"new_questions", c.newQuestions},
            {"items_not_repeats", c.itemsNotRepeats},
            {"subjects", subjects},
            {"env_differences", differences},
            {"notes", c.notes}};
}

void printComparison(const store::GroupRow& a, const store::GroupRow& b, const stats::Comparison& c,
                     const std::vector<analysis::EnvironmentDifference>& env)
{
    std::cout << "A: group " << a.id << ", " << a.modelLabel << " (" << describeParams(a.paramsJson)
              << "): " << c.runsA << " runs, mean " << fixed(c.meanA * 100, 2) << ", sd " << points(c.sdA)
              << '\n'
              << "B: group " << b.id << ", " << b.modelLabel << " (" << describeParams(b.paramsJson)
              << "): " << c.runsB << " runs, mean " << fixed(c.meanB * 100, 2) << ", sd " << points(c.sdB)
              << '\n'
              << "on " << a.taskLabel << "\n\n"
              << "delta B - A: " << (c.delta >= 0 ? "+" : "") << fixed(c.delta * 100, 2) << " points\n\n"
              << "Beyond run-to-run noise on this item set?\n"
              << "  " << stats::runTestMethodName(c.runTest.method) << ": 95% CI "
              << pointsInterval(c.runTest.ci95) << ", t " << optionalNumber(c.runTest.t, 3) << ", df "
              << optionalNumber(c.runTest.df, 1) << ", p " << pValue(c.runTest.p) << '\n'
              << "  minimum detectable difference " << points(c.mde) << " points (alpha 0.05, power 0.8)\n"
              << "  verdict: " << analysis::verdictWords(c) << "\n\n"
              << "Would it hold on new questions of the same kind?\n"
              << "  paired over " << c.paired.nItems << " items: 95% CI " << pointsInterval(c.paired.ci95)
              << ", z " << optionalNumber(c.paired.z, 3) << ", p " << pValue(c.paired.p)
              << ", item correlation " << optionalNumber(c.paired.correlation, 3) << '\n'
              << "  McNemar on majority answers: b " << c.mcnemar.b << ", c " << c.mcnemar.c << " ("
              << (c.mcnemar.exact ? "exact binomial" : "chi-squared, continuity corrected") << "), p "
              << pValue(c.mcnemar.p) << '\n'
              << "  paired bootstrap (" << c.bootstrap.resamples << " resamples): 95% CI "
              << pointsInterval(c.bootstrap.ci95) << '\n'
              << "  " << c.newQuestions << '\n';
    if (!c.subjects.empty() && c.subjects.size() > 1) {
        std::cout << '\n';
        Table table({"subject", "A", "B", "delta"});
        for (const auto& subject : c.subjects)
            table.addRow(
                {subject.subject, points(subject.meanA), points(subject.meanB), points(subject.delta)});
        table.print(std::cout);
    }
    if (!env.empty()) {
        std::cout << "\nwarning: the groups ran in different environments:\n";
        for (const auto& difference : env)
            std::cout << "  " << difference.key << ": A " << difference.valuesA << "; B "
                      << difference.valuesB << '\n';
    }
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
            const auto options = summaryOptions(store, group);
            auto result = stats::summarize(analysis::loadGroupData(store, group.id), options);
            if (const auto pin = analysis::pinForTask(store, group.taskId); pin && !options.pinnedReference)
                result.notes.push_back("the pinned " + pin->label() +
                                       " has no completed runs now; the group's own reference is used");
            if (global.json)
                std::cout << summaryJson(group, result, options.thresholds).dump(2) << '\n';
            else
                printSummary(group, result, options.thresholds);
            return kExitOk;
        };
    });

    struct CompareArgs
    {
        int64_t a = 0;
        int64_t b = 0;
        std::optional<double> delta;
        int resamples = 10000;
    };
    auto compareArgs = std::make_shared<CompareArgs>();
    auto* compare = app.add_subcommand(
        "compare", "Is B different from A beyond noise, and would it hold on new questions?");
    compare->add_option("GROUP_A", compareArgs->a, "Config group A")->required();
    compare->add_option("GROUP_B", compareArgs->b, "Config group B")->required();
    compare->add_option("--delta", compareArgs->delta,
                        "Difference in points to size repeats_needed for (default: the zone-1 threshold)");
    compare->add_option("--bootstrap", compareArgs->resamples, "Paired bootstrap resamples")
        ->check(CLI::Range(0, 1000000))
        ->capture_default_str();
    compare->callback([&global, &action, compareArgs] {
        action = [&global, compareArgs] {
            const auto store = openExisting(global);
            const auto a = requireGroup(store, compareArgs->a);
            const auto b = requireGroup(store, compareArgs->b);
            if (a.taskId != b.taskId)
                throw InputError("groups " + std::to_string(a.id) + " and " + std::to_string(b.id) +
                                 " are on different tasks (" + a.taskLabel + " vs " + b.taskLabel +
                                 "): a comparison needs the same items");
            stats::CompareOptions options;
            options.thresholds = analysis::zoneThresholds(store);
            options.deltaUserPoints = compareArgs->delta;
            options.bootstrapResamples = compareArgs->resamples;
            const auto result = stats::compare(analysis::loadGroupData(store, a.id),
                                               analysis::loadGroupData(store, b.id), options);
            const auto env = analysis::environmentDifferences(store, a.id, b.id);
            if (global.json)
                std::cout << compareJson(a, b, result, env).dump(2) << '\n';
            else
                printComparison(a, b, result, env);
            return kExitOk;
        };
    });

    struct ZoneArgs
    {
        std::string set;
        std::string reference;
    };
    auto zoneArgs = std::make_shared<ZoneArgs>();
    auto* zones = app.add_subcommand("zones", "Show or set the fluctuation zones (stored in the database)");
    zones->add_option("--set", zoneArgs->set,
                      "Thresholds in points: watch,elevated,suspicious (default 1,3,5)");
    zones->add_option("--reference", zoneArgs->reference, "median | mean: what deviations are measured from");
    zones->callback([&global, &action, zoneArgs] {
        action = [&global, zoneArgs] {
            const bool changes = !zoneArgs->set.empty() || !zoneArgs->reference.empty();
            // Parsed before the database is opened: a bad value writes nothing.
            std::optional<stats::ZoneThresholds> thresholds;
            std::optional<stats::ReferenceMode> mode;
            if (!zoneArgs->set.empty())
                thresholds = stats::parseThresholds(zoneArgs->set);
            if (!zoneArgs->reference.empty())
                mode = stats::parseReferenceMode(zoneArgs->reference);
            auto store = changes ? openStore(global, store::OpenMode::ReadWrite) : openExisting(global);
            if (thresholds)
                analysis::setZoneThresholds(store, *thresholds);
            if (mode)
                analysis::setReferenceMode(store, *mode);
            const auto current = analysis::zoneThresholds(store);
            const auto reference = analysis::referenceMode(store);
            if (global.json) {
                std::cout << json{{"thresholds_points",
                                   {current.watch, current.elevated, current.suspicious}},
                                  {"reference", stats::toString(reference)}}
                                 .dump(2)
                          << '\n';
            } else {
                std::cout << "zones (points from the reference): normal < " << current.watch << " <= watch < "
                          << current.elevated << " <= elevated < " << current.suspicious << " <= suspicious\n"
                          << "reference: " << stats::toString(reference)
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
