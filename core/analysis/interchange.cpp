#include "analysis/interchange.h"

#include "common/error.h"
#include "common/sha256.h"
#include "store/store.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace nf::analysis {
namespace {

// A run without a uid is known by its content and by how many runs of the same content came
// before it in the file: re-importing the file adds nothing, while two identical runs (greedy
// decoding gives them) in one file stay two runs.
std::string contentUid(const formats::RunRecord& record, std::map<std::string, int>& seen)
{
    std::string content = record.model + "\n" + record.task + "\n" + record.configJson + "\n" +
                          std::to_string(record.seed) + "\n" + record.startedAt + "\n";
    content.append(record.correct.begin(), record.correct.end());
    const std::string hash = sha256Hex(content);
    return sha256Hex(hash + "#" + std::to_string(seen[hash]++)).substr(0, 32);
}

} // namespace

ImportResult importRuns(store::Store& store, const formats::RunsFile& file, const std::string& format)
{
    ImportResult result;
    std::set<int64_t> groups;
    std::map<std::string, int> seenContent;
    store.inTransaction([&] {
        for (const auto& record : file.runs) {
            const std::string uid = record.uid.empty() ? contentUid(record, seenContent) : record.uid;
            if (store.findRunByUid(uid)) {
                ++result.skipped;
                continue;
            }
            const size_t n = record.correct.size();
            const std::string modelSha = record.modelSha256.empty()
                                             ? sha256Hex("noisefloor imported model\n" + record.model)
                                             : record.modelSha256;
            std::vector<store::TaskItem> taskItems(n);
            std::string subjectText;
            for (size_t i = 0; i < record.subjects.size(); ++i) {
                taskItems[i].subject = record.subjects[i];
                subjectText += record.subjects[i] + "\n";
            }
            const std::string taskSha = record.taskSha256.empty()
                                            ? sha256Hex("noisefloor imported task\n" + record.task + "\n" +
                                                        std::to_string(n) + "\n" + subjectText)
                                            : record.taskSha256;
            const int64_t modelId = store.ensureModel("", modelSha, "imported", record.model);
            const int64_t taskId = store.ensureTask("imported", "", taskSha, record.task, taskItems);
            if (store.task(taskId).nItems != static_cast<int64_t>(n))
                throw InputError(file.path + ":" + std::to_string(record.line) + ": task \"" + record.task +
                                 "\" is already in the database with " +
                                 std::to_string(store.task(taskId).nItems) + " items, this run has " +
                                 std::to_string(n));
            const int64_t configId = store.ensureConfig(modelId, taskId, record.configJson,
                                                        groupHash(record.configJson, modelSha, taskSha));
            const int64_t envId =
                record.environmentJson.empty()
                    ? 0
                    : store.ensureEnvironment(record.environmentJson, sha256Hex(record.environmentJson));
            std::vector<store::ItemRow> items(n);
            for (size_t i = 0; i < n; ++i) {
                items[i].idx = static_cast<int64_t>(i);
                items[i].correct = record.correct[i] != 0;
                items[i].predicted = record.predicted.empty() ? -1 : record.predicted[i];
                items[i].pTrue = record.pTrue.empty() ? NAN : record.pTrue[i];
                if (!record.nShots.empty())
                    items[i].nShots = record.nShots[i];
                if (!record.promptHash.empty())
                    items[i].promptHash = record.promptHash[i];
            }
            store::NewRun run;
            run.configId = configId;
            run.envId = envId;
            run.seed = record.seed;
            run.label = record.label;
            run.source = "import:" + format;
            run.uid = uid;
            try {
                store.insertCompletedRun(run, items, record.durationSeconds, record.startedAt);
            } catch (const InputError& e) {
                throw InputError(file.path + ":" + std::to_string(record.line) + ": " + e.what());
            }
            groups.insert(configId);
            ++result.imported;
        }
    });
    result.groups.assign(groups.begin(), groups.end());
    return result;
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
        filter.status = store::kCompleted;
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
            if (!allProbabilities || run.source != "engine")
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

} // namespace nf::analysis
