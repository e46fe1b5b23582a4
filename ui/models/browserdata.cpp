#include "models/browserdata.h"

#include "workspace/describe_params.h"
#include "stats/describe.h"

#include <algorithm>
#include <set>

namespace nf::ui {
namespace {

template <typename Row> const Row* findById(const std::vector<Row>& rows, int64_t id)
{
    auto it = std::find_if(rows.begin(), rows.end(), [id](const Row& row) { return row.id == id; });
    return it == rows.end() ? nullptr : &*it;
}

template <typename Row> void sortByLabel(std::vector<Row>& rows)
{
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        return a.label != b.label ? a.label < b.label : a.id < b.id;
    });
}

} // namespace

const store::ModelRow* BrowserData::findModel(int64_t id) const
{
    return findById(models, id);
}

const store::TaskRow* BrowserData::findTask(int64_t id) const
{
    return findById(tasks, id);
}

const BrowserGroup* BrowserData::findGroup(int64_t id) const
{
    auto it =
        std::find_if(groups.begin(), groups.end(), [id](const BrowserGroup& g) { return g.row.id == id; });
    return it == groups.end() ? nullptr : &*it;
}

const store::RunRow* BrowserData::findRun(int64_t id) const
{
    return findById(runs, id);
}

BrowserData loadBrowserData(const store::Store& store)
{
    BrowserData data;
    std::set<int64_t> modelIds;
    std::set<int64_t> taskIds;
    for (store::GroupRow& row : store.groups()) {
        BrowserGroup group;
        group.description = workspace::describeParams(row.paramsJson);
        group.countedRuns = static_cast<int>(row.accuracies.size());
        if (!row.accuracies.empty()) {
            const stats::Description description = stats::describe(row.accuracies);
            group.meanPoints = description.mean * 100.0;
            if (description.n >= 2)
                group.sdPoints = description.sd * 100.0;
        }
        modelIds.insert(row.modelId);
        taskIds.insert(row.taskId);
        group.row = std::move(row);
        data.groups.push_back(std::move(group));
    }
    for (int64_t id : modelIds)
        data.models.push_back(store.model(id));
    for (int64_t id : taskIds)
        data.tasks.push_back(store.task(id));
    sortByLabel(data.models);
    sortByLabel(data.tasks);
    data.runs = store.runs();
    return data;
}

bool runningRunsChanged(const store::Store& store, const BrowserData& data)
{
    for (const store::RunRow& shown : data.runs) {
        if (shown.status != store::RunStatus::Running)
            continue;
        const auto now = store.run(shown.id);
        if (!now || now->status != store::RunStatus::Running)
            return true;
    }
    return false;
}

} // namespace nf::ui
