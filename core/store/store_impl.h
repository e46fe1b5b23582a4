#pragma once

// Private to core/store: the state behind Store's pimpl, shared by store.cpp (opening, writes)
// and store_reads.cpp (queries).

#include "store/ledger.h"
#include "store/owner.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nf::store {

// Columns read by Store::Impl::readRun, in its order (the owner's, for the status it shows).
inline constexpr const char* kRunColumns =
    "id, uid, config_id, env_id, seed, status, label, started_at, finished_at, n_items, n_correct, "
    "accuracy, duration_s, notes, tags, source, reproduces, hidden, import_id, owner_host, owner_pid, "
    "owner_start";

// ISO-8601 UTC with milliseconds: "2026-11-28T04:10:00.123Z".
std::string utcNowIso();

struct Store::Impl
{
    Impl(const std::filesystem::path& path, int flags);

    // A statement prepared once per store and reused; wrap its use in sqlite::Use.
    sqlite::Statement& cached(std::string_view sql);
    // Every change of a run's status and of the aggregates goes through it (see ledger.h).
    RunLedger& ledger() { return *runLedger; }

    // The row a statement selecting kRunColumns is on, with the status readers show
    // (displayedStatus: a `running` run whose process here is gone reads as interrupted).
    RunRow readRun(const sqlite::Statement& statement) const;

    // An imported run's start (given, or now) and finish times, normalised to ours: {started, finished}.
    std::pair<std::string, std::string> importedTimes(const std::string& startedAt, double durationSeconds);

    // Inside an open transaction.
    int64_t insertRun(const NewRun& run, const std::string& startedAt, bool owned);

    std::filesystem::path path;
    sqlite::Database db; // declared before the statements, so it outlives them
    int version = 0;
    int fileVersion = 0; // the file's own, when `db` is a migrated copy in memory
    ProcessOwner owner;
    std::map<std::string, sqlite::Statement, std::less<>> statements;
    std::unique_ptr<RunLedger> runLedger;
};

} // namespace nf::store
