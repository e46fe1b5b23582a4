#include "store/sqlite.h"

#include "common/error.h"
#include "store/lock_holders.h"

#include <sqlite3.h>

#include <utility>

namespace nf::store::sqlite {
namespace {

// For a wait on another connection's lock that ran out: who holds it, so that the user knows which
// program to finish or close ("" for any other failure).
std::string busyDetail(const std::string& path, int rc)
{
    if ((rc & 0xff) != SQLITE_BUSY)
        return {};
    const auto holders = lockHolders(path);
    return " (waited past the busy timeout; held by " + (holders.empty() ? std::string("another connection") : holders) +
           ")";
}

} // namespace

Database::Database(const std::filesystem::path& path, int flags) : m_path(path.string())
{
    int rc = sqlite3_open_v2(m_path.c_str(), &m_db, flags | SQLITE_OPEN_EXRESCODE, nullptr);
    if (rc != SQLITE_OK) {
        // sqlite3_open_v2 hands back a handle even on failure, carrying the message.
        std::string message = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        close();
        throw StoreError(m_path + ": cannot open: " + message);
    }
}

Database::~Database()
{
    close();
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path))
{}

Database& Database::operator=(Database&& other) noexcept
{
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

Database Database::memoryCopy()
{
    Database copy(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    copy.m_path = m_path;
    sqlite3_backup* backup = sqlite3_backup_init(copy.m_db, "main", m_db, "main");
    if (!backup)
        copy.fail("cannot copy into memory");
    const int rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE)
        fail("cannot copy into memory", rc);
    return copy;
}

void Database::close() noexcept
{
    // close_v2 defers the close until the last statement is finalized instead of failing.
    if (m_db)
        sqlite3_close_v2(m_db);
    m_db = nullptr;
}

void Database::exec(const char* sql)
{
    char* error = nullptr;
    int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        throw StoreError(m_path + ": " + message + " (in: " + std::string(sql).substr(0, 60) + ")" +
                         busyDetail(m_path, rc));
    }
}

int64_t Database::queryInt(const char* sql)
{
    Statement statement(*this, sql);
    return statement.step() ? statement.int64At(0) : 0;
}

int64_t Database::lastInsertRowid() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int64_t Database::changes() const
{
    return sqlite3_changes64(m_db);
}

bool Database::isReadOnly() const
{
    return sqlite3_db_readonly(m_db, "main") == 1;
}

int Database::errorCode() const
{
    return sqlite3_errcode(m_db);
}

void Database::fail(std::string_view context) const
{
    throw StoreError(m_path + ": " + std::string(context) + ": " + sqlite3_errmsg(m_db) +
                     busyDetail(m_path, sqlite3_extended_errcode(m_db)));
}

void Database::fail(std::string_view context, int rc) const
{
    // The connection's message describes the last call only when it is the one that failed.
    const char* message = sqlite3_extended_errcode(m_db) == rc ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
    throw StoreError(m_path + ": " + std::string(context) + ": " + message + busyDetail(m_path, rc));
}

Statement::Statement(Database& db, std::string_view sql) : m_db(&db)
{
    // PERSISTENT: these statements live as long as the store and are reused for every row.
    int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (rc != SQLITE_OK)
        db.fail("cannot prepare \"" + std::string(sql.substr(0, 60)) + "\"", rc);
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& other) noexcept
    : m_db(other.m_db), m_stmt(std::exchange(other.m_stmt, nullptr))
{}

Statement& Statement::operator=(Statement&& other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_db = other.m_db;
        m_stmt = std::exchange(other.m_stmt, nullptr);
    }
    return *this;
}

void Statement::failBind(int index, int rc) const
{
    m_db->fail("cannot bind parameter " + std::to_string(index), rc);
}

void Statement::bind(int index, int64_t value)
{
    if (int rc = sqlite3_bind_int64(m_stmt, index, value); rc != SQLITE_OK)
        failBind(index, rc);
}

void Statement::bind(int index, double value)
{
    if (int rc = sqlite3_bind_double(m_stmt, index, value); rc != SQLITE_OK)
        failBind(index, rc);
}

void Statement::bind(int index, std::string_view value)
{
    int rc = sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK)
        failBind(index, rc);
}

void Statement::bindBlob(int index, std::string_view bytes)
{
    if (int rc = sqlite3_bind_blob64(m_stmt, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
        rc != SQLITE_OK)
        failBind(index, rc);
}

void Statement::bindNull(int index)
{
    if (int rc = sqlite3_bind_null(m_stmt, index); rc != SQLITE_OK)
        failBind(index, rc);
}

bool Statement::step()
{
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    std::string sql = sqlite3_sql(m_stmt);
    m_db->fail("\"" + sql.substr(0, 60) + (sql.size() > 60 ? "…" : "") + "\" failed", rc);
}

void Statement::run()
{
    Use use(*this);
    step();
}

void Statement::reset() noexcept
{
    // The error code of a failed step was already reported by step().
    sqlite3_reset(m_stmt);
}

int64_t Statement::int64At(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::doubleAt(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

std::string Statement::textAt(int column) const
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return text ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(m_stmt, column)))
                : std::string();
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::optional<int64_t> Statement::optionalInt64At(int column) const
{
    return isNull(column) ? std::nullopt : std::optional<int64_t>(int64At(column));
}

std::optional<double> Statement::optionalDoubleAt(int column) const
{
    return isNull(column) ? std::nullopt : std::optional<double>(doubleAt(column));
}

Transaction::Transaction(Database& db) : m_db(db), m_nested(sqlite3_get_autocommit(db.handle()) == 0)
{
    m_db.exec(m_nested ? "SAVEPOINT nf_nested" : "BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
    if (!m_open)
        return;
    // ROLLBACK fails only when SQLite already rolled back itself (e.g. after SQLITE_FULL); nothing
    // is left to undo then, and a destructor must not throw.
    sqlite3_exec(m_db.handle(), m_nested ? "ROLLBACK TO nf_nested; RELEASE nf_nested" : "ROLLBACK", nullptr,
                 nullptr, nullptr);
}

void Transaction::commit()
{
    m_db.exec(m_nested ? "RELEASE nf_nested" : "COMMIT");
    m_open = false;
}

} // namespace nf::store::sqlite
