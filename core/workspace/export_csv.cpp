#include "workspace/export_csv.h"

#include "workspace/number_text.h"
#include "formats/csv.h"
#include "store/store.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>

namespace nf::workspace {

using formats::csvField;

size_t writeRunsCsv(const store::Store& store, const std::vector<int64_t>& runIds, std::ostream& out)
{
    out << "run,uid,group,model,task,seed,status,accuracy,n_items,n_correct,started_at,finished_at,duration_s,"
           "source,tags,notes\n";
    size_t written = 0;
    std::optional<store::GroupRow> group;
    for (const int64_t id : runIds) {
        const auto run = store.run(id);
        if (!run)
            continue;
        if (!group || group->id != run->configId)
            group = store.group(run->configId);
        char accuracy[32] = "";
        if (run->accuracy)
            std::snprintf(accuracy, sizeof accuracy, "%.10g", *run->accuracy);
        out << run->id << ',' << csvField(run->uid) << ',' << run->configId << ','
            << csvField(group ? group->modelLabel : std::string()) << ','
            << csvField(group ? group->taskLabel : std::string()) << ',' << run->seed << ','
            << store::toString(run->status) << ',' << accuracy << ',' << run->nItems << ',' << run->nCorrect << ','
            << csvField(run->startedAt) << ',' << csvField(run->finishedAt) << ','
            << (run->durationSeconds ? fixedText(*run->durationSeconds, 3) : std::string()) << ','
            << csvField(run->source) << ',' << csvField(run->tags) << ',' << csvField(run->notes) << '\n';
        ++written;
    }
    return written;
}

void writeItemsCsv(const store::Store& store, const std::vector<store::RunRow>& runs, std::ostream& out)
{
    out << "run_id,run_uid,group,model,task,seed,status,label,idx,subject,predicted,correct,p_true\n";
    // Consecutive runs of one group (the usual order) read the task's subjects once, not once per run.
    std::optional<store::GroupRow> group;
    std::vector<store::TaskItem> subjects;
    for (const auto& run : runs) {
        if (!group || group->id != run.configId) {
            group = store.group(run.configId);
            subjects = store.taskItems(group->taskId);
        }
        const std::string prefix = std::to_string(run.id) + "," + csvField(run.uid) + "," +
                                   std::to_string(run.configId) + "," + csvField(group->modelLabel) + "," +
                                   csvField(group->taskLabel) + "," + std::to_string(run.seed) + "," +
                                   store::toString(run.status) + "," + csvField(run.label) + ",";
        for (const auto& item : store.runItems(run.id)) {
            const auto& subject = static_cast<size_t>(item.idx) < subjects.size()
                                      ? subjects[static_cast<size_t>(item.idx)].subject
                                      : std::string();
            out << prefix << item.idx << ',' << csvField(subject) << ',' << item.predicted << ','
                << (item.correct ? 1 : 0) << ',' << (std::isfinite(item.pTrue) ? fixedText(item.pTrue, 9) : "-") << '\n';
        }
    }
}

} // namespace nf::workspace
