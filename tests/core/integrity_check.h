#pragma once

// PRAGMA integrity_check of a database file, read-only: "ok" when SQLite finds nothing wrong.

#include "store/sqlite.h"

#include <sqlite3.h>

#include <filesystem>
#include <string>

namespace nf::test {

inline std::string integrityCheck(const std::filesystem::path& path)
{
    store::sqlite::Database db(path, SQLITE_OPEN_READONLY);
    store::sqlite::Statement check(db, "PRAGMA integrity_check");
    std::string result;
    while (check.step())
        result += check.textAt(0);
    return result;
}

} // namespace nf::test
