#pragma once

// The items of a config group whose correctness varies across its runs ("flip items": some runs
// right, some wrong), with the majority answer over the latest runs and, where the task's data can
// still be read, a thumbnail (image tasks) or the question and its choices (multiple-choice tasks).
// Plain data made on a worker thread from a Store opened there.

#include "store/store.h"

#include <QImage>
#include <QString>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nf::ui {

// Side of an item's thumbnail in pixels (28 x 28 images shown twice their size): a view shows them
// whole with setIconSize(QSize(kFlipThumbnailSize, kFlipThumbnailSize)).
inline constexpr int kFlipThumbnailSize = 56;

struct FlipItem
{
    int64_t idx = 0;
    std::string subject;
    std::string ref;
    int64_t nRuns = 0;    // counted runs that saw the item
    int64_t nCorrect = 0; // of those, how many got it right
    // Most frequent predicted answer over the runs read for the majority (ties: the lower answer);
    // empty when none of those runs saw the item.
    std::optional<int32_t> majorityAnswer;
    int majorityCount = 0; // runs that gave it
    int answeredRuns = 0;  // runs read for the majority that saw the item
    QImage
        thumbnail; // kFlipThumbnailSize square, grayscale, for image tasks whose data loads; null otherwise
    // Multiple-choice tasks whose data loads: the question, its choices (A, B, ...) and the index of
    // the correct one, and the subject's display name (mapping.json's, else the key with spaces).
    std::string question;
    std::vector<std::string> choices;
    int answer = -1;
    std::string subjectName;

    double rate() const
    {
        return nRuns > 0 ? static_cast<double>(nCorrect) / static_cast<double>(nRuns) : 0.0;
    }
};

struct FlipItemsData
{
    int64_t groupId = 0;
    store::TaskRow task;
    int countedRuns = 0;                 // completed originals: what the rates are over
    int runsForMajority = 0;             // the latest counted runs whose answers the majority answer reads
    int64_t itemsSeen = 0;               // items with any counted run
    std::vector<std::string> classNames; // index = predicted answer, when the task names them
    bool thumbnails = false;             // whether the task's images could be read
    bool choiceLetters = false;          // a multiple-choice task: answers are letters A, B, ...
    bool questions = false;              // whether its questions could be read
    std::vector<FlipItem> items;         // only flip items (0 < nCorrect < nRuns), by index

    // "Shirt (6)" where the class is named, else the number; a letter ("C") for a multiple-choice
    // task; "no answer" for -1.
    QString answerText(int32_t answer) const;
};

// Callable from any thread with that thread's Store. The rates come from the group's aggregates;
// the majority answer reads the items of at most maxRunsForMajority runs (the latest). Image and
// question data are loaded once per task and kept for later calls (keyed by the task's spec and
// sha256; data that changed since is not shown). Throws InputError for an unknown group.
FlipItemsData loadFlipItems(const store::Store& store, int64_t groupId, int maxRunsForMajority = 200);

} // namespace nf::ui
