// What an import plan does to a database: previewed without writing, then applied in one
// transaction.

#include "workspace/import.h"

#include "common/error.h"
#include "common/sha256.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <set>

namespace nf::workspace {
namespace {

std::string filesJson(const formats::ImportSource& source)
{
    nlohmann::json files = nlohmann::json::array();
    for (const auto& file : source.otherFiles)
        files.push_back({{"path", file.path}, {"sha256", file.sha256}});
    return files.dump();
}

std::string groupKey(const formats::ImportedRun& run)
{
    return groupHash(run.paramsJson, run.modelSha256, run.task->sha256);
}

int64_t itemCount(const formats::ImportedRun& run)
{
    return static_cast<int64_t>(run.correct.size());
}

std::vector<store::ItemRow> itemRows(const formats::ImportedRun& run)
{
    const size_t n = run.correct.size();
    std::vector<store::ItemRow> items(n);
    for (size_t i = 0; i < n; ++i) {
        store::ItemRow& item = items[i];
        item.idx = run.idx.empty() ? static_cast<int64_t>(i) : run.idx[i];
        item.correct = run.correct[i] != 0;
        item.predicted = run.predicted.empty() ? -1 : run.predicted[i];
        item.pTrue = run.pTrue.empty() ? NAN : run.pTrue[i];
        if (!run.nShots.empty())
            item.nShots = run.nShots[i];
        if (!run.promptHash.empty())
            item.promptHash = run.promptHash[i];
    }
    return items;
}

// The task row of an imported run, checked against what the database already has under its sha256.
int64_t ensureTask(store::Store& store, const formats::ImportedRun& run)
{
    const formats::ImportedTask& task = *run.task;
    std::vector<store::TaskItem> items(static_cast<size_t>(task.nItems));
    for (size_t i = 0; i < items.size(); ++i) {
        if (i < task.subjects.size())
            items[i].subject = task.subjects[i];
        if (i < task.refs.size())
            items[i].ref = task.refs[i];
    }
    const int64_t taskId = store.ensureTask(task.kind, task.path, task.sha256, task.label, items);
    const int64_t stored = store.task(taskId).nItems;
    // A run-level run answers nothing item by item: any item count of its task will do.
    if (stored != task.nItems && run.hasItems())
        throw InputError(run.where + ": task \"" + task.label + "\" is already in the database with " +
                         std::to_string(stored) + " items, this run has " + std::to_string(task.nItems));
    return taskId;
}

} // namespace

ImportPreview previewImport(const store::Store& store, const ImportPlan& plan)
{
    ImportPreview preview;
    struct Group
    {
        std::optional<int64_t> id;
        std::string model;
        std::string task;
        int runs = 0;
    };
    std::map<std::string, Group> groups; // by params hash, in first-seen order below
    std::vector<std::string> order;
    std::set<std::string> sources;
    std::set<std::string> uids; // a run in two sources of the plan is stored once
    for (const formats::ImportBatch& batch : plan.batches) {
        BatchPreview line;
        line.format = batch.source.format;
        line.path = batch.source.path;
        line.notes = batch.notes;
        const std::string key = formats::importKey(batch);
        const auto earlier = store.findImport(key);
        if (earlier || !sources.insert(key).second) {
            line.alreadyImported = true;
            line.importedAt = earlier ? earlier->importedAt : std::string();
            line.runsAlreadyHere = static_cast<int>(batch.runs.size());
            preview.batches.push_back(std::move(line));
            continue;
        }
        for (const formats::ImportedRun& run : batch.runs) {
            if (store.findRunByUid(run.uid) || !uids.insert(run.uid).second) {
                ++line.runsAlreadyHere;
                continue;
            }
            ++line.runs;
            line.runLevelRuns += run.hasItems() ? 0 : 1;
            line.items += itemCount(run);
            const std::string key = groupKey(run);
            auto [group, inserted] = groups.try_emplace(key);
            if (inserted) {
                group->second.id = store.findConfig(key);
                group->second.model = run.modelLabel;
                group->second.task = run.task->label;
                order.push_back(key);
            }
            ++group->second.runs;
        }
        preview.runs += line.runs;
        preview.items += line.items;
        preview.batches.push_back(std::move(line));
    }
    for (const std::string& key : order) {
        const Group& group = groups[key];
        const std::string what = group.model + " on " + group.task + ": " + std::to_string(group.runs) +
                                 (group.runs == 1 ? " run" : " runs");
        if (group.id) {
            ++preview.groupsJoined;
            preview.groupLines.push_back("joins group " + std::to_string(*group.id) + ", " + what);
        } else {
            ++preview.groupsNew;
            preview.groupLines.push_back("new group, " + what);
        }
    }
    return preview;
}

ImportResult applyImport(store::Store& store, const ImportPlan& plan)
{
    ImportResult result;
    std::set<int64_t> groups;
    store.inTransaction([&] {
        for (const formats::ImportBatch& batch : plan.batches) {
            const std::string key = formats::importKey(batch);
            if (store.findImport(key)) {
                ++result.sourcesSkipped;
                result.skipped += static_cast<int>(batch.runs.size());
                continue;
            }
            store::ImportRow source;
            source.format = batch.source.format;
            source.path = batch.source.path;
            source.sha256 = batch.source.sha256;
            source.filesJson = filesJson(batch.source);
            source.key = key;
            const int64_t importId = store.addImport(source);
            for (const formats::ImportedRun& run : batch.runs) {
                if (store.findRunByUid(run.uid)) {
                    ++result.skipped;
                    continue;
                }
                const int64_t modelId = store.ensureModel("", run.modelSha256, "imported", run.modelLabel);
                const int64_t taskId = ensureTask(store, run);
                const int64_t configId = store.ensureConfig(modelId, taskId, run.paramsJson, groupKey(run));
                const int64_t envId = run.environmentJson.empty()
                                          ? 0
                                          : store.ensureEnvironment(run.environmentJson, sha256Hex(run.environmentJson));
                store::NewRun stored;
                stored.configId = configId;
                stored.envId = envId;
                stored.seed = run.seed;
                stored.label = run.label;
                stored.source = store::toString(store::RunSource::Import, batch.source.format);
                stored.uid = run.uid;
                stored.importId = importId;
                stored.notes = run.notes;
                try {
                    if (run.hasItems())
                        store.insertCompletedRun(stored, itemRows(run), run.durationSeconds, run.startedAt);
                    else
                        store.insertRunLevelRun(stored, run.runLevelAccuracy.value_or(NAN), run.runLevelItems,
                                                run.durationSeconds, run.startedAt);
                } catch (const InputError& e) {
                    throw InputError(run.where + ": " + e.what());
                }
                groups.insert(configId);
                ++result.imported;
                result.items += itemCount(run);
            }
        }
    });
    result.groups.assign(groups.begin(), groups.end());
    return result;
}

} // namespace nf::workspace
