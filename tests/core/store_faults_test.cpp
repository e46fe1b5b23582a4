// The store when the disk fails under it: an SQLite VFS that passes every call to the real one
// until a chosen write, then fails that write and every later one (as a disk that filled up or
// went bad does), is made the default VFS of this test process. A run's commit is failed at each
// of its writes in turn; every time, the run before it survives, the failed run is not half
// stored, the aggregates agree with the items, integrity_check is ok, and the next run commits.

#include "common/error.h"
#include "common/sha256.h"
#include "core/scratch_dir.h"
#include "core/integrity_check.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <csignal>
#include <cstring>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace store = nf::store;

// -1: pass everything; n > 0: the n-th write, sync or truncate from now on fails, and all after it.
int g_writesLeft = -1;
int g_failWith = SQLITE_IOERR_WRITE;
int g_writesSeen = 0;

bool injectFailure()
{
    ++g_writesSeen;
    if (g_writesLeft < 0)
        return false;
    if (g_writesLeft > 0)
        --g_writesLeft;
    return g_writesLeft == 0;
}

struct FaultyFile
{
    sqlite3_file base;
    sqlite3_file* real; // allocated right after this struct
};

sqlite3_file* realOf(sqlite3_file* file)
{
    return reinterpret_cast<FaultyFile*>(file)->real;
}

int faultyClose(sqlite3_file* f)
{
    return realOf(f)->pMethods->xClose(realOf(f));
}
int faultyRead(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset)
{
    return realOf(f)->pMethods->xRead(realOf(f), out, amount, offset);
}
int faultyWrite(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset)
{
    if (injectFailure())
        return g_failWith;
    return realOf(f)->pMethods->xWrite(realOf(f), data, amount, offset);
}
int faultyTruncate(sqlite3_file* f, sqlite3_int64 size)
{
    if (injectFailure())
        return g_failWith == SQLITE_FULL ? SQLITE_FULL : SQLITE_IOERR_TRUNCATE;
    return realOf(f)->pMethods->xTruncate(realOf(f), size);
}
int faultySync(sqlite3_file* f, int flags)
{
    if (injectFailure())
        return g_failWith == SQLITE_FULL ? SQLITE_FULL : SQLITE_IOERR_FSYNC;
    return realOf(f)->pMethods->xSync(realOf(f), flags);
}
int faultyFileSize(sqlite3_file* f, sqlite3_int64* size)
{
    return realOf(f)->pMethods->xFileSize(realOf(f), size);
}
int faultyLock(sqlite3_file* f, int level)
{
    return realOf(f)->pMethods->xLock(realOf(f), level);
}
int faultyUnlock(sqlite3_file* f, int level)
{
    return realOf(f)->pMethods->xUnlock(realOf(f), level);
}
int faultyCheckReservedLock(sqlite3_file* f, int* out)
{
    return realOf(f)->pMethods->xCheckReservedLock(realOf(f), out);
}
int faultyFileControl(sqlite3_file* f, int op, void* arg)
{
    return realOf(f)->pMethods->xFileControl(realOf(f), op, arg);
}
int faultySectorSize(sqlite3_file* f)
{
    return realOf(f)->pMethods->xSectorSize(realOf(f));
}
int faultyDeviceCharacteristics(sqlite3_file* f)
{
    return realOf(f)->pMethods->xDeviceCharacteristics(realOf(f));
}
int faultyShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out)
{
    return realOf(f)->pMethods->xShmMap(realOf(f), region, size, extend, out);
}
int faultyShmLock(sqlite3_file* f, int offset, int n, int flags)
{
    return realOf(f)->pMethods->xShmLock(realOf(f), offset, n, flags);
}
void faultyShmBarrier(sqlite3_file* f)
{
    realOf(f)->pMethods->xShmBarrier(realOf(f));
}
int faultyShmUnmap(sqlite3_file* f, int deleteFlag)
{
    return realOf(f)->pMethods->xShmUnmap(realOf(f), deleteFlag);
}

// Version 2: WAL's shared memory, no memory-mapped I/O (the real file then never maps either).
const sqlite3_io_methods kFaultyMethods = {2,
                                           faultyClose,
                                           faultyRead,
                                           faultyWrite,
                                           faultyTruncate,
                                           faultySync,
                                           faultyFileSize,
                                           faultyLock,
                                           faultyUnlock,
                                           faultyCheckReservedLock,
                                           faultyFileControl,
                                           faultySectorSize,
                                           faultyDeviceCharacteristics,
                                           faultyShmMap,
                                           faultyShmLock,
                                           faultyShmBarrier,
                                           faultyShmUnmap,
                                           nullptr,
                                           nullptr};

sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_faulty;

int faultyOpen(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* outFlags)
{
    auto* faulty = reinterpret_cast<FaultyFile*>(file);
    faulty->real = reinterpret_cast<sqlite3_file*>(faulty + 1);
    const int rc = g_real->xOpen(g_real, name, faulty->real, flags, outFlags);
    // As SQLite requires: pMethods set when xOpen succeeded (xClose is then called), null otherwise.
    faulty->base.pMethods = rc == SQLITE_OK && faulty->real->pMethods != nullptr ? &kFaultyMethods : nullptr;
    return rc;
}

// Installs the faulty VFS as the default for every connection this process opens from now on.
void installFaultyVfs()
{
    if (g_real != nullptr)
        return;
    g_real = sqlite3_vfs_find(nullptr);
    g_faulty = *g_real;
    g_faulty.zName = "nf-faulty";
    g_faulty.szOsFile = static_cast<int>(sizeof(FaultyFile)) + g_real->szOsFile;
    g_faulty.xOpen = faultyOpen;
    ASSERT_EQ(sqlite3_vfs_register(&g_faulty, 1), SQLITE_OK);
}

constexpr int kItems = 400;

std::vector<store::ItemRow> itemsOf(int64_t seed)
{
    std::vector<store::ItemRow> items;
    for (int64_t i = 0; i < kItems; ++i) {
        const bool correct = (i * 7 + seed) % 3 != 0;
        items.push_back({i, correct ? 1 : 2, correct, correct ? 0.8 : 0.3});
    }
    return items;
}

int64_t correctIn(const std::vector<store::ItemRow>& items)
{
    int64_t n = 0;
    for (const auto& item : items)
        n += item.correct;
    return n;
}

struct World
{
    int64_t config = 0;
    int64_t env = 0;
};

World setUp(store::Store& db)
{
    std::vector<store::TaskItem> taskItems;
    for (int i = 0; i < kItems; ++i)
        taskItems.push_back({i % 2 ? "algebra" : "history", "B"});
    const std::string params = R"({"decoding":"greedy"})";
    World world;
    const int64_t model = db.ensureModel("/m.pt", nf::sha256Hex("m"), "classifier", "m");
    const int64_t task = db.ensureTask("mmlu", "/t", nf::sha256Hex("t"), "t", taskItems);
    world.config = db.ensureConfig(model, task, params, nf::sha256Hex(params));
    world.env = db.ensureEnvironment("{}", nf::sha256Hex("env"));
    return world;
}


// Every completed run has all its items and counts that agree with them; the group's per-item
// aggregates are the sums over its completed runs' items.
void expectNoHalfRun(const store::Store& db, int64_t config, const std::string& when)
{
    std::vector<int64_t> runsPerItem(kItems, 0);
    std::vector<int64_t> correctPerItem(kItems, 0);
    for (const auto& run : db.runs()) {
        const auto items = db.runItems(run.id);
        if (run.status != store::RunStatus::Completed) {
            EXPECT_TRUE(items.empty()) << when << ": run " << run.id << " is " << store::toString(run.status)
                                       << " with " << items.size() << " items";
            continue;
        }
        EXPECT_EQ(run.nItems, kItems) << when << ": run " << run.id;
        EXPECT_EQ(static_cast<int64_t>(items.size()), kItems) << when << ": run " << run.id;
        EXPECT_EQ(run.nCorrect, correctIn(items)) << when << ": run " << run.id;
        for (const auto& item : items) {
            ++runsPerItem[static_cast<size_t>(item.idx)];
            correctPerItem[static_cast<size_t>(item.idx)] += item.correct;
        }
    }
    for (const auto& count : db.groupItems(config)) {
        EXPECT_EQ(count.nRuns, runsPerItem[static_cast<size_t>(count.idx)]) << when << ": item " << count.idx;
        EXPECT_EQ(count.nCorrect, correctPerItem[static_cast<size_t>(count.idx)])
            << when << ": item " << count.idx;
    }
}

class StoreFaults : public testing::TestWithParam<int>
{};

TEST_P(StoreFaults, ARunWhoseCommitFailsAtAnyWriteIsNotHalfStoredAndTheNextOneCommits)
{
    installFaultyVfs();
    g_failWith = GetParam();
    int failures = 0;
    for (int failAt = 1;; ++failAt) {
        SCOPED_TRACE("the commit's write " + std::to_string(failAt) + " fails");
        nf::test::ScratchDir dir;
        const auto path = dir / "runs.sqlite";
        World world;
        int64_t before = 0;
        {
            store::Store db(path);
            world = setUp(db);
            before = db.beginRun({world.config, world.env, 1, "before"});
            db.completeRun(before, itemsOf(1), 1.0);
        }
        bool committed = false;
        int writes = 0;
        {
            store::Store db(path);
            const int64_t run = db.beginRun({world.config, world.env, 2, "failing"});
            g_writesSeen = 0;
            g_writesLeft = failAt;
            try {
                db.completeRun(run, itemsOf(2), 1.0);
                committed = true;
            } catch (const nf::StoreError& e) {
                ++failures;
                EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
            }
            writes = g_writesSeen;
            g_writesLeft = -1;
        }
        EXPECT_EQ(nf::test::integrityCheck(path), "ok");
        {
            store::Store db(path);
            const auto first = db.run(before);
            ASSERT_TRUE(first);
            EXPECT_EQ(first->status, store::RunStatus::Completed);
            expectNoHalfRun(db, world.config, "after the failure");
            // The disk works again: the next run commits.
            const int64_t next = db.beginRun({world.config, world.env, 3, "after"});
            db.completeRun(next, itemsOf(3), 1.0);
            EXPECT_EQ(db.run(next)->status, store::RunStatus::Completed);
            expectNoHalfRun(db, world.config, "after the next run");
        }
        EXPECT_EQ(nf::test::integrityCheck(path), "ok");
        // Once the commit made fewer writes than the one chosen to fail, every write has been failed once.
        if (committed && writes < failAt)
            break;
        ASSERT_LT(failAt, 200) << "a commit of " << kItems << " items kept writing";
    }
    EXPECT_GT(failures, 0);
    RecordProperty("commits_failed", failures);
}

// A writer whose busy wait runs out says who holds the lock, as another program would hold it.
TEST(StoreLocks, AWaitThatRunsOutNamesTheProcessHoldingTheLock)
{
    nf::test::ScratchDir dir;
    const auto path = dir / "runs.sqlite";
    { store::Store created(path); }
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    if (child == 0) {
        store::sqlite::Database holder(path, SQLITE_OPEN_READWRITE);
        holder.exec("BEGIN IMMEDIATE");
        (void)!::write(ready[1], "x", 1);
        ::pause();
        _exit(0);
    }
    char signal = 0;
    ASSERT_EQ(::read(ready[0], &signal, 1), 1);
    store::sqlite::Database waiter(path, SQLITE_OPEN_READWRITE);
    sqlite3_busy_timeout(waiter.handle(), 100);
    std::string message;
    try {
        waiter.exec("BEGIN IMMEDIATE");
    } catch (const nf::StoreError& e) {
        message = e.what();
    }
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    EXPECT_NE(message.find("held by process " + std::to_string(child) + " ("), std::string::npos) << message;
    EXPECT_NE(message.find("nf_store_faults_test"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(IoErrorAndFullDisk, StoreFaults, testing::Values(SQLITE_IOERR_WRITE, SQLITE_FULL),
                         [](const testing::TestParamInfo<int>& info) {
                             return info.param == SQLITE_FULL ? std::string("DiskFull")
                                                              : std::string("IoError");
                         });

} // namespace
