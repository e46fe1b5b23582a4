// A run whose process is gone (kill -9 mid-run) reads as interrupted in every read of the store,
// without the read writing anything; the next writer records it. A run of a live process, here
// or on another host, stays running.

#include "core/scratch_dir.h"
#include "core/waiting_child.h"
#include "store/owner.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace nf::store;
using nf::test::recordOwner;
using nf::test::ScratchDir;
using nf::test::storedStatus;
using nf::test::WaitingChild;

namespace {

std::string bytesOf(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A database with one completed run and one `running` run (seed 2), closed; returns the latter's id.
int64_t makeDatabase(const fs::path& file)
{
    Store store(file);
    const int64_t model = store.ensureModel("/m.pt", "sha-m", "classifier", "m");
    const int64_t task = store.ensureTask("image", "/t", "sha-t", "t", {{"cat", "0"}, {"dog", "1"}});
    const int64_t config = store.ensureConfig(model, task, "{}", "hash");
    const int64_t done = store.beginRun({config, 0, 1, "seed 1"});
    store.completeRun(done, {{0, 0, true, 0.9}, {1, 0, false, 0.2}}, 1.0);
    return store.beginRun({config, 0, 2, "seed 2"});
}

std::vector<RunStatus> statuses(const std::vector<RunRow>& runs)
{
    std::vector<RunStatus> result;
    for (const RunRow& run : runs)
        result.push_back(run.status);
    return result;
}

} // namespace

TEST(RunOwner, ARunWhoseProcessWasKilledReadsAsInterruptedAndNothingIsWritten)
{
    ScratchDir dir;
    const fs::path file = dir / "runs.sqlite";
    const int64_t running = makeDatabase(file);
    {
        WaitingChild child;
        recordOwner(file, running, child.pid());
        child.killNow();
    }
    const std::string before = bytesOf(file);
    const auto modified = fs::last_write_time(file);
    {
        const Store store(file, OpenMode::ReadOnly);
        EXPECT_EQ(store.run(running)->status, RunStatus::Interrupted);
        EXPECT_EQ(store.findRun(store.run(running)->uid)->status, RunStatus::Interrupted);
        EXPECT_EQ(statuses(store.runs()), (std::vector{RunStatus::Completed, RunStatus::Interrupted}));
        // Filters select by the status shown, not the one stored.
        EXPECT_EQ(store.runs({.configId = std::nullopt, .status = RunStatus::Interrupted}).size(), 1u);
        EXPECT_TRUE(store.runs({.configId = std::nullopt, .status = RunStatus::Running}).empty());
    }
    EXPECT_EQ(storedStatus(file, running), "running");
    EXPECT_EQ(bytesOf(file), before);
    EXPECT_EQ(fs::last_write_time(file), modified);

    // The next writer records it, as before.
    Store writer(file);
    EXPECT_EQ(storedStatus(file, running), "interrupted");
    EXPECT_NE(writer.run(running)->notes.find("is gone"), std::string::npos) << writer.run(running)->notes;
}

TEST(RunOwner, ARunOfALiveProcessHereOrOfAnotherHostStaysRunning)
{
    ScratchDir dir;
    const fs::path file = dir / "runs.sqlite";
    const int64_t running = makeDatabase(file);
    WaitingChild child;
    recordOwner(file, running, child.pid());
    EXPECT_EQ(Store(file, OpenMode::ReadOnly).run(running)->status, RunStatus::Running);
    EXPECT_EQ(Store(file).run(running)->status, RunStatus::Running); // opening to write leaves it too
    EXPECT_EQ(storedStatus(file, running), "running");

    // Another host's pids mean nothing here, even one that names no process on this host.
    child.killNow();
    recordOwner(file, running, child.pid(), "another-host pid:[4026531836]");
    EXPECT_EQ(Store(file, OpenMode::ReadOnly).run(running)->status, RunStatus::Running);
    EXPECT_EQ(Store(file).run(running)->status, RunStatus::Running);

    // This very process: running (a store reading its own run in progress).
    recordOwner(file, running, getpid());
    EXPECT_EQ(Store(file, OpenMode::ReadOnly).run(running)->status, RunStatus::Running);
}

TEST(RunOwner, APidReusedByAnotherProcessIsNotTheOwner)
{
    ScratchDir dir;
    const fs::path file = dir / "runs.sqlite";
    const int64_t running = makeDatabase(file);
    recordOwner(file, running, getpid());
    {
        nf::store::sqlite::Database db(file, SQLITE_OPEN_READWRITE);
        db.exec("UPDATE runs SET owner_start = owner_start - 1 WHERE owner_start IS NOT NULL");
    }
    EXPECT_EQ(Store(file, OpenMode::ReadOnly).run(running)->status, RunStatus::Interrupted);
}

// The app keeps one store open for hours: a run whose process dies meanwhile shows as interrupted
// there too, and can be deleted or resumed as shown.
TEST(RunOwner, AStoreOpenWhileTheProcessDiesShowsItAndCanDeleteIt)
{
    ScratchDir dir;
    const fs::path file = dir / "runs.sqlite";
    const int64_t running = makeDatabase(file);
    WaitingChild child;
    recordOwner(file, running, child.pid());
    Store store(file);
    ASSERT_EQ(store.run(running)->status, RunStatus::Running);
    child.killNow();
    EXPECT_EQ(store.run(running)->status, RunStatus::Interrupted);
    EXPECT_EQ(storedStatus(file, running), "running");
    store.deleteRun(running);
    EXPECT_FALSE(store.run(running));
}
