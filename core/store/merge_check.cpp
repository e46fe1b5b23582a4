// The merge's checks of its source. What does not add up refuses the whole merge, not only the
// runs at fault:
// - a file that passes SQLite's integrity check and still holds a run whose counts disagree with
//   its items was not written by noisefloor's ledger (it was edited, or damaged where no page
//   check looks): its other runs are no more trustworthy than the ones caught;
// - a merge is all or nothing (merge.h, `noisefloor-cli merge --help`) and items out of the
//   task's range already refuse it: one rule for every defect of the source;
// - refused runs left out would change what the rest means: a reproduction of a refused run
//   would arrive as an original and count twice for its seed;
// - the user fixes or deletes the runs named (every one, not only the first) and merges again;
//   runs match by uid, so nothing arrives twice.

#include "store/merge_check.h"

#include "common/error.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace nf::store {
namespace {

// How many runs a refusal names before "and N more": enough to see the pattern, one line still.
constexpr size_t kRunsNamed = 3;
constexpr size_t kFindingChars = 160;
constexpr size_t kUidChars = 32;
// A stored accuracy is n_correct / n_items computed in double: equal up to rounding.
constexpr double kAccuracyTolerance = 1e-9;

// SQLite's findings on one line, bounded: "*** in database main ***\nOn tree page 3 ..." becomes
// "On tree page 3 ...".
std::string oneLine(std::string text)
{
    const std::string banner = "*** in database main ***";
    if (text.rfind(banner, 0) == 0)
        text.erase(0, banner.size());
    std::string line;
    for (const char c : text) {
        if (c == '\n' || c == '\r')
            line += line.empty() || line.ends_with("; ") ? "" : "; ";
        else
            line += c;
    }
    if (line.size() > kFindingChars)
        line = line.substr(0, kFindingChars) + "...";
    return line;
}

// A uid as read from the file, printable and bounded (noisefloor's uids are 32 hex digits).
std::string shownUid(const std::string& uid)
{
    std::string shown;
    for (const unsigned char c : uid)
        shown += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
    if (shown.size() > kUidChars)
        shown = shown.substr(0, kUidChars) + "...";
    return shown;
}

std::string number(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

bool isNumber(const std::string& type)
{
    return type == "integer" || type == "real";
}

// The columns of one run and the sums over its items, as kRunSums selects them.
struct RunSums
{
    std::string uid;
    std::string source;
    std::string nItemsType;
    int64_t nItems = 0;
    std::string nCorrectType;
    int64_t nCorrect = 0;
    std::string accuracyType;
    double accuracy = 0;
    int64_t items = 0;
    int64_t itemsCorrect = 0;
    std::optional<int64_t> firstBadCorrect; // idx
    std::optional<int64_t> firstBadPTrue;   // idx
    std::optional<int64_t> taskItems;       // n_items of its group's task (none: no such group or task)
    std::optional<int64_t> minIdx;
    std::optional<int64_t> maxIdx;
};

// One pass over the items of the runs taken (each run's items are one range of run_items' key).
constexpr const char* kRunSums =
    "SELECT r.uid, r.source, typeof(r.n_items), r.n_items, typeof(r.n_correct), r.n_correct, "
    "typeof(r.accuracy), r.accuracy, count(i.run_id), coalesce(sum(i.correct = 1), 0), "
    "min(CASE WHEN typeof(i.correct) != 'integer' OR i.correct NOT IN (0, 1) THEN i.idx END), "
    "min(CASE WHEN i.p_true IS NOT NULL AND (typeof(i.p_true) NOT IN ('integer', 'real') "
    "OR i.p_true < 0 OR i.p_true > 1) THEN i.idx END), t.n_items, min(i.idx), max(i.idx) "
    "FROM temp.merge_runs m JOIN other.runs r ON r.id = m.old_id "
    "LEFT JOIN other.configs c ON c.id = r.config_id LEFT JOIN other.tasks t ON t.id = c.task_id "
    "LEFT JOIN other.run_items i ON i.run_id = r.id GROUP BY m.seq ORDER BY m.seq";

// What is wrong with a run, or nothing when it adds up.
std::optional<std::string> problemOf(const RunSums& run)
{
    if (run.nItemsType != "integer" || run.nItems < 0)
        return std::string("n_items is not a count");
    if (run.nCorrectType != "integer" || run.nCorrect < 0)
        return std::string("n_correct is not a count");
    // A group or task that is missing is named when the merge reaches the group.
    if (run.taskItems && run.minIdx && *run.minIdx < 0)
        return "it has an answer for item " + std::to_string(*run.minIdx) + ", but its task has " +
               std::to_string(*run.taskItems) + " items";
    if (run.taskItems && run.maxIdx && *run.maxIdx >= *run.taskItems)
        return "it has an answer for item " + std::to_string(*run.maxIdx) + ", but its task has " +
               std::to_string(*run.taskItems) + " items";
    if (run.firstBadCorrect)
        return "item " + std::to_string(*run.firstBadCorrect) + " has a `correct` other than 0 or 1";
    if (run.firstBadPTrue)
        return "item " + std::to_string(*run.firstBadPTrue) + " has a p_true that is not a number in [0, 1]";
    if (run.accuracyType != "null" && !isNumber(run.accuracyType))
        return std::string("its accuracy is not a number");
    const bool hasAccuracy = run.accuracyType != "null";
    if (hasAccuracy && (!std::isfinite(run.accuracy) || run.accuracy < 0 || run.accuracy > 1))
        return "its accuracy " + number(run.accuracy) + " is not a fraction in [0, 1]";
    if (run.items > 0) {
        if (run.nItems != run.items)
            return "n_items says " + std::to_string(run.nItems) + " but " + std::to_string(run.items) +
                   " items are stored";
        if (run.nCorrect != run.itemsCorrect)
            return "n_correct says " + std::to_string(run.nCorrect) + " but " +
                   std::to_string(run.itemsCorrect) + " of its items are correct";
        const double recomputed = static_cast<double>(run.itemsCorrect) / static_cast<double>(run.items);
        if (!hasAccuracy || std::fabs(run.accuracy - recomputed) > kAccuracyTolerance)
            return "its accuracy " + (hasAccuracy ? number(run.accuracy) : std::string("(none)")) +
                   " is not n_correct / n_items = " + number(recomputed);
        return std::nullopt;
    }
    // No items: an imported score (run-level), or an engine run that ended with none.
    if (run.source == "engine" && run.nItems > 0)
        return "n_items says " + std::to_string(run.nItems) + " but no items are stored";
    if (run.nCorrect > run.nItems)
        return "n_correct " + std::to_string(run.nCorrect) + " is more than n_items " +
               std::to_string(run.nItems);
    return std::nullopt;
}

} // namespace

void checkSourceIntegrity(sqlite::Database& source, const std::filesystem::path& other)
{
    std::vector<std::string> findings;
    try {
        sqlite::Statement check(source, "PRAGMA integrity_check(3)");
        while (check.step())
            findings.push_back(oneLine(check.textAt(0)));
    } catch (const StoreError& e) {
        // Damage SQLite meets before it can list any (a page it cannot read at all); the message
        // names the source's path, the connection's.
        throw InputError(std::string(e.what()) + " (the file is damaged; nothing was merged)");
    }
    if (findings.empty() || (findings.size() == 1 && findings.front() == "ok"))
        return;
    std::string text;
    for (const std::string& finding : findings)
        text += (text.empty() ? "" : "; ") + finding;
    throw InputError(other.string() + " is damaged (SQLite's integrity check: " + oneLine(text) +
                     "); nothing was merged");
}

void checkSourceRuns(sqlite::Database& db, const std::filesystem::path& other)
{
    std::vector<std::string> problems;
    sqlite::Statement select(db, kRunSums);
    while (select.step()) {
        RunSums run;
        run.uid = select.textAt(0);
        run.source = select.textAt(1);
        run.nItemsType = select.textAt(2);
        run.nItems = select.int64At(3);
        run.nCorrectType = select.textAt(4);
        run.nCorrect = select.int64At(5);
        run.accuracyType = select.textAt(6);
        run.accuracy = select.isNull(7) ? 0.0 : select.doubleAt(7);
        run.items = select.int64At(8);
        run.itemsCorrect = select.int64At(9);
        run.firstBadCorrect = select.optionalInt64At(10);
        run.firstBadPTrue = select.optionalInt64At(11);
        run.taskItems = select.optionalInt64At(12);
        run.minIdx = select.optionalInt64At(13);
        run.maxIdx = select.optionalInt64At(14);
        if (const auto problem = problemOf(run))
            problems.push_back("run " + shownUid(run.uid) + ": " + *problem);
    }
    if (problems.empty())
        return;
    std::string text = other.string() + ": " + std::to_string(problems.size()) +
                       (problems.size() == 1 ? " run does" : " runs do") +
                       " not add up, so nothing was merged (fix or delete them there, then merge again): ";
    for (size_t i = 0; i < problems.size() && i < kRunsNamed; ++i)
        text += (i == 0 ? "" : "; ") + problems[i];
    if (problems.size() > kRunsNamed)
        text += "; and " + std::to_string(problems.size() - kRunsNamed) + " more";
    throw InputError(text);
}

} // namespace nf::store
