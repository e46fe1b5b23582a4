// `noisefloor-cli merge`, end to end: what it prints, --dry-run, a second merge, --json, and the
// exit codes of bad input. The databases are made with the store's API (no engine involved).

#include "cli/cli_runner.h"
#include "core/scratch_dir.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using nf::test::runCli;
using nf::test::ScratchDir;
using namespace nf::store;

namespace {

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

std::vector<ItemRow> items(int correct)
{
    std::vector<ItemRow> rows;
    for (int64_t i = 0; i < 10; ++i)
        rows.push_back({i, 0, i < correct, 0.5});
    return rows;
}

int64_t group(Store& store, int number)
{
    const std::vector<TaskItem> taskItems(10, {"algebra", "A"});
    const int64_t model =
        store.ensureModel("/m" + std::to_string(number) + ".pt", "model-" + std::to_string(number),
                          "classifier", "model " + std::to_string(number));
    const int64_t task = store.ensureTask("mmlu", "/quiz", "task-sha", "quiz", taskItems);
    return store.ensureConfig(model, task, "{}", "params-" + std::to_string(number));
}

void addRun(Store& store, int groupNumber, int64_t seed, const std::string& uid, int correct)
{
    NewRun run;
    run.configId = group(store, groupNumber);
    run.envId = store.ensureEnvironment("{\"host\":\"gpu\"}", "env-gpu");
    run.seed = seed;
    run.uid = uid;
    store.insertCompletedRun(run, items(correct), 1.0, "2026-11-0" + std::to_string(seed) + "T10:00:00Z");
}

// The server: three runs of group 1, one of group 2 (with a model the laptop lacks), a cancelled
// run, and a run the laptop has too.
void makeServer(const std::filesystem::path& file)
{
    Store store(file);
    addRun(store, 1, 1, "a0000000000000000000000000000001", 6);
    addRun(store, 1, 2, "a0000000000000000000000000000002", 7);
    addRun(store, 1, 3, "a0000000000000000000000000000003", 8);
    addRun(store, 2, 1, "a0000000000000000000000000000004", 9);
    addRun(store, 1, 4, "c0000000000000000000000000000005", 5);
    NewRun cancelled;
    cancelled.configId = group(store, 1);
    cancelled.seed = 9;
    store.endRun(store.beginRun(cancelled), RunStatus::Cancelled, "cancelled by the user");
}

void makeLaptop(const std::filesystem::path& file)
{
    Store store(file);
    addRun(store, 1, 5, "b0000000000000000000000000000001", 6);
    addRun(store, 1, 4, "c0000000000000000000000000000005", 5);
}

std::string bytesOf(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A merge of `server` into `laptop`, dry run and not: refused as bad input (exit 2) naming the
// server and never the laptop, whose file is not written. Returns the last message.
std::string refusedMerge(const ScratchDir& dir, const std::string& laptop, const std::string& server)
{
    const std::string before = bytesOf(laptop);
    std::string err;
    for (const bool dryRun : {true, false}) {
        std::vector<std::string> args = {"--db", laptop, "merge", server};
        if (dryRun)
            args.push_back("--dry-run");
        const auto refused = runCli(dir.path(), args);
        EXPECT_EQ(refused.code, 2) << refused.err;
        EXPECT_CONTAINS(refused.err, server);
        EXPECT_EQ(refused.err.find(laptop), std::string::npos) << refused.err;
        EXPECT_EQ(refused.out, "");
        EXPECT_EQ(bytesOf(laptop), before);
        err = refused.err;
    }
    return err;
}

} // namespace

TEST(CliMerge, PrintsWhatItMergedAndASecondMergeFindsNothingNew)
{
    ScratchDir dir;
    const auto server = (dir / "server.sqlite").string();
    const auto laptop = (dir / "laptop.sqlite").string();
    makeServer(server);
    makeLaptop(laptop);

    const auto merged = runCli(dir.path(), {"--db", laptop, "merge", server});
    ASSERT_EQ(merged.code, 0) << merged.err;
    EXPECT_CONTAINS(merged.out,
                    "merged 4 runs (40 items) from " + server +
                        ": 2 groups (1 joined, 1 new), 1 model new; 1 run already here; 1 run that did "
                        "not complete was not merged\n");
    EXPECT_CONTAINS(merged.out, "groups: 1 2 (`noisefloor-cli summary GROUP`)");
    EXPECT_CONTAINS(merged.out, "Database: " + laptop);
    {
        Store store(laptop, OpenMode::ReadOnly);
        EXPECT_EQ(store.runs().size(), 6u);
        EXPECT_EQ(store.group(1)->accuracies.size(), 5u);
    }

    const auto again = runCli(dir.path(), {"--db", laptop, "merge", server});
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_CONTAINS(again.out, "nothing new in " + server +
                                   ": 5 runs already here; 1 run that did not complete was not merged\n");
    Store store(laptop, OpenMode::ReadOnly);
    EXPECT_EQ(store.runs().size(), 6u);
}

TEST(CliMerge, DryRunSaysWhatItWouldMergeAndWritesNothing)
{
    ScratchDir dir;
    const auto server = (dir / "server.sqlite").string();
    const auto laptop = (dir / "laptop.sqlite").string();
    makeServer(server);
    makeLaptop(laptop);

    const auto dry = runCli(dir.path(), {"--db", laptop, "merge", server, "--dry-run"});
    ASSERT_EQ(dry.code, 0) << dry.err;
    EXPECT_CONTAINS(dry.out, "would merge 4 runs (40 items) from " + server + ": 2 groups (1 joined, 1 new)");
    EXPECT_CONTAINS(dry.out, "dry run: nothing was written");
    {
        Store store(laptop, OpenMode::ReadOnly);
        EXPECT_EQ(store.runs().size(), 2u);
        EXPECT_EQ(store.groups().size(), 1u);
    }

    // Into a database not made yet: everything would be new, and the file is still not made.
    const auto fresh = (dir / "fresh" / "runs.sqlite").string();
    const auto intoNothing = runCli(dir.path(), {"--db", fresh, "--json", "merge", "--dry-run", server});
    ASSERT_EQ(intoNothing.code, 0) << intoNothing.err;
    const auto json = nlohmann::json::parse(intoNothing.out);
    EXPECT_EQ(json["runs_added"], 5);
    EXPECT_EQ(json["items_added"], 50);
    EXPECT_EQ(json["groups_new"], 2);
    EXPECT_EQ(json["models_new"], 2);
    EXPECT_EQ(json["runs_not_completed"], 1);
    EXPECT_EQ(json["dry_run"], true);
    EXPECT_FALSE(std::filesystem::exists(fresh));
}

TEST(CliMerge, ADryRunIntoAnOlderSchemaLeavesItAsItWas)
{
    ScratchDir dir;
    const auto server = (dir / "server.sqlite").string();
    makeServer(server);
    const auto old = dir / "old.sqlite";
    std::filesystem::copy_file(std::filesystem::path(NF_TEST_DATA_DIR) / "store-v1.sqlite", old);
    const auto before = bytesOf(old);

    const auto dry = runCli(dir.path(), {"--db", old.string(), "merge", server, "--dry-run"});
    ASSERT_EQ(dry.code, 0) << dry.err;
    EXPECT_CONTAINS(dry.out, "dry run: nothing was written");
    // An upgrade of its schema would be a write too.
    EXPECT_EQ(bytesOf(old), before);
}

TEST(CliMerge, JsonReportsEveryCount)
{
    ScratchDir dir;
    const auto server = (dir / "server.sqlite").string();
    const auto laptop = (dir / "laptop.sqlite").string();
    makeServer(server);
    makeLaptop(laptop);
    const auto merged = runCli(dir.path(), {"--db", laptop, "--json", "merge", server});
    ASSERT_EQ(merged.code, 0) << merged.err;
    const auto json = nlohmann::json::parse(merged.out);
    EXPECT_EQ(json["runs_added"], 4);
    EXPECT_EQ(json["runs_already_here"], 1);
    EXPECT_EQ(json["groups_joined"], 1);
    EXPECT_EQ(json["groups_new"], 1);
    EXPECT_EQ(json["environments_new"], 0);
    EXPECT_EQ(json["groups"], nlohmann::json::array({1, 2}));
    EXPECT_EQ(json["dry_run"], false);
}

TEST(CliMerge, BadInputExitsWithTwoAndNamesTheFile)
{
    ScratchDir dir;
    const auto laptop = (dir / "laptop.sqlite").string();
    makeLaptop(laptop);

    const auto missing = (dir / "missing.sqlite").string();
    const auto noFile = runCli(dir.path(), {"--db", laptop, "merge", missing});
    EXPECT_EQ(noFile.code, 2);
    EXPECT_CONTAINS(noFile.err, missing + " does not exist");

    const auto text = (dir / "notes.txt").string();
    std::ofstream(text)
        << "these are notes, not a database; long enough to fill a header of one hundred bytes...\n";
    const auto notOurs = runCli(dir.path(), {"--db", laptop, "merge", text});
    EXPECT_EQ(notOurs.code, 2);
    EXPECT_CONTAINS(notOurs.err, text + " is not a noisefloor database");

    const auto itself = runCli(dir.path(), {"--db", laptop, "merge", laptop});
    EXPECT_EQ(itself.code, 2);
    EXPECT_CONTAINS(itself.err, "cannot be merged into itself");

    const auto noArgument = runCli(dir.path(), {"--db", laptop, "merge"});
    EXPECT_EQ(noArgument.code, 2);

    Store store(laptop, OpenMode::ReadOnly);
    EXPECT_EQ(store.runs().size(), 2u);
}

TEST(CliMerge, ADamagedSourceExitsWithTwoNamingItAndTheDatabaseIsUntouched)
{
    ScratchDir dir;
    const auto server = (dir / "server.sqlite").string();
    const auto laptop = (dir / "laptop.sqlite").string();
    makeServer(server);
    makeLaptop(laptop);
    // The first page, past the 100-byte file header, overwritten: the schema SQLite reads from it
    // is gone. This used to be reported as the laptop's database being malformed (exit 1).
    std::string bytes = bytesOf(server);
    const size_t pageSize =
        (static_cast<unsigned char>(bytes[16]) << 8) | static_cast<unsigned char>(bytes[17]);
    for (size_t at = 100; at < pageSize; ++at)
        bytes[at] = static_cast<char>(0xa5 ^ (at & 0xff));
    std::ofstream(server, std::ios::binary | std::ios::trunc) << bytes;

    const std::string err = refusedMerge(dir, laptop, server);
    EXPECT_EQ(err.find("failed:"), std::string::npos) << err;
    Store store(laptop, OpenMode::ReadOnly);
    EXPECT_EQ(store.runs().size(), 2u);
}

TEST(CliMerge, ASourceWhoseRunsDoNotAddUpExitsWithTwoNamingTheRun)
{
    ScratchDir dir;
    const auto server = (dir / "server.sqlite").string();
    const auto laptop = (dir / "laptop.sqlite").string();
    makeServer(server);
    makeLaptop(laptop);
    {
        // 10 items stored, 25 claimed.
        sqlite::Database db(server, SQLITE_OPEN_READWRITE);
        db.exec("UPDATE runs SET n_items = 25 WHERE uid = 'a0000000000000000000000000000002'");
    }

    const std::string err = refusedMerge(dir, laptop, server);
    EXPECT_CONTAINS(err, "1 run does not add up, so nothing was merged");
    EXPECT_CONTAINS(err, "run a0000000000000000000000000000002: n_items says 25 but 10 items are stored");
    Store store(laptop, OpenMode::ReadOnly);
    EXPECT_EQ(store.runs().size(), 2u);
}
