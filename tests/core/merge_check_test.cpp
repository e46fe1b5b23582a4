// A merge verifies what it takes before it writes: a damaged source (bit flips, a corrupt page) or
// one whose runs do not add up is refused as bad input naming the source, whole, dry run or not,
// and this database reads exactly as before.

#include "common/error.h"
#include "core/error_message.h"
#include "core/scratch_dir.h"
#include "store/merge.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace nf::store;
using nf::test::ScratchDir;

namespace {

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

constexpr int kItems = 25;

int64_t group(Store& store)
{
    std::vector<TaskItem> taskItems;
    for (int i = 0; i < kItems; ++i)
        taskItems.push_back({i < 12 ? "algebra" : "biology", "A"});
    const int64_t model = store.ensureModel("/m.pt", "model-sha", "classifier", "m");
    const int64_t task = store.ensureTask("mmlu", "/quiz", "task-sha", "quiz", taskItems);
    return store.ensureConfig(model, task, "{}", "params");
}

// Run `number` (1-based) has uid "a...0<number>" and gets `number` + 10 of 25 items right.
std::string uidOf(int number)
{
    return "a00000000000000000000000000000" + std::string(number < 10 ? "0" : "") + std::to_string(number);
}

void addRuns(Store& store, int first, int last)
{
    for (int number = first; number <= last; ++number) {
        std::vector<ItemRow> items;
        for (int64_t i = 0; i < kItems; ++i)
            items.push_back({i, static_cast<int32_t>(i % 4), i < number + 10, i < number + 10 ? 0.75 : 0.25});
        NewRun run(group(store), 0, number, "seed " + std::to_string(number));
        run.uid = uidOf(number);
        store.insertCompletedRun(run, items, 1.0, "2026-11-01T10:00:00.000Z");
    }
}

// One self-contained file (no -wal beside it), so that its pages can be damaged on disk.
void makeSource(const fs::path& file, int runs = 40)
{
    {
        Store store(file);
        addRuns(store, 1, runs);
    }
    sqlite::Database db(file, SQLITE_OPEN_READWRITE);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE");
}

void execute(const fs::path& file, const char* sql)
{
    sqlite::Database db(file, SQLITE_OPEN_READWRITE);
    db.exec(sql);
}

// Every row of every table, in key order, and SQLite's integrity check: equal text, equal database.
std::string content(const fs::path& file)
{
    sqlite::Database db(file, SQLITE_OPEN_READONLY);
    std::vector<std::string> tables;
    {
        sqlite::Statement select(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
        while (select.step())
            tables.push_back(select.textAt(0));
    }
    std::string text;
    auto addRow = [](void* out, int columns, char** values, char**) {
        auto& text = *static_cast<std::string*>(out);
        for (int i = 0; i < columns; ++i)
            text += std::string(values[i] ? values[i] : "NULL") + (i + 1 < columns ? "|" : "\n");
        return 0;
    };
    for (const std::string& table : tables) {
        text += "table " + table + "\n";
        const std::string sql = "SELECT * FROM \"" + table + "\" ORDER BY 1, 2";
        sqlite3_exec(db.handle(), sql.c_str(), addRow, &text, nullptr);
    }
    sqlite3_exec(db.handle(), "PRAGMA integrity_check", addRow, &text, nullptr);
    return text;
}

} // namespace

namespace {

std::string bytesOf(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const fs::path& file, const std::string& bytes)
{
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

uint32_t bigEndian(const std::string& bytes, size_t at, int width)
{
    uint32_t value = 0;
    for (int i = 0; i < width; ++i)
        value = value << 8 | static_cast<unsigned char>(bytes[at + static_cast<size_t>(i)]);
    return value;
}

size_t pageSize(const std::string& bytes)
{
    const uint32_t size = bigEndian(bytes, 16, 2);
    return size == 1 ? 65536 : size;
}

int64_t rootPage(const fs::path& file, const char* table)
{
    sqlite::Database db(file, SQLITE_OPEN_READONLY);
    sqlite::Statement select(db,
                             std::string("SELECT rootpage FROM sqlite_schema WHERE name = '") + table + "'");
    select.step();
    return select.int64At(0);
}

// The first leaf page of run_items' b-tree (a WITHOUT ROWID table is an index b-tree): from its
// root, down the first child of each interior page (type 2) to a leaf (type 10).
size_t firstLeafOfRunItems(const fs::path& file, const std::string& bytes)
{
    const size_t size = pageSize(bytes);
    auto page = static_cast<size_t>(rootPage(file, "run_items"));
    for (;;) {
        const size_t start = (page - 1) * size + (page == 1 ? 100 : 0);
        const auto type = static_cast<unsigned char>(bytes[start]);
        if (type == 10)
            return page;
        EXPECT_EQ(type, 2) << "page " << page;
        const size_t firstCell = (page - 1) * size + bigEndian(bytes, start + 12, 2);
        page = bigEndian(bytes, firstCell, 4);
    }
}

struct MergeFixture
{
    MergeFixture() : source(dir / "server.sqlite"), target(dir / "laptop.sqlite"), store(target)
    {
        addRuns(store, 41, 42);
        makeSource(source);
        before = content(target);
    }

    // The refusal of merging the source, dry run or not; this database unchanged each time.
    std::string refusal()
    {
        std::string message;
        for (const bool dryRun : {true, false}) {
            message = nf::test::errorMessage<nf::InputError>([&] { mergeDatabase(store, source, dryRun); });
            EXPECT_CONTAINS(message, source.string());
            // Never blamed: the message is about the source only.
            EXPECT_EQ(message.find(target.string()), std::string::npos) << message;
            EXPECT_EQ(content(target), before);
        }
        return message;
    }

    ScratchDir dir;
    fs::path source;
    fs::path target;
    Store store;
    std::string before;
};

} // namespace

TEST(MergeCheck, ABitFlippedSourceIsRefusedAsDamagedAndNothingIsWritten)
{
    MergeFixture f;
    // Two rows of a run_items page trade places, as a few flipped bits in its cell pointers do:
    // every page still reads, only the key order is wrong (SQLite's quick_check passes it).
    std::string bytes = bytesOf(f.source);
    const size_t size = pageSize(bytes);
    const size_t leaf = firstLeafOfRunItems(f.source, bytes);
    const size_t pointers = (leaf - 1) * size + 8;
    const uint32_t cells = bigEndian(bytes, (leaf - 1) * size + 3, 2);
    ASSERT_GE(cells, 2u);
    for (int i = 0; i < 2; ++i)
        std::swap(bytes[pointers + static_cast<size_t>(i)],
                  bytes[pointers + 2 * (cells - 1) + static_cast<size_t>(i)]);
    writeBytes(f.source, bytes);

    const std::string message = f.refusal();
    EXPECT_CONTAINS(message, "is damaged");
    EXPECT_CONTAINS(message, "PRIMARY KEY order");
}

TEST(MergeCheck, ASourceWithACorruptPageIsRefusedAsDamagedAndNothingIsWritten)
{
    MergeFixture f;
    const std::string good = bytesOf(f.source);
    const size_t size = pageSize(good);
    const auto runItemsRoot = static_cast<size_t>(rootPage(f.source, "run_items"));
    // The first page past its 100-byte file header (the schema's b-tree), and the first page of run_items.
    for (const auto& [from, to] :
         {std::pair{size_t{100}, size}, std::pair{(runItemsRoot - 1) * size, runItemsRoot * size}}) {
        std::string bytes = good;
        for (size_t at = from; at < to; ++at)
            bytes[at] = static_cast<char>(0x5a ^ (at & 0xff));
        writeBytes(f.source, bytes);
        SCOPED_TRACE("bytes " + std::to_string(from) + " to " + std::to_string(to));
        f.refusal();
    }
}

TEST(MergeCheck, ARunThatDoesNotAddUpIsRefusedByUidWithTheReason)
{
    struct Case
    {
        int run;
        std::string sql;
        std::string reason;
    };
    const std::vector<Case> cases = {
        {3, "DELETE FROM run_items WHERE run_id = 3 AND idx >= 22",
         "n_items says 25 but 22 items are stored"},
        {4, "UPDATE runs SET n_correct = n_correct + 1 WHERE id = 4",
         "n_correct says 15 but 14 of its items are correct"},
        {5, "UPDATE runs SET accuracy = -0.5 WHERE id = 5", "its accuracy -0.5 is not a fraction in [0, 1]"},
        {6, "UPDATE runs SET accuracy = 9e999 WHERE id = 6", "its accuracy inf is not a fraction in [0, 1]"},
        {7, "UPDATE runs SET accuracy = 0.5 WHERE id = 7",
         "its accuracy 0.5 is not n_correct / n_items = 0.68"},
        {8, "UPDATE runs SET accuracy = 'abc' WHERE id = 8", "its accuracy is not a number"},
        {9, "UPDATE run_items SET correct = 5 WHERE run_id = 9 AND idx = 3",
         "item 3 has a `correct` other than 0 or 1"},
        {10, "UPDATE run_items SET p_true = 'abc' WHERE run_id = 10 AND idx = 4",
         "item 4 has a p_true that is not a number in [0, 1]"},
        {11, "UPDATE run_items SET p_true = 1.5 WHERE run_id = 11 AND idx = 0",
         "item 0 has a p_true that is not a number in [0, 1]"},
        {12, "UPDATE run_items SET p_true = -9e999 WHERE run_id = 12 AND idx = 1",
         "item 1 has a p_true that is not a number in [0, 1]"},
        {13, "DELETE FROM run_items WHERE run_id = 13", "n_items says 25 but no items are stored"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.sql);
        MergeFixture f;
        execute(f.source, c.sql.c_str());
        const std::string message = f.refusal();
        EXPECT_CONTAINS(message, "1 run does not add up, so nothing was merged");
        EXPECT_CONTAINS(message, "run " + uidOf(c.run) + ": " + c.reason);
    }
}

TEST(MergeCheck, EveryRunThatDoesNotAddUpIsCountedAndTheFirstAreNamed)
{
    MergeFixture f;
    execute(f.source, "UPDATE runs SET n_correct = 0 WHERE id IN (2, 5, 7, 30)");
    const std::string message = f.refusal();
    EXPECT_CONTAINS(message, "4 runs do not add up");
    EXPECT_CONTAINS(message, "run " + uidOf(2) + ": n_correct says 0 but 12");
    EXPECT_CONTAINS(message, "run " + uidOf(7) + ": n_correct says 0 but 17");
    EXPECT_CONTAINS(message, "; and 1 more");
    EXPECT_EQ(message.find(uidOf(30)), std::string::npos) << message;
    EXPECT_LT(message.size(), 600u);
}

// Runs already here are not taken, so not judged: their copy here is the one that counts.
TEST(MergeCheck, OnlyTheRunsTakenAreChecked)
{
    MergeFixture f;
    {
        Store laptop(f.target); // the target already has run 1 (same uid)
        addRuns(laptop, 1, 1);
    }
    execute(f.source, "UPDATE runs SET accuracy = 2 WHERE id = 1");
    const MergeResult result = mergeDatabase(f.store, f.source);
    EXPECT_EQ(result.runsAdded, 39);
    EXPECT_EQ(result.runsAlreadyHere, 1);
}
