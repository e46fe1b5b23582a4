#pragma once

// Private to core/store: the state behind Store's pimpl, shared by store.cpp (opening, writes)
// and store_reads.cpp (queries).

#include "store/owner.h"
#include "store/run_items.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nf::store {

// Columns read by Store::Impl::readRun, in its order.
inline constexpr const char* kRunColumns =
    "id, uid, config_id, env_id, seed, status, label, started_at, finished_at, n_items, n_correct, "
    "accuracy, duration_s, notes, tags, source, reproduces, hidden, import_id";

// ISO-8601 UTC with milliseconds: "2026-11-28T04:10:00.123Z".
std::string utcNowIso();

struct Store::Impl
{
    // Each task's item subjects, as an index into names per item, so a run's commit counts
    // subjects without string work per item. Tasks never change once inserted.
    struct TaskSubjects
    {
        std::vector<std::string> names;
        std::vector<int32_t> ofItem;
    };

    Impl(const std::filesystem::path& path, int flags);

    // A statement prepared once per store and reused; wrap its use in sqlite::Use.
    sqlite::Statement& cached(std::string_view sql);
    const TaskSubjects& taskSubjects(int64_t taskId);
    // Prepared on the first commit: a read-only store never needs it.
    RunItemWriter& itemWriter();

    // A run's stored items in index order.
    std::vector<ItemRow> selectRunItems(int64_t runId);

    // The row a statement selecting kRunColumns is on.
    static RunRow readRun(const sqlite::Statement& statement);

    // An imported run's start (given, or now) and finish times, normalised to ours: {started, finished}.
    std::pair<std::string, std::string> importedTimes(const std::string& startedAt, double durationSeconds);

    // Inside an open transaction.
    int64_t insertRun(const NewRun& run, const std::string& startedAt, bool owned);
    void completeInTransaction(int64_t runId, const std::vector<ItemRow>& items, double durationSeconds,
                               const std::string& finishedAt);

    std::filesystem::path path;
    sqlite::Database db; // declared before the statements, so it outlives them
    int version = 0;
    ProcessOwner owner;
    std::map<std::string, sqlite::Statement, std::less<>> statements;
    std::unordered_map<int64_t, TaskSubjects> subjectsByTask;
    std::unique_ptr<RunItemWriter> runItemWriter;
};

} // namespace nf::store
