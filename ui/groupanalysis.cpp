#include "groupanalysis.h"

#include "workspace/describe_params.h"
#include "workspace/group_data.h"
#include "workspace/settings.h"
#include "common/error.h"
#include "stats/zones.h"

#include <algorithm>

namespace nf::ui {

const store::RunRow* GroupAnalysis::findRun(int64_t runId) const
{
    const auto it =
        std::find_if(runs.begin(), runs.end(), [runId](const store::RunRow& run) { return run.id == runId; });
    return it == runs.end() ? nullptr : &*it;
}

const stats::RunStat* GroupAnalysis::findRunStat(int64_t runId) const
{
    if (!summary)
        return nullptr;
    const auto& stats = summary->runs;
    const auto it = std::find_if(stats.begin(), stats.end(),
                                 [runId](const stats::RunStat& run) { return run.id == runId; });
    return it == stats.end() ? nullptr : &*it;
}

GroupAnalysis analyzeGroup(const store::Store& store, int64_t groupId)
{
    auto group = store.group(groupId);
    if (!group)
        throw InputError("group " + std::to_string(groupId) + " is not in " + store.path().string());

    GroupAnalysis analysis;
    analysis.group = std::move(*group);
    analysis.title = "group " + std::to_string(groupId) + " · " + analysis.group.modelLabel + " · " +
                     workspace::describeParams(analysis.group.paramsJson);
    analysis.runs = store.runs({.configId = groupId, .status = std::nullopt});
    const stats::SummaryOptions options = workspace::summaryOptions(store, analysis.group.taskId);
    analysis.zones = stats::zoneScale(options.thresholds, 0, std::nullopt);
    if (options.pinnedReference) {
        analysis.pinnedAccuracy = options.pinnedReference;
        analysis.pinnedLabel = options.pinnedLabel;
    }

    // A group whose runs all failed, are running or are reproductions has nothing to summarise;
    // summarize() says so by throwing, which is not an error for a page that shows the group.
    const stats::GroupData data = workspace::loadGroupData(store, groupId);
    if (!data.runs.empty()) {
        analysis.summary = stats::summarize(data, options);
        analysis.zones = analysis.summary->zones;
    }
    return analysis;
}

} // namespace nf::ui
