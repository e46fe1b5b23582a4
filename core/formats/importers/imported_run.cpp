#include "formats/importers/imported_run.h"

#include "common/sha256.h"
#include "formats/mcq.h"

#include <algorithm>

namespace nf::formats {

std::shared_ptr<const ImportedTask> taskOfBenchmark(const McqTask& data)
{
    auto task = std::make_shared<ImportedTask>();
    task->kind = data.kind;
    task->path = data.spec;
    task->sha256 = data.sha256;
    task->label = data.label;
    task->nItems = data.n();
    task->subjects.reserve(data.items.size());
    task->refs.reserve(data.items.size());
    for (const McqItem& item : data.items) {
        task->subjects.push_back(data.subjects[static_cast<size_t>(item.subject)].key);
        task->refs.emplace_back(1, choiceLetter(item.answer));
    }
    return task;
}

std::string importedModelSha256(const std::string& label, const std::string& revision)
{
    // The JSONL importer has always used this form for a name alone; keep it so that models
    // imported before keep their identity.
    std::string text = "noisefloor imported model\n" + label;
    if (!revision.empty())
        text += "\nrevision " + revision;
    return sha256Hex(text);
}

std::string importedRunUid(const std::vector<std::string>& parts)
{
    std::string text;
    for (const std::string& part : parts)
        text += part + '\0';
    return sha256Hex(text).substr(0, 32);
}

std::string importKey(const ImportBatch& batch)
{
    std::vector<std::string> parts = {batch.source.format, batch.source.sha256};
    for (const ImportedRun& run : batch.runs)
        parts.push_back(run.uid);
    std::sort(parts.begin() + 2, parts.end());
    return importedRunUid(parts);
}

} // namespace nf::formats
