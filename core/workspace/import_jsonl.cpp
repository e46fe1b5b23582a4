#include "workspace/import_jsonl.h"

#include "common/sha256.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>

namespace nf::workspace {
namespace {

// A run without a uid is known by its content and by how many runs of the same content came
// before it in the file: re-importing the file adds nothing, while two identical runs (greedy
// decoding gives them) in one file stay two runs.
std::string contentUid(const formats::RunRecord& record, std::map<std::string, int>& seen)
{
    std::string content = record.model + "\n" + record.task + "\n" + record.configJson + "\n" +
                          std::to_string(record.seed) + "\n" + record.startedAt + "\n";
    content.append(record.correct.begin(), record.correct.end());
    if (record.accuracy)
        content += "\naccuracy " + std::to_string(*record.accuracy) + " of " + std::to_string(record.nItems);
    const std::string hash = sha256Hex(content);
    return sha256Hex(hash + "#" + std::to_string(seen[hash]++)).substr(0, 32);
}

std::shared_ptr<const formats::ImportedTask> taskOf(const formats::RunRecord& record)
{
    auto task = std::make_shared<formats::ImportedTask>();
    task->kind = "imported";
    task->label = record.task;
    task->nItems = static_cast<int64_t>(record.correct.size()); // 0 for a run-level run
    task->subjects = record.subjects;
    std::string subjectText;
    for (const std::string& subject : record.subjects)
        subjectText += subject + "\n";
    task->sha256 = record.taskSha256.empty()
                       ? sha256Hex("noisefloor imported task\n" + record.task + "\n" +
                                   std::to_string(record.correct.size()) + "\n" + subjectText)
                       : record.taskSha256;
    return task;
}

} // namespace

formats::ImportBatch jsonlBatch(const formats::RunsFile& file, const std::string& sha256)
{
    formats::ImportBatch batch;
    batch.source.format = "jsonl";
    batch.source.path = std::filesystem::absolute(file.path).lexically_normal().string();
    batch.source.sha256 = sha256;
    batch.notes = file.warnings;
    std::map<std::string, int> seenContent;
    std::map<std::string, std::shared_ptr<const formats::ImportedTask>> tasks; // one per sha256
    // A run-level line takes the task its name has on the file's per-item lines.
    std::map<std::string, std::shared_ptr<const formats::ImportedTask>> taskByName;
    for (const formats::RunRecord& record : file.runs) {
        if (record.accuracy)
            continue;
        auto task = taskOf(record);
        taskByName.emplace(record.task, tasks.emplace(task->sha256, task).first->second);
    }
    for (const formats::RunRecord& record : file.runs) {
        formats::ImportedRun run;
        run.where = file.path + ":" + std::to_string(record.line);
        run.uid = record.uid.empty() ? contentUid(record, seenContent) : record.uid;
        run.modelLabel = record.model;
        run.modelSha256 = record.modelSha256.empty() ? formats::importedModelSha256(record.model) : record.modelSha256;
        const auto named = taskByName.find(record.task);
        if (record.accuracy && record.taskSha256.empty() && named != taskByName.end()) {
            run.task = named->second;
        } else {
            auto task = taskOf(record);
            run.task = tasks.emplace(task->sha256, task).first->second;
        }
        run.paramsJson = record.configJson;
        run.environmentJson = record.environmentJson;
        run.seed = record.seed;
        run.seedKnown = true;
        run.startedAt = record.startedAt;
        run.durationSeconds = record.durationSeconds;
        run.label = record.label;
        if (record.accuracy) {
            run.runLevelAccuracy = record.accuracy;
            run.runLevelItems = record.nItems;
            batch.runs.push_back(std::move(run));
            continue;
        }
        const size_t n = record.correct.size();
        run.idx.resize(n);
        for (size_t i = 0; i < n; ++i)
            run.idx[i] = static_cast<int64_t>(i);
        run.correct = record.correct;
        run.predicted = record.predicted;
        run.pTrue = record.pTrue;
        run.nShots = record.nShots;
        run.promptHash = record.promptHash;
        batch.runs.push_back(std::move(run));
    }
    return batch;
}

formats::ImportBatch jsonlBatch(const std::filesystem::path& path)
{
    // The whole file is read and checked first: a malformed line stores nothing.
    const formats::RunsFile file = formats::readRunsJsonl(path);
    return jsonlBatch(file, sha256File(path));
}

void addParams(formats::ImportBatch& batch, const std::vector<std::pair<std::string, std::string>>& params)
{
    for (formats::ImportedRun& run : batch.runs) {
        auto object = nlohmann::json::parse(run.paramsJson.empty() ? std::string("{}") : run.paramsJson);
        for (const auto& [key, value] : params) {
            auto parsed = nlohmann::json::parse(value, nullptr, false);
            object[key] = parsed.is_discarded() || parsed.is_structured() || parsed.is_string()
                              ? nlohmann::json(value)
                              : parsed;
        }
        run.paramsJson = object.dump();
    }
}

} // namespace nf::workspace
