#pragma once

// The store's schema and its migrations, keyed by PRAGMA user_version.

namespace nf::store::sqlite {
class Database;
}

namespace nf::store::schema {

// 'NFLR': tells our files apart from other programs' SQLite files that also use user_version.
inline constexpr int kApplicationId = 0x4E464C52;

// Checks that the open file is a noisefloor database this program can read (an empty file counts
// when writable: it is about to be created) and returns its schema version, which may be older
// than targetVersion (to migrate, or to read through a migrated copy). Throws StoreError naming
// the file when it is not SQLite, not ours, newer than targetVersion, or, when not writable, empty.
int check(sqlite::Database& db, int targetVersion, bool writable);

// Migrates the file to targetVersion in one IMMEDIATE transaction; an empty file gets the whole
// schema. Safe when another process migrates the same file at the same time.
void migrate(sqlite::Database& db, int targetVersion);

} // namespace nf::store::schema
