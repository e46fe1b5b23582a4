// summary, zones, pin and unpin: what noisefloor says about the spread of one group's runs and the
// settings it is judged by (compare is in commands_compare.cpp).

#include "workspace/comparison.h"
#include "workspace/group_data.h"
#include "workspace/number_text.h"
#include "workspace/settings.h"
#include "workspace/verdict.h"
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
            {"ci95", intervalJson(s.ci95)},
            {"pi95", intervalJson(s.pi95)},
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
              << "95% CI of the mean " << workspace::pointsIntervalText(s.ci95)
              << "   95% prediction interval for the next run " << workspace::pointsIntervalText(s.pi95) << '\n'
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
                      workspace::signedPointsText(run.deviation), stats::toString(run.zone),
                      workspace::optionalNumberText(run.z, 2), workspace::pointsIntervalText(run.wilson95), rules});
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
            const auto options = workspace::summaryOptions(store, group.taskId);
            auto result = stats::summarize(workspace::loadGroupData(store, group.id), options);
            if (const auto pin = workspace::pinForTask(store, group.taskId); pin && !options.pinnedReference)
                result.notes.push_back("the pinned " + pin->label() +
                                       " has no completed runs now; the group's own reference is used");
            if (global.json)
                std::cout << summaryJson(group, result).dump(2) << '\n';
            else
                printSummary(group, result);
            return kExitOk;
        };
    });

    addCompareCommand(app, global, action);

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
                workspace::setTaskZoneThresholds(store, zoneArgs->task, std::nullopt);
                workspace::setDifferenceThatMatters(store, zoneArgs->task, std::nullopt);
            }
            if (thresholds) {
                if (task)
                    workspace::setTaskZoneThresholds(store, zoneArgs->task, *thresholds);
                else
                    workspace::setZoneThresholds(store, *thresholds);
            }
            if (zoneArgs->matters)
                workspace::setDifferenceThatMatters(store, zoneArgs->task, *zoneArgs->matters);
            if (mode)
                workspace::setReferenceMode(store, *mode);
            const auto current =
                task ? workspace::taskZoneThresholds(store, zoneArgs->task) : workspace::zoneThresholds(store);
            const auto reference = workspace::referenceMode(store);
            const bool ownThresholds = task && workspace::taskHasOwnThresholds(store, zoneArgs->task);
            const double mattersPoints = task ? workspace::differenceThatMatters(store, zoneArgs->task) : 0.0;
            const bool ownMatters = task && workspace::taskHasOwnDifferenceThatMatters(store, zoneArgs->task);
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
            const int64_t task = pinArgs->group > 0 ? workspace::pinGroup(store, pinArgs->group)
                                                    : workspace::pinRun(store, pinArgs->run);
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
            const bool removed = workspace::unpinTask(store, pinArgs->task);
            std::cout << (removed ? "unpinned task " : "nothing was pinned for task ") << pinArgs->task
                      << '\n';
            return kExitOk;
        };
    });
}

} // namespace nf::cli
