#include "models/flipitemsdata.h"

#include "common/error.h"
#include "formats/mcq.h"
#include "formats/task.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <mutex>

namespace nf::ui {
namespace {

// The data of the last few tasks of each kind, so that switching between groups of one task does
// not read the files again. Shared by every thread that loads flip items.
template <typename Data> class TaskCache
{
public:
    using Loader = Data (*)(const std::string& spec);
    explicit TaskCache(Loader loader) : m_loader(loader) {}

    std::shared_ptr<const Data> get(const store::TaskRow& task)
    {
        const std::string key = task.sha256 + '\n' + task.path;
        {
            std::lock_guard lock(m_mutex);
            for (const auto& [cachedKey, data] : m_cache) {
                if (cachedKey == key)
                    return data;
            }
        }
        std::shared_ptr<const Data> data;
        try {
            data = std::make_shared<const Data>(m_loader(task.path));
        } catch (const std::exception&) {
            return nullptr; // moved or deleted data: the page shows no thumbnails, nothing else changes
        }
        // Another file under the same path would show the wrong images or questions.
        if (data->sha256 != task.sha256)
            return nullptr;
        std::lock_guard lock(m_mutex);
        m_cache.emplace(m_cache.begin(), key, data);
        if (m_cache.size() > kKept)
            m_cache.pop_back();
        return data;
    }

private:
    static constexpr size_t kKept = 2;
    Loader m_loader;
    std::mutex m_mutex;
    std::vector<std::pair<std::string, std::shared_ptr<const Data>>> m_cache;
};

std::shared_ptr<const formats::ImageTask> cachedImageTask(const store::TaskRow& task)
{
    static TaskCache<formats::ImageTask> cache(&formats::loadImageTask);
    return cache.get(task);
}

std::shared_ptr<const formats::McqTask> cachedMcqTask(const store::TaskRow& task)
{
    static TaskCache<formats::McqTask> cache(&formats::loadMcqTask);
    return cache.get(task);
}

bool isMcqKind(const std::string& kind)
{
    return kind == "mmlu" || kind == "cmmlu" || kind == "ceval" || kind == "jsonl";
}

QImage thumbnail(const formats::ImageTask& images, int64_t idx)
{
    if (idx < 0 || idx >= images.n || images.rows <= 0 || images.cols <= 0)
        return {};
    QImage image(images.cols, images.rows, QImage::Format_Grayscale8);
    const size_t pixels = static_cast<size_t>(images.rows) * static_cast<size_t>(images.cols);
    const uint8_t* source = images.pixels.data() + static_cast<size_t>(idx) * pixels;
    for (int y = 0; y < images.rows; ++y)
        std::copy_n(source + static_cast<size_t>(y) * static_cast<size_t>(images.cols), images.cols,
                    image.scanLine(y));
    // Nearest neighbour keeps the pixels sharp at twice the size.
    return image.scaled(kFlipThumbnailSize, kFlipThumbnailSize, Qt::KeepAspectRatio, Qt::FastTransformation);
}

// Image tasks store the class name as the subject and the class index as the reference, so the
// names are known without the data files.
std::vector<std::string> classNamesFromItems(const std::vector<store::TaskItem>& items)
{
    std::vector<std::string> names;
    for (const store::TaskItem& item : items) {
        int label = -1;
        const auto [end, error] = std::from_chars(item.ref.data(), item.ref.data() + item.ref.size(), label);
        if (error != std::errc() || end != item.ref.data() + item.ref.size() || label < 0 || label > 10000)
            return {};
        if (static_cast<size_t>(label) >= names.size())
            names.resize(static_cast<size_t>(label) + 1);
        names[static_cast<size_t>(label)] = item.subject;
    }
    return names;
}

} // namespace

QString FlipItemsData::answerText(int32_t answer) const
{
    if (answer < 0)
        return QStringLiteral("no answer");
    if (choiceLetters && answer < 26)
        return QString(QLatin1Char(formats::choiceLetter(answer)));
    const QString number = QString::number(answer);
    if (static_cast<size_t>(answer) >= classNames.size())
        return number;
    const QString name = QString::fromStdString(classNames[static_cast<size_t>(answer)]);
    // IDX data without names calls its classes "0", "1", ...
    return name.isEmpty() || name == number ? number : QStringLiteral("%1 (%2)").arg(name, number);
}

FlipItemsData loadFlipItems(const store::Store& store, int64_t groupId, int maxRunsForMajority)
{
    const std::optional<store::GroupRow> group = store.group(groupId);
    if (!group)
        throw InputError(store.path().string() + ": no config group " + std::to_string(groupId));
    FlipItemsData data;
    data.groupId = groupId;
    data.task = store.task(group->taskId);
    data.countedRuns = static_cast<int>(group->accuracies.size());

    const std::vector<store::TaskItem> taskItems = store.taskItems(data.task.id);
    const std::vector<store::Store::GroupItemCount> counts = store.groupItems(groupId);
    data.itemsSeen = static_cast<int64_t>(counts.size());
    // Row of each flip item by item index, for the pass over the runs' answers.
    std::vector<int> rowOfItem(static_cast<size_t>(std::max<int64_t>(data.task.nItems, 0)), -1);
    for (const store::Store::GroupItemCount& count : counts) {
        if (count.nCorrect <= 0 || count.nCorrect >= count.nRuns)
            continue;
        FlipItem item;
        item.idx = count.idx;
        item.nRuns = count.nRuns;
        item.nCorrect = count.nCorrect;
        if (count.idx >= 0 && static_cast<size_t>(count.idx) < taskItems.size()) {
            item.subject = taskItems[static_cast<size_t>(count.idx)].subject;
            item.ref = taskItems[static_cast<size_t>(count.idx)].ref;
        }
        if (count.idx >= 0 && static_cast<size_t>(count.idx) >= rowOfItem.size())
            rowOfItem.resize(static_cast<size_t>(count.idx) + 1, -1);
        if (count.idx >= 0)
            rowOfItem[static_cast<size_t>(count.idx)] = static_cast<int>(data.items.size());
        data.items.push_back(std::move(item));
    }

    // The same runs the aggregates count (completed originals), the latest ones.
    store::RunFilter filter;
    filter.configId = groupId;
    filter.status = store::RunStatus::Completed;
    std::vector<int64_t> runIds;
    for (const store::RunRow& run : store.runs(filter)) {
        if (!run.reproduces)
            runIds.push_back(run.id);
    }
    const size_t used = std::min(runIds.size(), static_cast<size_t>(std::max(maxRunsForMajority, 0)));
    runIds.erase(runIds.begin(), runIds.end() - static_cast<std::ptrdiff_t>(used));
    data.runsForMajority = static_cast<int>(used);
    std::vector<std::map<int32_t, int>> answers(data.items.size());
    if (!data.items.empty()) {
        for (int64_t runId : runIds) {
            for (const store::ItemRow& row : store.runItems(runId)) {
                if (row.idx < 0 || static_cast<size_t>(row.idx) >= rowOfItem.size())
                    continue;
                const int itemRow = rowOfItem[static_cast<size_t>(row.idx)];
                if (itemRow >= 0)
                    answers[static_cast<size_t>(itemRow)][row.predicted] += 1;
            }
        }
    }
    for (size_t i = 0; i < data.items.size(); ++i) {
        FlipItem& item = data.items[i];
        for (const auto& [answer, times] : answers[i]) { // ascending answers: ties keep the lower
            item.answeredRuns += times;
            if (times > item.majorityCount) {
                item.majorityAnswer = answer;
                item.majorityCount = times;
            }
        }
    }

    if (data.task.kind == "image") {
        data.classNames = classNamesFromItems(taskItems);
        if (auto images = cachedImageTask(data.task)) {
            data.thumbnails = true;
            if (data.classNames.empty())
                data.classNames = images->classNames;
            for (FlipItem& item : data.items)
                item.thumbnail = thumbnail(*images, item.idx);
        }
    } else if (isMcqKind(data.task.kind)) {
        data.choiceLetters = true;
        if (auto mcq = cachedMcqTask(data.task)) {
            data.questions = true;
            for (FlipItem& item : data.items) {
                if (item.idx < 0 || item.idx >= mcq->n())
                    continue;
                const formats::McqItem& question = mcq->items[static_cast<size_t>(item.idx)];
                item.question = question.question;
                item.choices = question.choices;
                item.answer = question.answer;
                if (question.subject >= 0 && static_cast<size_t>(question.subject) < mcq->subjects.size())
                    item.subjectName = mcq->subjects[static_cast<size_t>(question.subject)].displayName;
            }
        }
    }
    return data;
}

} // namespace nf::ui
