#include "store/schema.h"

#include "common/error.h"
#include "store/sqlite.h"

#include <sqlite3.h>

#include <string>

namespace nf::store::schema {
namespace {

// Version 1. Timestamps are ISO-8601 UTC with milliseconds ("2026-11-28T04:10:00.123Z"), so text
// order is time order. Per-item tables are WITHOUT ROWID: their primary key is the only lookup,
// and a run's items go in key order, appending to the b-tree.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE models(
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL,
    sha256      TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE TABLE tasks(
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    path        TEXT NOT NULL,
    sha256      TEXT NOT NULL UNIQUE,
    n_items     INTEGER NOT NULL,
    label       TEXT NOT NULL DEFAULT ''
);
CREATE TABLE task_items(
    task_id     INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    ref         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY(task_id, idx)
) WITHOUT ROWID;
CREATE TABLE configs(
    id          INTEGER PRIMARY KEY,
    model_id    INTEGER NOT NULL REFERENCES models(id),
    task_id     INTEGER NOT NULL REFERENCES tasks(id),
    params_json TEXT NOT NULL,
    params_hash TEXT NOT NULL UNIQUE
);
CREATE TABLE environments(
    id          INTEGER PRIMARY KEY,
    json        TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE
);
CREATE TABLE runs(
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    config_id   INTEGER NOT NULL REFERENCES configs(id),
    env_id      INTEGER REFERENCES environments(id),
    seed        INTEGER NOT NULL,
    status      TEXT NOT NULL
                CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'interrupted')),
    label       TEXT NOT NULL DEFAULT '',
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    n_items     INTEGER NOT NULL DEFAULT 0,
    n_correct   INTEGER NOT NULL DEFAULT 0,
    accuracy    REAL,
    duration_s  REAL,
    notes       TEXT NOT NULL DEFAULT '',
    tags        TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT 'engine',
    reproduces  INTEGER REFERENCES runs(id),
    -- Who runs it, so that another process can tell a live run from one whose process is gone.
    owner_host  TEXT,
    owner_pid   INTEGER,
    owner_start INTEGER
);
CREATE INDEX runs_config_seed ON runs(config_id, seed);
CREATE INDEX runs_status ON runs(status);
-- run_id has no REFERENCES clause on purpose: SQLite checks a foreign key by opening a cursor on
-- runs for every inserted row, which costs about a third of the insert rate of the hot loop. The
-- only writer, a run's commit, reads the run in the same transaction; deleting a run must delete
-- its items itself.
CREATE TABLE run_items(
    run_id      INTEGER NOT NULL,
    idx         INTEGER NOT NULL,
    predicted   INTEGER NOT NULL,
    correct     INTEGER NOT NULL,
    p_true      REAL,
    PRIMARY KEY(run_id, idx)
) WITHOUT ROWID;
-- Aggregates, kept in each run's commit so that summaries never scan run_items. Reproductions
-- of a run are not counted.
CREATE TABLE group_items(
    config_id   INTEGER NOT NULL REFERENCES configs(id),
    idx         INTEGER NOT NULL,
    n_runs      INTEGER NOT NULL,
    n_correct   INTEGER NOT NULL,
    PRIMARY KEY(config_id, idx)
) WITHOUT ROWID;
CREATE TABLE run_subjects(
    run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    subject     TEXT NOT NULL,
    n_items     INTEGER NOT NULL,
    n_correct   INTEGER NOT NULL,
    PRIMARY KEY(run_id, subject)
) WITHOUT ROWID;
CREATE TABLE settings(
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// Version 2: the app's run browser can hide a run from its lists and charts. Hiding is a view
// choice, not a verdict on the run: the statistics still count it.
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE runs ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 3: language-model runs record per item how many few-shot examples the prompt kept and a
// hash of its token ids (it changes when the template or the shots do). NULL for other runs.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE run_items ADD COLUMN n_shots INTEGER;
ALTER TABLE run_items ADD COLUMN prompt_hash INTEGER;
)sql";

// Version 4: imports record the file they read (format, path, sha256, the other files read with
// it); each imported run points at its import. `key` identifies what an import brought (the file
// and the runs read from it): the same import twice is recognised.
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE imports(
    id          INTEGER PRIMARY KEY,
    format      TEXT NOT NULL,
    path        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    key         TEXT NOT NULL UNIQUE,
    files       TEXT NOT NULL DEFAULT '[]',
    imported_at TEXT NOT NULL
);
ALTER TABLE runs ADD COLUMN import_id INTEGER REFERENCES imports(id);
)sql";

// Version 5: submissions to a cluster scheduler (`noisefloor-cli submit --slurm`) and the shards
// (one per array task) already collected from each, so that collecting again skips them.
constexpr const char* kSchemaV5 = R"sql(
CREATE TABLE jobs(
    id           INTEGER PRIMARY KEY,
    scheduler    TEXT NOT NULL,
    array_id     TEXT NOT NULL,
    collect_id   TEXT NOT NULL DEFAULT '',
    shards_dir   TEXT NOT NULL,
    plan_json    TEXT NOT NULL,
    n_tasks      INTEGER NOT NULL,
    n_runs       INTEGER NOT NULL,
    state        TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    submitted_at TEXT NOT NULL,
    finished_at  TEXT
);
CREATE TABLE job_shards(
    job_id       INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    task         INTEGER NOT NULL,
    exit_code    INTEGER,
    runs_added   INTEGER NOT NULL,
    collected_at TEXT NOT NULL,
    PRIMARY KEY(job_id, name)
) WITHOUT ROWID;
)sql";

struct Migration
{
    int fromVersion;
    const char* sql;
};

// Step i takes a file from fromVersion to fromVersion + 1. Append, never edit: files in the
// wild were written by the old steps.
constexpr Migration kMigrations[] = {
    {0, kSchemaV1},
    {1, kSchemaV2},
    {2, kSchemaV3},
    {3, kSchemaV4},
    {4, kSchemaV5},
};

[[noreturn]] void notOurs(const sqlite::Database& db, const std::string& why)
{
    throw StoreError(db.pathString() + " is not a noisefloor database (" + why + ")");
}

struct Identity
{
    int64_t version = 0;
    int64_t applicationId = 0;
    int64_t objects = 0; // tables, indexes, views, triggers
};

Identity identify(sqlite::Database& db, int targetVersion)
{
    Identity id;
    try {
        // One statement, so one snapshot: read one by one, a version from before another process
        // created the schema and a count of tables from after it would look like a foreign file.
        sqlite::Statement read(db, "SELECT (SELECT user_version FROM pragma_user_version), "
                                   "(SELECT application_id FROM pragma_application_id), "
                                   "(SELECT count(*) FROM sqlite_schema)");
        read.step();
        id.version = read.int64At(0);
        id.applicationId = read.int64At(1);
        id.objects = read.int64At(2);
    } catch (const StoreError&) {
        // The first read of the header is where a file that is not SQLite shows itself.
        if (db.errorCode() == SQLITE_NOTADB)
            notOurs(db, "not an SQLite file");
        throw;
    }
    if (id.version == 0 && id.objects > 0)
        notOurs(db, "it has tables but no noisefloor schema version");
    if (id.version != 0 && id.applicationId != kApplicationId)
        notOurs(db, "another program's file: application_id " + std::to_string(id.applicationId));
    if (id.version > targetVersion)
        throw StoreError(db.pathString() + " was written by a newer noisefloor (schema " +
                         std::to_string(id.version) + "); this one reads up to " +
                         std::to_string(targetVersion));
    return id;
}

} // namespace

int check(sqlite::Database& db, int targetVersion, bool writable)
{
    Identity id = identify(db, targetVersion);
    if (!writable && id.version == 0)
        notOurs(db, "the file is empty");
    return static_cast<int>(id.version);
}

void migrate(sqlite::Database& db, int targetVersion)
{
    sqlite::Transaction transaction(db);
    // Another process may have migrated the file while we waited for the write lock.
    Identity id = identify(db, targetVersion);
    if (id.version == targetVersion)
        return;
    for (const Migration& step : kMigrations) {
        if (step.fromVersion >= id.version && step.fromVersion < targetVersion)
            db.exec(step.sql);
    }
    db.exec(("PRAGMA user_version = " + std::to_string(targetVersion)).c_str());
    db.exec(("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
    transaction.commit();
}

} // namespace nf::store::schema
