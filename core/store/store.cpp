#include "store/store.h"

#include "common/error.h"
#include "common/paths.h"
#include "store/schema.h"
#include "store/store_impl.h"

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace nf::store {
namespace {

constexpr int kBusyTimeoutMs = 10000;
constexpr const char* kMemoryPath = ":memory:";

// 128 random bits in hex: unique across machines, so runs merged from several databases keep
// telling themselves apart.
std::string newUid()
{
    std::random_device random;
    char hex[33];
    std::snprintf(hex, sizeof hex, "%08x%08x%08x%08x", random(), random(), random(), random());
    return hex;
}

[[noreturn]] void readOnly(const std::filesystem::path& path, const std::string& why)
{
    throw StoreError(path.string() + " is read-only" + why);
}

// The checks SQLite would only fail at the first write, with a vaguer message. Returns whether
// the file is about to be created.
bool checkWritable(const std::filesystem::path& path)
{
    std::error_code ec;
    std::filesystem::path folder = path.parent_path().empty() ? "." : path.parent_path();
    bool exists = std::filesystem::exists(path, ec);
    if (exists && std::filesystem::is_directory(path, ec))
        throw StoreError(path.string() + " is a folder, not a database file");
    if (!exists) {
        std::filesystem::create_directories(folder, ec);
        if (ec)
            throw StoreError(path.string() + ": cannot create its folder " + folder.string() + ": " +
                             ec.message());
    }
    if (exists && access(path.c_str(), W_OK) != 0)
        readOnly(path, std::string(" (") + std::strerror(errno) + ")");
    // WAL needs to create the -wal and -shm files beside the database.
    if (access(folder.c_str(), W_OK) != 0) {
        std::string why = std::strerror(errno);
        if (!exists)
            throw StoreError(path.string() + " cannot be created: its folder " + folder.string() +
                             " is read-only (" + why + ")");
        readOnly(path, ": its folder " + folder.string() + ", where SQLite keeps the -wal and -shm files, " +
                           "cannot be written (" + why + ")");
    }
    return !exists;
}

void removeWithWalFiles(const std::filesystem::path& path)
{
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        std::filesystem::remove(path.string() + suffix, ec);
}

// A new database is made under a private name beside its path, given WAL mode and the whole
// schema there, and only then linked to its path: the path never names a half-made file, and
// processes that create one database at the same moment (cluster jobs started together) each
// delete only their own file when they fail, or when another's was linked first.
std::string creationPrefix(const std::filesystem::path& path)
{
    return "." + path.filename().string() + ".new-";
}

// What a process killed while creating left behind: no creation takes minutes.
void sweepAbandonedCreations(const std::filesystem::path& path)
{
    using namespace std::chrono_literals;
    const std::string prefix = creationPrefix(path);
    const std::filesystem::path folder = path.parent_path().empty() ? "." : path.parent_path();
    std::error_code ec;
    std::vector<std::filesystem::path> abandoned;
    for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(prefix, 0) != 0 || name.find('-', prefix.size()) != std::string::npos)
            continue; // not a creation, or one's -wal or -shm (removed with it)
        // One finished and removed since it was listed is skipped; the listing goes on.
        std::error_code gone;
        const auto modified = std::filesystem::last_write_time(it->path(), gone);
        if (!gone && std::filesystem::file_time_type::clock::now() - modified > 10min)
            abandoned.push_back(it->path());
    }
    for (const auto& file : abandoned)
        removeWithWalFiles(file);
}

// Links `made` to `path` unless a file is there by now (then another process's was first).
void linkUnlessTaken(const std::filesystem::path& made, const std::filesystem::path& path)
{
    if (::link(made.c_str(), path.c_str()) == 0 || errno == EEXIST)
        return;
    // File systems without hard links (FAT, some FUSE and network mounts).
    if (::renameat2(AT_FDCWD, made.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0 || errno == EEXIST)
        return;
    const int error = errno;
    std::error_code ec;
    if (error == EINVAL && !std::filesystem::exists(path, ec)) {
        // No atomic way left: the window between the check and the rename is as narrow as it gets.
        std::filesystem::rename(made, path, ec);
        if (!ec)
            return;
        throw StoreError(path.string() + " cannot be created: " + ec.message());
    }
    throw StoreError(path.string() + " cannot be created: " + std::strerror(error));
}

void createWhole(const std::filesystem::path& path, int schemaVersion)
{
    sweepAbandonedCreations(path);
    std::random_device random;
    char tag[17];
    std::snprintf(tag, sizeof tag, "%08x%08x", random(), random());
    const std::filesystem::path made = path.parent_path() / (creationPrefix(path) + tag);
    try {
        {
            sqlite::Database db(made, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
            db.exec("PRAGMA journal_mode = WAL");
            schema::migrate(db, schemaVersion);
        } // the last connection's close checkpoints the WAL into the file and deletes -wal and -shm
        linkUnlessTaken(made, path);
    } catch (const StoreError& e) {
        removeWithWalFiles(made);
        // The message names the file the user asked for, not the private one.
        std::string message = e.what();
        for (size_t at; (at = message.find(made.string())) != std::string::npos;)
            message.replace(at, made.string().size(), path.string());
        throw StoreError(message);
    }
    removeWithWalFiles(made); // linked, or another process's file was linked first
}

// An existing file in another journal mode (one written by version 1, or an empty file) is
// switched to WAL, which needs every other connection out of the file: SQLite answers "busy" at
// once instead of waiting, so the switch is retried for as long as any other wait lasts.
void useWal(sqlite::Database& db, std::chrono::milliseconds patience)
{
    using namespace std::chrono_literals;
    const auto deadline = std::chrono::steady_clock::now() + patience;
    for (auto pause = 5ms;; pause = std::min(pause * 2, std::chrono::milliseconds(200))) {
        // A file in WAL mode already answers at once; an in-memory database keeps "memory".
        const int rc = sqlite3_exec(db.handle(), "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK)
            return;
        if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline)
            db.fail("cannot switch it to WAL mode", rc);
        std::this_thread::sleep_for(pause);
    }
}

} // namespace

std::string utcNowIso()
{
    using namespace std::chrono;
    int64_t ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm t{};
    gmtime_r(&seconds, &t);
    char text[80]; // what -Wformat-truncation sees as the worst case of int fields
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900, t.tm_mon + 1,
                  t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, static_cast<int>(ms % 1000));
    return text;
}

Store::Impl::Impl(const std::filesystem::path& path_, int flags)
    : path(path_), db(path_, flags), owner(currentProcess()), runLedger(std::make_unique<RunLedger>(db))
{}

sqlite::Statement& Store::Impl::cached(std::string_view sql)
{
    auto it = statements.find(sql);
    if (it == statements.end())
        it = statements.emplace(std::string(sql), sqlite::Statement(db, sql)).first;
    return it->second;
}

Store::Store(const std::filesystem::path& path, OpenMode mode)
{
    const bool writable = mode == OpenMode::ReadWrite;
    const bool inMemory = path == kMemoryPath;
    // SQLite would wait on a FIFO for a writer, or read a device without end.
    if (const std::string kind = inMemory ? std::string() : specialFileKind(path); !kind.empty())
        throw StoreError(path.string() + " is " + kind + ", not a database file");
    if (!inMemory && writable && checkWritable(path))
        createWhole(path, kSchemaVersion);
    else if (!inMemory && !writable && !std::filesystem::exists(path))
        throw StoreError(path.string() + " does not exist");

    // Never SQLITE_OPEN_CREATE for a file: a new one was made whole above.
    int flags = writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
    if (inMemory)
        flags |= SQLITE_OPEN_CREATE;
    // One Store per thread: SQLite's per-connection mutex would only cost time.
    flags |= SQLITE_OPEN_NOMUTEX;
    try {
        d = std::make_unique<Impl>(path, flags);
        sqlite::Database& db = d->db;
        // What the checks above cannot see (ACLs, some network file systems) SQLite meets by quietly
        // opening read-only; the first write would fail far from here.
        if (writable && db.isReadOnly())
            readOnly(path, " (SQLite could open it for reading only)");
        sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
        d->version = schema::check(db, kSchemaVersion, writable);
        d->fileVersion = d->version;
        if (!writable && d->version < kSchemaVersion) {
            // An older file opened for reading: read through a copy in memory, migrated there; the
            // file stays as it is (a writer upgrades it).
            db = db.memoryCopy();
            schema::migrate(db, kSchemaVersion);
            d->version = kSchemaVersion;
        }
        if (writable) {
            useWal(db, std::chrono::milliseconds(kBusyTimeoutMs));
            // In WAL mode NORMAL loses no committed transaction on a process crash, only (rarely) the
            // last ones on power loss, and spares an fsync per commit.
            db.exec("PRAGMA synchronous = NORMAL");
        }
        db.exec("PRAGMA foreign_keys = ON");
        if (writable && d->version < kSchemaVersion) {
            schema::migrate(db, kSchemaVersion);
            d->version = d->fileVersion = kSchemaVersion;
        }
        if (writable)
            recoverInterrupted();
    } catch (...) {
        d.reset(); // the file, made whole before it was opened, stays
        throw;
    }
}

Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

const std::filesystem::path& Store::path() const
{
    return d->path;
}

int Store::schemaVersion() const
{
    return d->version;
}

int Store::fileSchemaVersion() const
{
    return d->fileVersion;
}

int64_t Store::ensureModel(const std::string& path, const std::string& sha256, const std::string& kind,
                           const std::string& label)
{
    sqlite::Transaction transaction(d->db);
    {
        sqlite::Use insert(d->cached("INSERT INTO models(path, sha256, kind, label, created_at) "
                                     "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(sha256) DO NOTHING"));
        insert->bind(1, path);
        insert->bind(2, sha256);
        insert->bind(3, kind);
        insert->bind(4, label);
        insert->bind(5, utcNowIso());
        insert->step();
    }
    sqlite::Use select(d->cached("SELECT id FROM models WHERE sha256 = ?1"));
    select->bind(1, sha256);
    select->step();
    int64_t id = select->int64At(0);
    transaction.commit();
    return id;
}

int64_t Store::ensureTask(const std::string& kind, const std::string& path, const std::string& sha256,
                          const std::string& label, const std::vector<TaskItem>& items)
{
    sqlite::Transaction transaction(d->db);
    {
        sqlite::Use existing(d->cached("SELECT id FROM tasks WHERE sha256 = ?1"));
        existing->bind(1, sha256);
        if (existing->step())
            return existing->int64At(0);
    }
    {
        sqlite::Use insert(d->cached("INSERT INTO tasks(kind, path, sha256, n_items, label) "
                                     "VALUES(?1, ?2, ?3, ?4, ?5)"));
        insert->bind(1, kind);
        insert->bind(2, path);
        insert->bind(3, sha256);
        insert->bind(4, static_cast<int64_t>(items.size()));
        insert->bind(5, label);
        insert->step();
    }
    int64_t id = d->db.lastInsertRowid();
    sqlite::Statement& item =
        d->cached("INSERT INTO task_items(task_id, idx, subject, ref) VALUES(?1, ?2, ?3, ?4)");
    sqlite::Use use(item);
    item.bind(1, id);
    for (size_t i = 0; i < items.size(); ++i) {
        item.bind(2, static_cast<int64_t>(i));
        item.bind(3, items[i].subject);
        item.bind(4, items[i].ref);
        item.step();
        item.reset();
    }
    transaction.commit();
    return id;
}

int64_t Store::ensureConfig(int64_t modelId, int64_t taskId, const std::string& paramsJson,
                            const std::string& paramsHash)
{
    sqlite::Transaction transaction(d->db);
    {
        sqlite::Use insert(d->cached("INSERT INTO configs(model_id, task_id, params_json, params_hash) "
                                     "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(params_hash) DO NOTHING"));
        insert->bind(1, modelId);
        insert->bind(2, taskId);
        insert->bind(3, paramsJson);
        insert->bind(4, paramsHash);
        insert->step();
    }
    sqlite::Use select(d->cached("SELECT id FROM configs WHERE params_hash = ?1"));
    select->bind(1, paramsHash);
    select->step();
    int64_t id = select->int64At(0);
    transaction.commit();
    return id;
}

int64_t Store::ensureEnvironment(const std::string& json, const std::string& hash)
{
    sqlite::Transaction transaction(d->db);
    {
        sqlite::Use insert(d->cached("INSERT INTO environments(json, hash) VALUES(?1, ?2) "
                                     "ON CONFLICT(hash) DO NOTHING"));
        insert->bind(1, json);
        insert->bind(2, hash);
        insert->step();
    }
    sqlite::Use select(d->cached("SELECT id FROM environments WHERE hash = ?1"));
    select->bind(1, hash);
    select->step();
    int64_t id = select->int64At(0);
    transaction.commit();
    return id;
}

int64_t Store::Impl::insertRun(const NewRun& run, const std::string& startedAt, bool owned)
{
    sqlite::Use insert(cached("INSERT INTO runs(uid, config_id, env_id, seed, status, label, started_at, "
                              "source, reproduces, owner_host, owner_pid, owner_start, import_id, notes) "
                              "VALUES(?1, ?2, ?3, ?4, 'running', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
    insert->bind(1, run.uid.empty() ? newUid() : run.uid);
    insert->bind(2, run.configId);
    // 0 means "no environment recorded" (some imports): NULL keeps the foreign key satisfied.
    insert->bind(3, run.envId != 0 ? std::optional<int64_t>(run.envId) : std::nullopt);
    insert->bind(4, run.seed);
    insert->bind(5, run.label);
    insert->bind(6, startedAt);
    insert->bind(7, run.source);
    insert->bind(8, run.reproduces);
    if (owned) {
        insert->bind(9, owner.host);
        insert->bind(10, owner.pid);
        insert->bind(11, owner.startTicks);
    } else {
        insert->bindNull(9);
        insert->bindNull(10);
        insert->bindNull(11);
    }
    insert->bind(12, run.importId);
    insert->bind(13, run.notes);
    insert->step();
    return db.lastInsertRowid();
}

int64_t Store::beginRun(const NewRun& run)
{
    sqlite::Transaction transaction(d->db);
    int64_t id = d->insertRun(run, utcNowIso(), true);
    transaction.commit();
    return id;
}

void Store::completeRun(int64_t runId, const std::vector<ItemRow>& items, double durationSeconds)
{
    sqlite::Transaction transaction(d->db);
    // Not d->owner: the process that completes is the one to compare with the run's owner.
    d->ledger().complete(runId, items, durationSeconds, utcNowIso(), currentProcess());
    transaction.commit();
}

void Store::endRun(int64_t runId, RunStatus status, const std::string& notes)
{
    sqlite::Transaction transaction(d->db);
    if (!d->ledger().end(runId, status, notes, utcNowIso()) && !run(runId))
        throw StoreError(d->path.string() + ": run " + std::to_string(runId) + " does not exist");
    transaction.commit();
}

int Store::recoverInterrupted()
{
    if (d->owner.host.empty())
        return 0;
    struct Gone
    {
        int64_t runId;
        int64_t pid;
    };
    std::vector<Gone> gone;
    {
        // Read outside a write transaction: opening a store must not queue behind a long commit
        // when there is nothing to recover.
        // The same decision as the status readers show (displayedStatus).
        sqlite::Use select(
            d->cached("SELECT id, owner_pid, owner_start FROM runs "
                      "WHERE status = 'running' AND owner_host = ?1 AND owner_pid IS NOT NULL"));
        select->bind(1, d->owner.host);
        while (select->step()) {
            const RecordedOwner owner{d->owner.host, select->int64At(1), select->optionalInt64At(2)};
            if (isOwnerGone(owner, d->owner.host))
                gone.push_back({select->int64At(0), *owner.pid});
        }
    }
    if (gone.empty())
        return 0;

    int marked = 0;
    sqlite::Transaction transaction(d->db);
    const std::string now = utcNowIso();
    for (const Gone& run : gone) {
        const std::string note = "interrupted: process " + std::to_string(run.pid) + " on " + d->owner.host + " is gone";
        marked += d->ledger().end(run.runId, RunStatus::Interrupted, note, now) ? 1 : 0;
    }
    transaction.commit();
    return marked;
}

void Store::setSetting(const std::string& key, const std::string& value)
{
    sqlite::Transaction transaction(d->db);
    sqlite::Use upsert(d->cached("INSERT INTO settings(key, value) VALUES(?1, ?2) "
                                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    upsert->bind(1, key);
    upsert->bind(2, value);
    upsert->step();
    transaction.commit();
}

uint64_t Store::fileSizeBytes() const
{
    std::error_code ec;
    uint64_t total = 0;
    for (const char* suffix : {"", "-wal"}) {
        uintmax_t size = std::filesystem::file_size(d->path.string() + suffix, ec);
        if (!ec)
            total += size;
    }
    return total;
}

void Store::inTransaction(const std::function<void()>& work)
{
    sqlite::Transaction transaction(d->db);
    work();
    transaction.commit();
}

} // namespace nf::store
