#pragma once

// A thin RAII layer over the sqlite3 C API: a connection, prepared statements and an IMMEDIATE
// transaction. Every failure throws nf::StoreError naming the database file and carrying SQLite's
// own message, so callers never check return codes.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace nf::store::sqlite {

class Database
{
public:
    // flags: SQLITE_OPEN_* (READONLY, or READWRITE | CREATE).
    Database(const std::filesystem::path& path, int flags);
    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    sqlite3* handle() const { return m_db; }
    const std::string& pathString() const { return m_path; }

    // A database in memory holding what this one holds now (SQLite's online backup, which reads a
    // consistent snapshot, the WAL included); messages still name this one's file.
    Database memoryCopy();

    // Runs one or more statements that return no rows we need.
    void exec(const char* sql);
    // The first column of the first row of a one-value query such as "PRAGMA user_version".
    int64_t queryInt(const char* sql);

    int64_t lastInsertRowid() const;
    int64_t changes() const;
    // True when SQLite opened the main database read-only (no write permission, read-only mount).
    bool isReadOnly() const;
    // The primary result code of the last failed call (SQLITE_NOTADB, SQLITE_BUSY, ...).
    int errorCode() const;

    // Throws StoreError "<path>: <context>: <sqlite message>".
    [[noreturn]] void fail(std::string_view context) const;
    [[noreturn]] void fail(std::string_view context, int rc) const;

private:
    void close() noexcept;

    sqlite3* m_db = nullptr;
    std::string m_path;
};

class Statement
{
public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Parameters are 1-based, as in SQLite.
    void bind(int index, int64_t value);
    void bind(int index, int value) { bind(index, static_cast<int64_t>(value)); }
    void bind(int index, double value);
    // Text is copied (SQLITE_TRANSIENT): callers may pass temporaries.
    void bind(int index, std::string_view value);
    void bind(int index, const char* value) { bind(index, std::string_view(value)); }
    void bind(int index, const std::string& value) { bind(index, std::string_view(value)); }
    // Bytes, copied like text.
    void bindBlob(int index, std::string_view bytes);
    void bindNull(int index);
    template <typename T> void bind(int index, const std::optional<T>& value)
    {
        if (value)
            bind(index, *value);
        else
            bindNull(index);
    }

    // Advances: true when a row is available, false when done.
    bool step();
    // Steps a statement that returns no rows, then resets it for the next use.
    void run();
    // Ready for the next execution; bindings are kept (the hot loops rebind every parameter).
    void reset() noexcept;

    // Columns are 0-based, as in SQLite.
    int64_t int64At(int column) const;
    double doubleAt(int column) const;
    std::string textAt(int column) const;
    bool isNull(int column) const;
    std::optional<int64_t> optionalInt64At(int column) const;
    std::optional<double> optionalDoubleAt(int column) const;

private:
    [[noreturn]] void failBind(int index, int rc) const;

    Database* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
};

// Borrows a (cached) statement for one execution and resets it on scope exit, so an early return
// or an exception never leaves it holding a read snapshot open.
class Use
{
public:
    explicit Use(Statement& statement) : m_statement(statement) {}
    ~Use() { m_statement.reset(); }
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

    Statement* operator->() const { return &m_statement; }
    Statement& operator*() const { return m_statement; }

private:
    Statement& m_statement;
};

// BEGIN IMMEDIATE: the write lock is taken up front, so two writers queue on the busy timeout
// instead of one failing with SQLITE_BUSY when it upgrades from reading. Rolls back unless
// committed. Inside another transaction it is a savepoint, so a caller can make several writes
// (an import of many runs) one transaction.
class Transaction
{
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit();

private:
    Database& m_db;
    bool m_nested = false;
    bool m_open = true;
};

} // namespace nf::store::sqlite
