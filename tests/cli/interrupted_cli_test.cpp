// `list`, `groups` and `show` on a database where a run's process was killed (kill -9) mid-run:
// the run reads as interrupted at once, and reading writes nothing to the file. A run of a live
// process stays running.

#include "cli/cli_runner.h"
#include "core/scratch_dir.h"
#include "core/waiting_child.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using nf::test::runCli;
using nf::test::ScratchDir;
using namespace nf::store;

namespace {

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

std::string bytesOf(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Run 1 completed, run 2 `running`; returns run 2's id.
int64_t makeDatabase(const std::filesystem::path& file)
{
    Store store(file);
    const int64_t model = store.ensureModel("/m.pt", "sha-m", "classifier", "tiny");
    const int64_t task = store.ensureTask("image", "/t", "sha-t", "quiz", {{"cat", "0"}, {"dog", "1"}});
    const int64_t config = store.ensureConfig(model, task, R"({"decoding":"greedy"})", "hash");
    const int64_t done = store.beginRun({config, 0, 1, "seed 1"});
    store.completeRun(done, {{0, 0, true, 0.9}, {1, 0, false, 0.2}}, 1.0);
    return store.beginRun({config, 0, 2, "seed 2"});
}

} // namespace

TEST(CliInterrupted, AKilledRunReadsAsInterruptedAndReadingWritesNothing)
{
    ScratchDir dir;
    const auto db = dir / "runs.sqlite";
    const int64_t running = makeDatabase(db);
    {
        nf::test::WaitingChild child;
        nf::test::recordOwner(db, running, child.pid());
        child.killNow();
    }
    const std::string before = bytesOf(db);
    const auto modified = std::filesystem::last_write_time(db);
    const std::string id = std::to_string(running);

    const auto list = runCli(dir.path(), {"--db", db.string(), "list"});
    ASSERT_EQ(list.code, 0) << list.err;
    EXPECT_CONTAINS(list.out, "interrupted");
    EXPECT_EQ(list.out.find("running"), std::string::npos) << list.out;

    const auto json = runCli(dir.path(), {"--db", db.string(), "--json", "list"});
    ASSERT_EQ(json.code, 0) << json.err;
    EXPECT_EQ(nlohmann::json::parse(json.out).at(1).at("status"), "interrupted");

    const auto interrupted = runCli(dir.path(), {"--db", db.string(), "list", "--status", "interrupted"});
    ASSERT_EQ(interrupted.code, 0) << interrupted.err;
    EXPECT_CONTAINS(interrupted.out, "seed 2");
    const auto stillRunning = runCli(dir.path(), {"--db", db.string(), "list", "--status", "running"});
    ASSERT_EQ(stillRunning.code, 0) << stillRunning.err;
    EXPECT_EQ(stillRunning.out.find("seed 2"), std::string::npos) << stillRunning.out;

    const auto show = runCli(dir.path(), {"--db", db.string(), "show", id});
    ASSERT_EQ(show.code, 0) << show.err;
    EXPECT_CONTAINS(show.out, "status     interrupted");

    // groups counts completed runs only: the killed run is not among them, and reading writes nothing.
    const auto groups = runCli(dir.path(), {"--db", db.string(), "groups"});
    ASSERT_EQ(groups.code, 0) << groups.err;
    EXPECT_EQ(groups.out.find("running"), std::string::npos) << groups.out;

    EXPECT_EQ(nf::test::storedStatus(db, running), "running");
    EXPECT_EQ(bytesOf(db), before);
    EXPECT_EQ(std::filesystem::last_write_time(db), modified);
}

TEST(CliInterrupted, ARunOfALiveProcessStaysRunning)
{
    ScratchDir dir;
    const auto db = dir / "runs.sqlite";
    const int64_t running = makeDatabase(db);
    nf::test::WaitingChild child;
    nf::test::recordOwner(db, running, child.pid());

    const auto list = runCli(dir.path(), {"--db", db.string(), "list", "--status", "running"});
    ASSERT_EQ(list.code, 0) << list.err;
    EXPECT_CONTAINS(list.out, "seed 2");
    const auto show = runCli(dir.path(), {"--db", db.string(), "show", std::to_string(running)});
    ASSERT_EQ(show.code, 0) << show.err;
    EXPECT_CONTAINS(show.out, "status     running");
}
