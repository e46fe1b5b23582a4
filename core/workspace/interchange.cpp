#include "workspace/interchange.h"

#include "workspace/import_jsonl.h"

#include "common/error.h"
#include "common/sha256.h"
#include "store/store.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace nf::workspace {

ImportResult importRuns(store::Store& store, const formats::RunsFile& file)
{
    ImportPlan plan;
    plan.batches.push_back(jsonlBatch(file, sha256File(file.path)));
    return applyImport(store, plan);
}

void exportRuns(const store::Store& store, const std::vector<int64_t>& groups,
                const std::function<void(const formats::RunRecord&)>& emit)
{
    std::vector<int64_t> groupIds = groups;
    if (groupIds.empty())
        for (const auto& group : store.groups())
            groupIds.push_back(group.id);
    for (const int64_t groupId : groupIds) {
        const auto group = store.group(groupId);
        if (!group)
            continue;
        const auto model = store.model(group->modelId);
        const auto task = store.task(group->taskId);
        std::vector<std::string> subjects;
        bool anySubject = false;
        for (const auto& item : store.taskItems(group->taskId)) {
            subjects.push_back(item.subject);
            anySubject = anySubject || !item.subject.empty();
        }
        store::RunFilter filter;
        filter.configId = groupId;
        filter.status = store::RunStatus::Completed;
        for (const auto& run : store.runs(filter)) {
            // A reproduction re-checks a run: exported as a run of its own it would count twice.
            if (run.reproduces)
                continue;
            formats::RunRecord record;
            record.model = group->modelLabel;
            record.task = group->taskLabel;
            record.configJson = group->paramsJson;
            record.seed = run.seed;
            record.startedAt = run.startedAt;
            record.uid = run.uid;
            record.label = run.label;
            record.durationSeconds = run.durationSeconds.value_or(0);
            record.modelSha256 = model.sha256;
            record.taskSha256 = task.sha256;
            if (run.envId > 0)
                record.environmentJson = store.environmentJson(run.envId);
            const auto items = store.runItems(run.id);
            if (items.empty() && run.accuracy) {
                // Another tool's score alone: exported as such, so that it imports as it is.
                record.accuracy = run.accuracy;
                record.nItems = run.nItems;
                emit(record);
                continue;
            }
            bool anyPredicted = false;
            bool allProbabilities = !items.empty();
            // Prompt details travel only when every item has them (a language-model run).
            const bool prompts = !items.empty() && std::all_of(items.begin(), items.end(), [](const auto& item) {
                return item.nShots.has_value() && item.promptHash.has_value();
            });
            for (const auto& item : items) {
                record.correct.push_back(item.correct ? 1 : 0);
                record.predicted.push_back(item.predicted);
                record.pTrue.push_back(item.pTrue);
                if (prompts) {
                    record.nShots.push_back(*item.nShots);
                    record.promptHash.push_back(*item.promptHash);
                }
                anyPredicted = anyPredicted || item.predicted >= 0;
                allProbabilities = allProbabilities && std::isfinite(item.pTrue);
            }
            if (!anyPredicted)
                record.predicted.clear();
            if (!allProbabilities || run.sourceKind() != store::RunSource::Engine)
                record.pTrue.clear();
            if (static_cast<int64_t>(items.size()) < task.nItems) {
                // A run over the first N items (--limit) is on a task of its own: those N items.
                record.taskSha256 = sha256Hex(task.sha256 + "\nfirst " + std::to_string(items.size()));
                record.task = group->taskLabel + " (first " + std::to_string(items.size()) + ")";
            }
            if (anySubject && subjects.size() >= items.size())
                record.subjects.assign(subjects.begin(),
                                       subjects.begin() + static_cast<std::ptrdiff_t>(items.size()));
            emit(record);
        }
    }
}

} // namespace nf::workspace
