#include "stats/summary.h"

#include "common/error.h"
#include "stats/control_rules.h"
#include "stats/describe.h"
#include "stats/intervals.h"
#include "stats/zones.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>

namespace nf::stats {

namespace {

// p_i over items some run answered: flip count, sd_seed and the question-sampling SE, in one pass
// for the sum and one for the spread (items' rates are near each other, so a one-pass sum of
// squares would cancel).
void summarizeItems(const std::vector<ItemCount>& items, GroupSummary& out)
{
    double sumRates = 0.0;
    double sumBernoulliVariance = 0.0;
    for (const ItemCount& item : items) {
        if (item.nRuns <= 0)
            continue;
        const double p = static_cast<double>(item.nCorrect) / static_cast<double>(item.nRuns);
        ++out.nItems;
        out.flipItems += item.nCorrect > 0 && item.nCorrect < item.nRuns ? 1 : 0;
        sumRates += p;
        sumBernoulliVariance += p * (1.0 - p);
    }
    if (out.nItems == 0) {
        out.notes.emplace_back("flip_rate, sd_seed and se_question undefined: no per-item counts");
        return;
    }
    const double n = static_cast<double>(out.nItems);
    out.flipRate = static_cast<double>(out.flipItems) / n;
    out.sdSeed = std::sqrt(sumBernoulliVariance) / n;
    if (out.nItems < 2) {
        out.notes.emplace_back("se_question undefined: one item");
        return;
    }
    const double meanRate = sumRates / n;
    double squares = 0.0;
    for (const ItemCount& item : items) {
        if (item.nRuns <= 0)
            continue;
        const double d = static_cast<double>(item.nCorrect) / static_cast<double>(item.nRuns) - meanRate;
        squares += d * d;
    }
    out.seQuestion = std::sqrt(squares / (n - 1.0)) / std::sqrt(n);
}

void summarizeSubjects(const GroupData& group, GroupSummary& out)
{
    struct Collected
    {
        std::size_t firstRun = std::numeric_limits<std::size_t>::max();
        int64_t nItems = 0;
        std::vector<double> accuracies;
    };
    std::unordered_map<int64_t, std::size_t> runIndex;
    for (std::size_t i = 0; i < group.runs.size(); ++i)
        runIndex.emplace(group.runs[i].id, i);

    std::map<std::string, Collected> bySubject;
    for (const SubjectRunCount& row : group.subjects) {
        const auto found = runIndex.find(row.runId);
        if (found == runIndex.end() || row.nItems <= 0)
            continue;
        Collected& collected = bySubject[row.subject];
        if (found->second < collected.firstRun) {
            collected.firstRun = found->second;
            collected.nItems = row.nItems;
        }
        collected.accuracies.push_back(static_cast<double>(row.nCorrect) / static_cast<double>(row.nItems));
    }
    bool someSdUndefined = false;
    for (const auto& [name, collected] : bySubject) {
        const Description d = describe(collected.accuracies);
        SubjectStat stat{name, collected.nItems, static_cast<int64_t>(d.n), d.mean, std::nullopt};
        if (d.n >= 2)
            stat.sd = d.sd;
        else
            someSdUndefined = true;
        out.subjects.push_back(std::move(stat));
    }
    if (someSdUndefined && out.n > 1)
        out.notes.emplace_back("subject sd undefined where only one run has items of the subject");
}

} // namespace

GroupSummary summarize(const GroupData& group, const SummaryOptions& options)
{
    if (group.runs.empty())
        throw InputError("the group has no completed runs: there is nothing to summarise");

    GroupSummary out;
    std::vector<double> accuracies;
    accuracies.reserve(group.runs.size());
    for (const RunPoint& run : group.runs)
        accuracies.push_back(run.accuracy());

    const Description d = describe(accuracies);
    out.n = static_cast<int64_t>(d.n);
    out.mean = d.mean;
    out.median = d.median;
    out.min = d.min;
    out.max = d.max;
    out.range = d.range;
    if (out.n >= 2) {
        out.sd = d.sd;
        bool logit = false;
        out.ci95 = accuracyMeanInterval(d.mean, d.sd, out.n, &logit);
        out.pi95 = accuracyPredictionInterval(d.mean, d.sd, out.n);
        if (logit)
            out.notes.emplace_back("ci95 is computed on the logit scale: the t interval would reach beyond "
                                   "0 or 100");
        if (d.sd == 0.0)
            out.notes.emplace_back("ci95 and pi95 have zero width and z is undefined: every run has the "
                                   "same accuracy (as greedy decoding gives)");
    } else {
        out.notes.emplace_back("sd, ci95, pi95 and z undefined: one run");
    }

    summarizeItems(group.items, out);
    int64_t withItems = 0;
    for (const ItemCount& item : group.items)
        withItems = std::max(withItems, item.nRuns);
    if (withItems == 1 && out.sdSeed)
        out.notes.emplace_back("sd_seed is 0 from one run: items can only flip between runs");
    if (withItems > 0 && withItems < out.n)
        out.notes.push_back("per-item statistics (flip items, sd_seed, question-sampling SE) are over the " +
                            std::to_string(withItems) + " of " + std::to_string(out.n) +
                            " runs with per-item results; the others are scores only");

    if (options.pinnedReference) {
        out.reference = *options.pinnedReference;
        out.referenceLabel = options.pinnedLabel.empty() ? "pinned" : "pinned " + options.pinnedLabel;
    } else {
        out.reference = options.mode == ReferenceMode::Mean ? out.mean : out.median;
        out.referenceLabel = toString(options.mode);
    }

    int64_t itemsPerRun = 0;
    for (const RunPoint& run : group.runs)
        itemsPerRun = std::max(itemsPerRun, run.nItems);
    out.zones = zoneScale(options.thresholds, itemsPerRun, out.sdSeed);

    // Each run against the others (control_rules.h says why); one item's rounding is the least
    // spread the others are taken to have.
    const double resolution = itemsPerRun > 0 ? 1.0 / (static_cast<double>(itemsPerRun) * std::sqrt(12.0)) : 0.0;
    ControlChart chart = controlChart(accuracies, resolution);
    const std::vector<std::optional<double>>& z = chart.z;
    if (out.sd && *out.sd > 0.0 && out.n >= static_cast<int64_t>(kMinRunsForZ)) {
        out.scale = *out.sd;
        out.scaleLabel = "leave-one-out t";
    } else if (out.n == 2) {
        out.notes.emplace_back("z undefined: a run is judged against the others, which needs three runs");
    }

    out.runs.reserve(group.runs.size());
    for (std::size_t i = 0; i < group.runs.size(); ++i) {
        const RunPoint& run = group.runs[i];
        RunStat stat;
        stat.id = run.id;
        stat.seed = run.seed;
        stat.accuracy = accuracies[i];
        stat.deviation = accuracies[i] - out.reference;
        stat.zone = zoneOf(stat.deviation * 100.0, out.zones.thresholds);
        // z places a run within its own group (as a control chart does), against the other runs,
        // even when a pinned baseline sets the deviations and zones.
        stat.z = z[i];
        if (run.nItems > 0) {
            stat.wilson95 = wilson(std::clamp<int64_t>(run.nCorrect, 0, run.nItems), run.nItems);
        } else if (run.runLevelAccuracy) {
            stat.wilson95 = {0.0, 1.0}; // a score over an unknown number of items
        } else {
            stat.wilson95 = {0.0, 1.0};
            out.notes.push_back("run " + std::to_string(run.id) + " has no items: its accuracy counts as 0");
        }
        out.runs.push_back(std::move(stat));
    }
    for (std::size_t i = 0; i < out.runs.size(); ++i)
        out.runs[i].rules = std::move(chart.rules[i]);

    summarizeSubjects(group, out);

    if (out.sdSeed) {
        out.noiseFloorPoints = kNoiseFloorZ * *out.sdSeed * 100.0;
        // Also what turns the zones to noise units, which the first note then says.
        out.thresholdBelowNoise = options.thresholds.watch < *out.noiseFloorPoints;
    }
    // What the zones are measured in decides how every run reads: said first.
    if (out.zones.unit == ZoneUnit::Noise)
        out.notes.insert(out.notes.begin(), out.zones.reason);
    return out;
}

} // namespace nf::stats
