#include "workspace/group_data.h"

#include "common/error.h"
#include "env/environment.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace nf::workspace {

stats::GroupData loadGroupData(const store::Store& store, int64_t configId)
{
    stats::GroupData data;
    store::RunFilter filter;
    filter.configId = configId;
    filter.status = store::RunStatus::Completed;
    for (const auto& run : store.runs(filter)) {
        if (run.reproduces)
            continue;
        stats::RunPoint point{run.id, run.seed, run.nItems, run.nCorrect, std::nullopt};
        // An imported score without items keeps its own value (n_correct is only its rounding).
        if (run.importId && !store.runHasItems(run.id))
            point.runLevelAccuracy = run.accuracy;
        point.durationSeconds = run.durationSeconds;
        data.runs.push_back(point);
    }

    const auto group = store.group(configId);
    const auto task = store.task(group->taskId);
    const auto taskItems = store.taskItems(group->taskId);
    const size_t n = std::max<size_t>(static_cast<size_t>(task.nItems), taskItems.size());
    data.items.assign(n, {});
    for (const auto& count : store.groupItems(configId))
        if (count.idx >= 0 && static_cast<size_t>(count.idx) < n)
            data.items[static_cast<size_t>(count.idx)] = {count.nRuns, count.nCorrect};
    data.itemSubjects.reserve(taskItems.size());
    for (const auto& item : taskItems)
        data.itemSubjects.push_back(item.subject);
    for (const auto& count : store.runSubjects(configId))
        data.subjects.push_back({count.runId, count.subject, count.nItems, count.nCorrect});
    return data;
}

stats::GroupData loadRunData(const store::Store& store, int64_t runId)
{
    const auto run = store.run(runId);
    if (!run || run->status != store::RunStatus::Completed)
        throw InputError("run " + std::to_string(runId) + (run ? " did not complete" : " does not exist"));
    const auto group = store.group(run->configId);
    const auto task = store.task(group->taskId);
    const auto taskItems = store.taskItems(group->taskId);
    const size_t n = std::max<size_t>(static_cast<size_t>(task.nItems), taskItems.size());

    stats::GroupData data;
    data.runs.push_back({run->id, run->seed, run->nItems, run->nCorrect, std::nullopt});
    data.runs.back().durationSeconds = run->durationSeconds;
    data.items.assign(n, {});
    std::map<std::string, stats::SubjectRunCount> subjects;
    for (const auto& item : store.runItems(runId)) {
        if (item.idx < 0 || static_cast<size_t>(item.idx) >= n)
            continue;
        data.items[static_cast<size_t>(item.idx)] = {1, item.correct ? 1 : 0};
        if (static_cast<size_t>(item.idx) < taskItems.size()) {
            auto& count = subjects[taskItems[static_cast<size_t>(item.idx)].subject];
            count.runId = runId;
            count.subject = taskItems[static_cast<size_t>(item.idx)].subject;
            ++count.nItems;
            count.nCorrect += item.correct ? 1 : 0;
        }
    }
    for (const auto& item : taskItems)
        data.itemSubjects.push_back(item.subject);
    for (auto& [name, count] : subjects)
        data.subjects.push_back(std::move(count));
    return data;
}

namespace {

std::map<std::string, std::set<std::string>> environmentValues(const store::Store& store, int64_t configId,
                                                               env::DevicesUsed& devices)
{
    std::set<int64_t> envIds;
    store::RunFilter filter;
    filter.configId = configId;
    filter.status = store::RunStatus::Completed;
    for (const auto& run : store.runs(filter))
        if (run.envId > 0)
            envIds.insert(run.envId);
    std::map<std::string, std::set<std::string>> values;
    for (const int64_t envId : envIds) {
        const auto environment = nlohmann::json::parse(store.environmentJson(envId), nullptr, false);
        if (!environment.is_object())
            continue;
        for (const auto& [key, value] : environment.items())
            values[key].insert(value.is_string() ? value.get<std::string>() : value.dump());
        const auto device = environment.find("engine.device");
        if (device == environment.end() || !device->is_string())
            devices.unknown = true;
        else if (device->get<std::string>().rfind("cuda", 0) == 0)
            devices.cuda = true;
        else
            devices.cpu = true;
    }
    return values;
}

std::string joined(const std::set<std::string>& values)
{
    if (values.empty())
        return "(not recorded)";
    std::string text;
    for (const auto& value : values)
        text += (text.empty() ? "" : " | ") + value;
    return text;
}

} // namespace

std::vector<EnvironmentDifference> environmentDifferences(const store::Store& store, int64_t groupA,
                                                          int64_t groupB)
{
    env::DevicesUsed devices;
    const auto a = environmentValues(store, groupA, devices);
    const auto b = environmentValues(store, groupB, devices);
    std::set<std::string> keys;
    for (const auto& [key, values] : a)
        keys.insert(key);
    for (const auto& [key, values] : b)
        keys.insert(key);
    std::vector<EnvironmentDifference> differences;
    for (const auto& key : keys) {
        const auto inA = a.count(key) ? a.at(key) : std::set<std::string>{};
        const auto inB = b.count(key) ? b.at(key) : std::set<std::string>{};
        if (inA != inB && env::canChangeResults(key, devices))
            differences.push_back({key, joined(inA), joined(inB)});
    }
    return differences;
}

} // namespace nf::workspace
