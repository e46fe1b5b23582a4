#pragma once

// Config groups for the chart tests, made by hand: runs with chosen accuracies, summarised by the
// real statistics (so zones, z and control rules are the ones the app computes), plus the rows a
// page would also hand the charts (hidden, failed and reproduction runs).

#include "groupanalysis.h"
#include "stats/summary.h"
#include "stats/zones.h"

#include <QDateTime>
#include <QString>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nf::test {

struct GroupSpec
{
    int64_t groupId = 1;
    int64_t taskId = 1;
    std::string model = "demo-mlp-3ep";
    int64_t firstRunId = 1;
    int64_t nItems = 10000;
    std::vector<double> accuracies; // fractions, one completed run each, in start order
    std::set<size_t> hidden;        // indices into accuracies
    int failed = 0;                 // failed runs appended after the completed ones
    int reproductions = 0;          // completed reproductions of the first run, appended
    double flipShare = 0.0;         // share of items answered both right and wrong (noise floor)
    std::optional<double> pinned;   // pinned reference accuracy
    std::string pinnedLabel;
    QDateTime start = QDateTime(QDate(2026, 11, 28), QTime(4, 10), Qt::UTC);
    int minutesApart = 7;
    stats::ZoneThresholds thresholds;
};

inline std::string isoTime(const QDateTime& time, bool millis)
{
    return time.toUTC().toString(millis ? Qt::ISODateWithMs : Qt::ISODate).toStdString();
}

inline ui::GroupAnalysis makeGroup(const GroupSpec& spec)
{
    ui::GroupAnalysis group;
    group.group.id = spec.groupId;
    group.group.taskId = spec.taskId;
    group.group.modelId = spec.groupId;
    group.group.modelLabel = spec.model;
    group.group.taskLabel = "fashion-mnist test";
    group.group.paramsJson = "{}";
    group.title = "group " + std::to_string(spec.groupId) + " · " + spec.model;
    group.zones = stats::zoneScale(spec.thresholds, 0, std::nullopt);
    group.pinnedAccuracy = spec.pinned;
    group.pinnedLabel = spec.pinnedLabel;

    stats::GroupData data;
    int64_t id = spec.firstRunId;
    int64_t index = 0;
    const auto addRow = [&](store::RunStatus status, std::optional<double> accuracy, bool hidden,
                            std::optional<int64_t> reproduces) {
        store::RunRow run;
        run.id = id++;
        run.configId = spec.groupId;
        run.seed = index + 1;
        run.status = status;
        run.startedAt = isoTime(spec.start.addSecs(60LL * spec.minutesApart * index), index % 2 == 0);
        run.nItems = accuracy ? spec.nItems : 0;
        run.nCorrect = accuracy ? std::llround(*accuracy * static_cast<double>(spec.nItems)) : 0;
        if (accuracy)
            run.accuracy = static_cast<double>(run.nCorrect) / static_cast<double>(spec.nItems);
        run.hidden = hidden;
        run.reproduces = reproduces;
        run.source = "engine";
        ++index;
        group.runs.push_back(run);
        return run;
    };
    for (size_t i = 0; i < spec.accuracies.size(); ++i) {
        const store::RunRow run =
            addRow(store::RunStatus::Completed, spec.accuracies[i], spec.hidden.count(i) > 0, std::nullopt);
        group.group.accuracies.push_back(*run.accuracy);
        data.runs.push_back({run.id, run.seed, run.nItems, run.nCorrect});
    }
    for (int i = 0; i < spec.failed; ++i)
        addRow(store::RunStatus::Failed, std::nullopt, false, std::nullopt);
    for (int i = 0; i < spec.reproductions; ++i)
        addRow(store::RunStatus::Completed, spec.accuracies.front(), false, spec.firstRunId);

    if (!data.runs.empty()) {
        // Items: always right, flipping (right in half the runs), always wrong, so that the mean
        // accuracy is about right and the noise floor follows flipShare.
        const auto runs = static_cast<int64_t>(data.runs.size());
        double mean = 0;
        for (const auto& run : data.runs)
            mean += run.accuracy() / static_cast<double>(runs);
        const auto n = static_cast<double>(spec.nItems);
        const auto flips = static_cast<int64_t>(spec.flipShare * n);
        const auto right = std::clamp<int64_t>(std::llround(mean * n - flips / 2.0), 0, spec.nItems - flips);
        data.items.resize(static_cast<size_t>(spec.nItems));
        for (int64_t i = 0; i < spec.nItems; ++i)
            data.items[static_cast<size_t>(i)] = {runs, i < right ? runs : i < right + flips ? runs / 2 : 0};
        stats::SummaryOptions options;
        options.thresholds = spec.thresholds;
        options.pinnedReference = spec.pinned;
        options.pinnedLabel = spec.pinnedLabel;
        group.summary = stats::summarize(data, options);
    }
    return group;
}

// Accuracies around `mean` with sample spread about `sd` (fractions), the same every time.
inline std::vector<double> spreadAround(double mean, double sd, int count, uint32_t seed)
{
    std::vector<double> values;
    uint64_t state = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto uniform = [&state] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return (static_cast<double>(state >> 11) + 0.5) / static_cast<double>(1ULL << 53);
    };
    for (int i = 0; i < count; ++i) {
        const double normal = std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * M_PI * uniform());
        values.push_back(mean + sd * normal);
    }
    return values;
}

} // namespace nf::test
