#include "common/error.h"
#include "common/sha256.h"
#include "core/error_message.h"
#include "core/scratch_dir.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace nf::store;

namespace {

using TempDir = nf::test::ScratchDir;

// Writes straight to the file, for states the Store API never produces on purpose.
void rawSql(const fs::path& file, const std::string& sql)
{
    sqlite::Database db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec(sql.c_str());
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

// The fixture formula (tests/core/make_store_fixture.cpp): seeds 1, 2, 3 get 14, 15, 16 of 20.
bool fixtureCorrect(int64_t seed, int64_t i)
{
    return (i + seed) % (seed + 2) != 0;
}

std::vector<ItemRow> itemsWhere(int64_t n, const std::function<bool(int64_t)>& correct, int64_t first = 0)
{
    std::vector<ItemRow> items;
    for (int64_t i = first; i < first + n; ++i)
        items.push_back({i, static_cast<int32_t>(i % 4), correct(i), correct(i) ? 0.9 : 0.1});
    return items;
}

// A database with one config group over a task of n items whose subjects are "s0", "s1", "s2".
struct GroupDb
{
    explicit GroupDb(const fs::path& file, int64_t n = 10) : store(file)
    {
        std::vector<TaskItem> taskItems;
        for (int64_t i = 0; i < n; ++i)
            taskItems.push_back({"s" + std::to_string(i % 3), std::to_string(i % 4)});
        model = store.ensureModel("/m.pt", "model-sha", "classifier", "model A");
        task = store.ensureTask("image", "/task", "task-sha", "task T", taskItems);
        config = store.ensureConfig(model, task, R"({"temperature":0.7})", "config-hash");
        env = store.ensureEnvironment(R"({"torch":"2.1"})", "env-hash");
    }
    int64_t completed(int64_t seed, const std::vector<ItemRow>& items, std::optional<int64_t> reproduces = {})
    {
        int64_t id = store.beginRun({config, env, seed, "", "engine", reproduces, {}});
        store.completeRun(id, items, 2.5);
        return id;
    }
    Store store;
    int64_t model = 0, task = 0, config = 0, env = 0;
};

pid_t deadPid()
{
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, nullptr, 0);
    return child;
}

} // namespace

TEST(Store, CreatesTheCurrentSchemaAndItsFolder)
{
    TempDir dir;
    fs::path file = dir / "sub/folder/runs.sqlite";
    Store store(file);
    EXPECT_TRUE(fs::exists(file));
    EXPECT_EQ(store.schemaVersion(), Store::kSchemaVersion);
    EXPECT_EQ(store.path(), file);
    EXPECT_GT(store.fileSizeBytes(), 0u);
    EXPECT_TRUE(store.runs().empty());
}

TEST(Store, OpensAPrivateInMemoryDatabase)
{
    GroupDb s(":memory:", 3);
    int64_t id = s.completed(1, itemsWhere(3, [](int64_t i) { return i > 0; }));
    EXPECT_EQ(s.store.runItems(id).size(), 3u);
    EXPECT_EQ(s.store.schemaVersion(), Store::kSchemaVersion);
    EXPECT_FALSE(fs::exists(":memory:"));
}

TEST(Store, CompletedRunRoundTripsEveryItem)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite", 10);
    ModelRow model = s.store.model(s.model);
    EXPECT_EQ(model.path, "/m.pt");
    EXPECT_EQ(model.sha256, "model-sha");
    EXPECT_EQ(model.kind, "classifier");
    EXPECT_EQ(model.label, "model A");
    EXPECT_EQ(model.createdAt.size(), std::string("2026-11-28T04:10:00.123Z").size());
    TaskRow task = s.store.task(s.task);
    EXPECT_EQ(task.nItems, 10);
    EXPECT_EQ(task.label, "task T");
    ASSERT_EQ(s.store.taskItems(s.task).size(), 10u);
    EXPECT_EQ(s.store.taskItems(s.task)[4].subject, "s1");
    EXPECT_EQ(s.store.environmentJson(s.env), R"({"torch":"2.1"})");

    std::vector<ItemRow> items = itemsWhere(10, [](int64_t i) { return i % 4 != 0; });
    items[3].pTrue = 0.123456789;
    int64_t id = s.store.beginRun({s.config, s.env, 42, "first", "engine", std::nullopt, {}});
    std::optional<RunRow> running = s.store.run(id);
    ASSERT_TRUE(running);
    EXPECT_EQ(running->status, RunStatus::Running);
    EXPECT_TRUE(running->finishedAt.empty());
    EXPECT_FALSE(running->accuracy);
    s.store.completeRun(id, items, 3.25);

    RunRow run = *s.store.run(id);
    EXPECT_EQ(run.uid.size(), 32u);
    EXPECT_EQ(run.configId, s.config);
    EXPECT_EQ(run.envId, s.env);
    EXPECT_EQ(run.seed, 42);
    EXPECT_EQ(run.status, RunStatus::Completed);
    EXPECT_EQ(run.label, "first");
    EXPECT_EQ(run.source, "engine");
    EXPECT_EQ(run.nItems, 10);
    EXPECT_EQ(run.nCorrect, 7);
    EXPECT_DOUBLE_EQ(*run.accuracy, 0.7);
    EXPECT_DOUBLE_EQ(*run.durationSeconds, 3.25);
    EXPECT_FALSE(run.reproduces);
    EXPECT_LE(run.startedAt, run.finishedAt);
    EXPECT_EQ(run.finishedAt.back(), 'Z');

    std::vector<ItemRow> back = s.store.runItems(id);
    ASSERT_EQ(back.size(), items.size());
    for (size_t i = 0; i < items.size(); ++i) {
        EXPECT_EQ(back[i].idx, items[i].idx);
        EXPECT_EQ(back[i].predicted, items[i].predicted);
        EXPECT_EQ(back[i].correct, items[i].correct);
        EXPECT_DOUBLE_EQ(back[i].pTrue, items[i].pTrue);
    }
}

TEST(Store, LongRunsCrossTheBatchBoundaryWithoutLosingItems)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite", 1000);
    int64_t id = s.completed(1, itemsWhere(1000, [](int64_t i) { return i % 3 == 0; }));
    std::vector<ItemRow> back = s.store.runItems(id);
    ASSERT_EQ(back.size(), 1000u);
    EXPECT_EQ(back[999].idx, 999);
    EXPECT_EQ(s.store.run(id)->nCorrect, 334);
}

TEST(Store, EnsureReturnsTheExistingIds)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite", 5);
    EXPECT_EQ(s.store.ensureModel("/elsewhere.pt", "model-sha", "classifier", "other label"), s.model);
    EXPECT_EQ(s.store.model(s.model).label, "model A");
    EXPECT_EQ(s.store.ensureTask("image", "/task", "task-sha", "task T", {{"x", "y"}}), s.task);
    EXPECT_EQ(s.store.taskItems(s.task).size(), 5u);
    EXPECT_EQ(s.store.ensureConfig(s.model, s.task, "{}", "config-hash"), s.config);
    EXPECT_EQ(s.store.ensureEnvironment("{}", "env-hash"), s.env);
    EXPECT_NE(s.store.ensureModel("/m2.pt", "other-sha", "causal_lm", "model B"), s.model);
    EXPECT_NE(s.store.ensureEnvironment("{}", "other-env"), s.env);
}

TEST(Store, FindCompletedRunIgnoresReproductionsAndUnfinishedRuns)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite", 4);
    auto items = itemsWhere(4, [](int64_t) { return true; });
    int64_t running = s.store.beginRun({s.config, s.env, 1, "", "engine", std::nullopt, {}});
    int64_t failed = s.store.beginRun({s.config, s.env, 2, "", "engine", std::nullopt, {}});
    s.store.endRun(failed, RunStatus::Failed, "out of memory");
    EXPECT_FALSE(s.store.findCompletedRun(s.config, 1));
    EXPECT_FALSE(s.store.findCompletedRun(s.config, 2));

    int64_t original = s.completed(3, items);
    s.completed(4, items, original); // a reproduction with a seed no original run has
    EXPECT_EQ(s.store.findCompletedRun(s.config, 3), original);
    EXPECT_FALSE(s.store.findCompletedRun(s.config, 4));
    EXPECT_EQ(s.store.run(running)->status, RunStatus::Running);
    EXPECT_EQ(s.store.run(failed)->notes, "out of memory");
}

TEST(Store, AggregatesCountOriginalRunsAndLeaveOutReproductions)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite", 6);
    int64_t a = s.completed(1, itemsWhere(6, [](int64_t i) { return i < 3; }));      // 0.5
    int64_t b = s.completed(2, itemsWhere(6, [](int64_t i) { return i % 2 == 0; })); // 0.5
    s.completed(1, itemsWhere(6, [](int64_t) { return true; }), a);                  // reproduction

    std::vector<Store::GroupItemCount> counts = s.store.groupItems(s.config);
    ASSERT_EQ(counts.size(), 6u);
    const int64_t expectedCorrect[] = {2, 1, 2, 0, 1, 0};
    for (size_t i = 0; i < counts.size(); ++i) {
        EXPECT_EQ(counts[i].idx, static_cast<int64_t>(i));
        EXPECT_EQ(counts[i].nRuns, 2) << "item " << i;
        EXPECT_EQ(counts[i].nCorrect, expectedCorrect[i]) << "item " << i;
    }

    // Subjects: items 0,3 are s0; 1,4 s1; 2,5 s2.
    std::vector<Store::SubjectCount> subjects = s.store.runSubjects(s.config);
    ASSERT_EQ(subjects.size(), 6u);
    EXPECT_EQ(subjects[0].runId, a);
    EXPECT_EQ(subjects[0].subject, "s0");
    EXPECT_EQ(subjects[0].nItems, 2);
    EXPECT_EQ(subjects[0].nCorrect, 1);
    EXPECT_EQ(subjects[5].runId, b);
    EXPECT_EQ(subjects[5].subject, "s2");
    EXPECT_EQ(subjects[5].nCorrect, 1);

    std::vector<GroupRow> groups = s.store.groups();
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].modelLabel, "model A");
    EXPECT_EQ(groups[0].taskLabel, "task T");
    EXPECT_EQ(groups[0].paramsHash, "config-hash");
    EXPECT_EQ(groups[0].accuracies, (std::vector<double>{0.5, 0.5}));
    EXPECT_EQ(s.store.group(s.config)->accuracies, groups[0].accuracies);
    EXPECT_FALSE(s.store.group(s.config + 100));
}

TEST(Store, GroupItemsFollowRunsOverDifferentSubsets)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite", 20);
    auto all = [](int64_t) { return true; };
    s.completed(1, itemsWhere(10, all, 0));                        // items 0-9
    s.completed(2, itemsWhere(10, all, 5));                        // items 5-14: 5-9 seen, 10-14 new
    s.completed(3, {{2, 0, true, 1.0}, {1000000, 0, false, 0.0}}); // sparse: the plain upsert path
    std::vector<Store::GroupItemCount> counts = s.store.groupItems(s.config);
    ASSERT_EQ(counts.size(), 16u);
    auto at = [&](int64_t idx) {
        for (const auto& c : counts)
            if (c.idx == idx)
                return c;
        return Store::GroupItemCount{idx, -1, -1};
    };
    EXPECT_EQ(at(0).nRuns, 1);
    EXPECT_EQ(at(2).nRuns, 2);
    EXPECT_EQ(at(2).nCorrect, 2);
    EXPECT_EQ(at(7).nRuns, 2);
    EXPECT_EQ(at(12).nRuns, 1);
    EXPECT_EQ(at(1000000).nRuns, 1);
    EXPECT_EQ(at(1000000).nCorrect, 0);
}

TEST(Store, FailedCommitLeavesTheRunRunningWithNothingWritten)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite", 100);
    auto items = itemsWhere(100, [](int64_t) { return true; });
    items[80].idx = 10; // a duplicate, after the first batches went in
    int64_t id = s.store.beginRun({s.config, s.env, 1, "", "engine", std::nullopt, {}});
    EXPECT_THROW(s.store.completeRun(id, items, 1.0), nf::StoreError);
    EXPECT_EQ(s.store.run(id)->status, RunStatus::Running);
    EXPECT_TRUE(s.store.runItems(id).empty());
    EXPECT_TRUE(s.store.groupItems(s.config).empty());
    EXPECT_TRUE(s.store.runSubjects(s.config).empty());
    // Completing twice is refused too.
    s.store.completeRun(id, itemsWhere(100, [](int64_t) { return true; }), 1.0);
    EXPECT_THROW(s.store.completeRun(id, {}, 1.0), nf::StoreError);
}

TEST(Store, EndRunKeepsACompletedRunCompleted)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite", 2);
    int64_t id = s.completed(1, itemsWhere(2, [](int64_t) { return true; }));
    s.store.endRun(id, RunStatus::Failed, "too late");
    EXPECT_EQ(s.store.run(id)->status, RunStatus::Completed);
    EXPECT_THROW(s.store.endRun(id, RunStatus::Completed, ""), nf::InputError);
    EXPECT_THROW(s.store.endRun(id + 100, RunStatus::Failed, ""), nf::StoreError);
}

TEST(Store, InsertCompletedRunNormalisesTheImportedStartTime)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite", 4);
    NewRun imported{s.config, 0, 7, "from lm-eval", "import:lm-eval", std::nullopt, {}};
    int64_t id = s.store.insertCompletedRun(imported, itemsWhere(4, [](int64_t i) { return i == 0; }), 90.5,
                                            "2024-03-01 12:00:00+02:00");
    RunRow run = *s.store.run(id);
    EXPECT_EQ(run.status, RunStatus::Completed);
    EXPECT_EQ(run.startedAt, "2024-03-01T10:00:00.000Z");
    EXPECT_EQ(run.finishedAt, "2024-03-01T10:01:30.500Z");
    EXPECT_EQ(run.source, "import:lm-eval");
    EXPECT_EQ(run.envId, 0);
    EXPECT_DOUBLE_EQ(*run.accuracy, 0.25);
    EXPECT_EQ(s.store.groupItems(s.config).size(), 4u);
    EXPECT_EQ(s.store.environmentJson(0), "");
    EXPECT_THROW(s.store.insertCompletedRun(imported, {}, 1.0, "last tuesday"), nf::InputError);
}

TEST(Store, ItemsCommittedInChunksCountWithTheLastOnes)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite", 12);
    auto even = [](int64_t i) { return i % 2 == 0; };
    int64_t id = s.store.beginRun({s.config, s.env, 1, "", "engine", std::nullopt, {}});
    s.store.appendRunItems(id, itemsWhere(5, even, 0));
    s.store.appendRunItems(id, itemsWhere(4, even, 5));
    // Visible while the run is going, and not yet in the group.
    EXPECT_EQ(s.store.runItems(id).size(), 9u);
    EXPECT_EQ(s.store.run(id)->status, RunStatus::Running);
    EXPECT_TRUE(s.store.groupItems(s.config).empty());

    s.store.completeRun(id, itemsWhere(3, even, 9), 3.0);
    const auto run = s.store.run(id);
    EXPECT_EQ(run->status, RunStatus::Completed);
    EXPECT_EQ(run->nItems, 12);
    EXPECT_EQ(run->nCorrect, 6);
    EXPECT_DOUBLE_EQ(*run->accuracy, 0.5);
    const auto counts = s.store.groupItems(s.config);
    ASSERT_EQ(counts.size(), 12u);
    for (const auto& count : counts)
        EXPECT_EQ(count.nCorrect, even(count.idx) ? 1 : 0) << count.idx;
    int64_t subjectItems = 0;
    for (const auto& subject : s.store.runSubjects(s.config))
        subjectItems += subject.nItems;
    EXPECT_EQ(subjectItems, 12);
}

TEST(Store, AppendingToARunThatIsNotRunningIsRefused)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite");
    int64_t id = s.completed(1, itemsWhere(10, [](int64_t) { return true; }));
    EXPECT_CONTAINS(nf::test::errorMessage<nf::StoreError>(
                        [&] { s.store.appendRunItems(id, itemsWhere(1, [](int64_t) { return true; }, 20)); }),
                    "is completed, so it takes no more items");
}

TEST(Store, ResumeTakesAnInterruptedRunBackWithTheItemsItStored)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite", 10);
    auto all = [](int64_t) { return true; };
    int64_t id = s.store.beginRun({s.config, s.env, 4, "", "engine", std::nullopt, {}});
    s.store.appendRunItems(id, itemsWhere(6, all, 0));
    s.store.endRun(id, RunStatus::Interrupted, "killed");

    const auto done = s.store.resumeRun(id);
    ASSERT_EQ(done.size(), 6u);
    EXPECT_EQ(done.back().idx, 5);
    EXPECT_EQ(s.store.run(id)->status, RunStatus::Running);
    EXPECT_CONTAINS(s.store.run(id)->notes, "resumed");
    // A second process cannot resume it while this one holds it.
    EXPECT_CONTAINS(nf::test::errorMessage<nf::InputError>([&] { s.store.resumeRun(id); }), "still running");

    // The same process may have been judged gone by another one: its next chunk still lands.
    rawSql(dir / "db.sqlite", "UPDATE runs SET status = 'interrupted' WHERE id = " + std::to_string(id));
    s.store.appendRunItems(id, itemsWhere(2, all, 6));
    EXPECT_EQ(s.store.run(id)->status, RunStatus::Running);
    s.store.completeRun(id, itemsWhere(2, all, 8), 1.0);
    EXPECT_EQ(s.store.run(id)->nItems, 10);
    EXPECT_EQ(s.store.group(s.config)->accuracies, std::vector<double>{1.0});
    EXPECT_CONTAINS(nf::test::errorMessage<nf::InputError>([&] { s.store.resumeRun(id); }), "is completed");
    EXPECT_CONTAINS(nf::test::errorMessage<nf::InputError>([&] { s.store.resumeRun(99); }), "does not exist");
}

TEST(Store, EndingARunKeepsTheNotesOfItsEarlierSessions)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite");
    int64_t id = s.store.beginRun({s.config, s.env, 1, "", "engine", std::nullopt, {}});
    s.store.endRun(id, RunStatus::Interrupted, "killed");
    s.store.resumeRun(id);
    s.store.endRun(id, RunStatus::Cancelled, "cancelled at 3 of 10 items");
    const auto notes = s.store.run(id)->notes;
    EXPECT_CONTAINS(notes, "killed\nresumed ");
    EXPECT_CONTAINS(notes, "after being interrupted\ncancelled at 3 of 10 items");
}

TEST(Store, RunsFilterByConfigAndStatus)
{
    TempDir dir;
    GroupDb s(dir / "db.sqlite", 2);
    int64_t other = s.store.ensureConfig(s.model, s.task, "{}", "other-hash");
    s.completed(1, itemsWhere(2, [](int64_t) { return true; }));
    int64_t cancelled = s.store.beginRun({other, s.env, 1, "", "engine", std::nullopt, {}});
    s.store.endRun(cancelled, RunStatus::Cancelled, "");
    EXPECT_EQ(s.store.runs().size(), 2u);
    EXPECT_EQ(s.store.runs({s.config, std::nullopt}).size(), 1u);
    EXPECT_EQ(s.store.runs({std::nullopt, RunStatus::Cancelled}).front().id, cancelled);
    EXPECT_TRUE(s.store.runs({s.config, RunStatus::Cancelled}).empty());
}

TEST(Store, FindRunTakesAnIdAUidOrAUniquePrefix)
{
    TempDir dir;
    fs::path file = dir / "db.sqlite";
    std::string uidA = "abcd1" + std::string(27, '0');
    std::string uidB = "abcd2" + std::string(27, '0');
    {
        GroupDb s(file, 1);
        s.completed(1, {});
        s.completed(2, {});
    }
    rawSql(file, "UPDATE runs SET uid = '" + uidA + "' WHERE id = 1; UPDATE runs SET uid = '" + uidB +
                     "' WHERE id = 2");
    Store store(file);
    EXPECT_EQ(store.findRun("2")->uid, uidB);
    EXPECT_EQ(store.findRun(uidA)->id, 1);
    EXPECT_EQ(store.findRun("abcd1")->id, 1);
    EXPECT_EQ(store.findRun("ABCD2")->id, 2);
    EXPECT_FALSE(store.findRun("abc")); // too short to be a prefix
    EXPECT_FALSE(store.findRun("99"));
    EXPECT_FALSE(store.findRun("ffff"));
    EXPECT_FALSE(store.findRun("not-a-uid"));
    std::string message = nf::test::errorMessage<nf::InputError>([&] { store.findRun("abcd"); });
    EXPECT_CONTAINS(message, "run 'abcd' is ambiguous: matches 2 runs");
}

TEST(Store, FindRunReadsAnAllDigitUidPrefixAsShownByList)
{
    TempDir dir;
    fs::path file = dir / "db.sqlite";
    {
        GroupDb s(file, 1);
        s.completed(1, {});
        s.completed(2, {});
    }
    rawSql(file, "UPDATE runs SET uid = '12345678" + std::string(24, 'a') + "' WHERE id = 2");
    Store store(file);
    EXPECT_EQ(store.findRun("12345678")->id, 2) << "list shows 8 characters of the uid";
    EXPECT_EQ(store.findRun("1")->id, 1);
    EXPECT_FALSE(store.findRun("87654321"));
}

TEST(Store, SettingsAreUpserted)
{
    TempDir dir;
    Store store(dir / "db.sqlite");
    EXPECT_FALSE(store.setting("zones.normal"));
    store.setSetting("zones.normal", "1.0");
    store.setSetting("zones.normal", "1.5");
    EXPECT_EQ(store.setting("zones.normal"), "1.5");
}

TEST(Store, IsMovable)
{
    TempDir dir;
    Store a(dir / "a.sqlite");
    a.setSetting("k", "a");
    Store b(std::move(a));
    EXPECT_EQ(b.setting("k"), "a");
    Store c(dir / "c.sqlite");
    c = std::move(b);
    EXPECT_EQ(c.setting("k"), "a");
    EXPECT_EQ(c.path(), dir / "a.sqlite");
}

TEST(Store, ReadOnlyModeReadsButDoesNotWrite)
{
    TempDir dir;
    fs::path file = dir / "db.sqlite";
    {
        GroupDb s(file, 3);
        s.completed(1, itemsWhere(3, [](int64_t) { return true; }));
    }
    Store store(file, OpenMode::ReadOnly);
    EXPECT_EQ(store.runs().size(), 1u);
    EXPECT_THROW(store.setSetting("k", "v"), nf::StoreError);
}

TEST(StoreRecovery, RunOfAProcessThatIsGoneIsMarkedInterrupted)
{
    TempDir dir;
    fs::path file = dir / "db.sqlite";
    int64_t id = 0;
    {
        GroupDb s(file, 2);
        id = s.store.beginRun({s.config, s.env, 1, "", "engine", std::nullopt, {}});
    }
    pid_t gone = deadPid();
    rawSql(file, "UPDATE runs SET owner_pid = " + std::to_string(gone) + " WHERE id = " + std::to_string(id));
    Store store(file);
    RunRow run = *store.run(id);
    EXPECT_EQ(run.status, RunStatus::Interrupted);
    EXPECT_FALSE(run.finishedAt.empty());
    EXPECT_CONTAINS(run.notes, "interrupted: process " + std::to_string(gone) + " on ");
    EXPECT_CONTAINS(run.notes, " is gone");
    EXPECT_EQ(store.recoverInterrupted(), 0);
}

TEST(StoreRecovery, RunOfAReusedPidIsMarkedInterrupted)
{
    TempDir dir;
    fs::path file = dir / "db.sqlite";
    int64_t id = 0;
    {
        GroupDb s(file, 2);
        id = s.store.beginRun({s.config, s.env, 1, "", "engine", std::nullopt, {}});
    }
    // Our own pid, but a process that started at another time: the owner is gone and the pid reused.
    rawSql(file, "UPDATE runs SET owner_start = owner_start + 1 WHERE id = " + std::to_string(id));
    Store store(file);
    EXPECT_EQ(store.run(id)->status, RunStatus::Interrupted);
}

TEST(StoreRecovery, RunOfALiveProcessIsLeftRunning)
{
    TempDir dir;
    fs::path file = dir / "db.sqlite";
    GroupDb s(file, 2);
    int64_t id = s.store.beginRun({s.config, s.env, 1, "", "engine", std::nullopt, {}});
    Store other(file); // the app opening the file while a CLI run is in progress
    EXPECT_EQ(other.run(id)->status, RunStatus::Running);
    EXPECT_EQ(other.recoverInterrupted(), 0);
    s.store.completeRun(id, itemsWhere(2, [](int64_t) { return true; }), 1.0);
    EXPECT_EQ(other.run(id)->status, RunStatus::Completed);
}

TEST(StoreRecovery, RunOfAnotherHostIsLeftRunning)
{
    TempDir dir;
    fs::path file = dir / "db.sqlite";
    int64_t id = 0;
    {
        GroupDb s(file, 2);
        id = s.store.beginRun({s.config, s.env, 1, "", "engine", std::nullopt, {}});
    }
    rawSql(file, "UPDATE runs SET owner_host = 'gpu-server-7', owner_pid = " + std::to_string(deadPid()));
    Store store(file);
    EXPECT_EQ(store.run(id)->status, RunStatus::Running);
}

TEST(StoreRecovery, CrashMidRunLeavesAnInterruptedRunAndTheCompletedOnesIntact)
{
    TempDir dir;
    fs::path file = dir / "db.sqlite";
    int64_t done = 0;
    {
        GroupDb s(file, 50);
        done = s.completed(1, itemsWhere(50, [](int64_t i) { return i % 2 == 0; }));
    } // no connection is open across fork()

    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        try {
            Store store(file);
            store.beginRun({1, 1, 2, "crashes", "engine", std::nullopt, {}});
        } catch (...) {
            _exit(1);
        }
        _exit(0); // no destructors, no completeRun: as if killed
    }
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    Store store(file);
    std::vector<RunRow> runs = store.runs();
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[1].label, "crashes");
    EXPECT_EQ(runs[1].status, RunStatus::Interrupted);
    EXPECT_CONTAINS(runs[1].notes, std::to_string(child));
    EXPECT_EQ(store.run(done)->status, RunStatus::Completed);
    EXPECT_EQ(store.runItems(done).size(), 50u);
    EXPECT_EQ(store.groupItems(1).size(), 50u);
    EXPECT_EQ(store.group(1)->accuracies, std::vector<double>{0.5});
}

TEST(StoreConcurrency, TwoStoresWriteTheSameFileFromTwoThreads)
{
    TempDir dir;
    fs::path file = dir / "db.sqlite";
    int64_t config = 0;
    {
        GroupDb s(file, 300);
        config = s.config;
    }
    constexpr int kRunsEach = 20;
    auto writer = [&](int thread, std::string* error) {
        try {
            Store store(file);
            for (int r = 0; r < kRunsEach; ++r) {
                int64_t id = store.beginRun({config, 1, thread * 1000 + r, "", "engine", std::nullopt, {}});
                store.completeRun(id, itemsWhere(300, [r](int64_t i) { return (i + r) % 2 == 0; }), 0.1);
                store.groups(); // readers interleave with the other thread's commits
            }
        } catch (const std::exception& e) {
            *error = e.what();
        }
    };
    std::string errorA, errorB;
    std::thread a(writer, 1, &errorA), b(writer, 2, &errorB);
    a.join();
    b.join();
    EXPECT_EQ(errorA, "");
    EXPECT_EQ(errorB, "");
    Store store(file);
    EXPECT_EQ(store.runs({config, RunStatus::Completed}).size(), 2u * kRunsEach);
    EXPECT_EQ(store.groupItems(config).front().nRuns, 2 * kRunsEach);
    EXPECT_EQ(store.groupItems(config).front().nCorrect, kRunsEach); // item 0 right when r is even
}

TEST(StoreErrors, ReadOnlyFileIsRefusedNamingThePath)
{
    TempDir dir;
    fs::path file = dir / "db.sqlite";
    {
        Store store(file);
    }
    chmod(file.c_str(), 0444);
    if (access(file.c_str(), W_OK) == 0)
        GTEST_SKIP()
            << "running as root: chmod 0444 does not stop root writing, so no file is read-only here";
    std::string message = nf::test::errorMessage<nf::StoreError>([&] { Store store(file); });
    EXPECT_CONTAINS(message, file.string());
    EXPECT_CONTAINS(message, "read-only");
    Store reader(file, OpenMode::ReadOnly); // reading it is fine
}

TEST(StoreErrors, GarbageFileIsNotANoisefloorDatabase)
{
    TempDir dir;
    fs::path file = dir / "notes.txt";
    std::string text;
    for (int i = 0; i < 200; ++i)
        text += "this is not a database\n";
    std::ofstream(file) << text;
    std::string message = nf::test::errorMessage<nf::StoreError>([&] { Store store(file); });
    EXPECT_CONTAINS(message, file.string());
    EXPECT_CONTAINS(message, "is not a noisefloor database");
    EXPECT_EQ(fs::file_size(file), text.size()); // untouched
}

TEST(StoreErrors, AnotherProgramsSqliteFileIsRefused)
{
    TempDir dir;
    fs::path tables = dir / "tables.sqlite";
    rawSql(tables, "CREATE TABLE bookmarks(url TEXT)");
    EXPECT_CONTAINS(nf::test::errorMessage<nf::StoreError>([&] { Store store(tables); }),
                    "is not a noisefloor database");
    fs::path versioned = dir / "versioned.sqlite";
    rawSql(versioned, "CREATE TABLE t(x); PRAGMA user_version = 3");
    EXPECT_CONTAINS(nf::test::errorMessage<nf::StoreError>([&] { Store store(versioned); }),
                    "is not a noisefloor database");
}

TEST(StoreErrors, NewerSchemaIsRefused)
{
    TempDir dir;
    fs::path file = dir / "db.sqlite";
    {
        Store store(file);
    }
    rawSql(file, "PRAGMA user_version = " + std::to_string(Store::kSchemaVersion + 1));
    std::string message = nf::test::errorMessage<nf::StoreError>([&] { Store store(file); });
    EXPECT_CONTAINS(message, file.string());
    const std::string newer = std::to_string(Store::kSchemaVersion + 1);
    const std::string current = std::to_string(Store::kSchemaVersion);
    EXPECT_CONTAINS(message, "was written by a newer noisefloor (schema " + newer +
                                 "); this one reads up to " + current);
}

TEST(StoreErrors, NothingIsCreatedWhenOpeningFails)
{
    TempDir dir;
    fs::path missing = dir / "missing.sqlite";
    EXPECT_CONTAINS(nf::test::errorMessage<nf::StoreError>([&] { Store store(missing, OpenMode::ReadOnly); }),
                    missing.string());
    EXPECT_FALSE(fs::exists(missing));

    std::ofstream(dir / "file") << "x";
    fs::path underFile = dir / "file/db.sqlite";
    EXPECT_CONTAINS(nf::test::errorMessage<nf::StoreError>([&] { Store store(underFile); }),
                    underFile.string());

    fs::create_directory(dir / "folder");
    EXPECT_CONTAINS(nf::test::errorMessage<nf::StoreError>([&] { Store store(dir / "folder"); }),
                    "is a folder");
}

TEST(StoreMigration, VersionOneFixtureKeepsItsRunsItemsAndGroups)
{
    TempDir dir;
    fs::path file = dir / "store-v1.sqlite";
    fs::copy_file(fs::path(NF_TEST_DATA_DIR) / "store-v1.sqlite", file);
    Store store(file);
    EXPECT_EQ(store.schemaVersion(), Store::kSchemaVersion);

    std::vector<RunRow> runs = store.runs();
    ASSERT_EQ(runs.size(), 5u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(runs[i].seed, i + 1);
        EXPECT_EQ(runs[i].status, RunStatus::Completed);
        EXPECT_EQ(runs[i].nCorrect, 14 + i);
        EXPECT_EQ(store.findCompletedRun(runs[i].configId, i + 1), runs[i].id);
    }
    EXPECT_EQ(runs[3].reproduces, runs[0].id);
    EXPECT_EQ(runs[4].status, RunStatus::Cancelled);
    EXPECT_EQ(runs[4].notes, "cancelled by the user");
    // Schema 3's columns: items from before it have no prompt.
    for (const ItemRow& item : store.runItems(runs[0].id)) {
        EXPECT_FALSE(item.nShots.has_value());
        EXPECT_FALSE(item.promptHash.has_value());
    }
    // Schema 2's column: runs from before it are all shown.
    for (const RunRow& run : runs)
        EXPECT_FALSE(run.hidden) << "run " << run.id;
    EXPECT_EQ(store.findRun(runs[2].uid.substr(0, 8))->id, runs[2].id);

    std::vector<ItemRow> items = store.runItems(runs[1].id);
    ASSERT_EQ(items.size(), 20u);
    for (const ItemRow& item : items) {
        EXPECT_EQ(item.correct, fixtureCorrect(2, item.idx)) << "item " << item.idx;
        EXPECT_DOUBLE_EQ(item.pTrue, item.correct ? 0.75 : 0.25);
    }

    std::vector<GroupRow> groups = store.groups();
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].modelLabel, "tiny-mlp");
    EXPECT_EQ(groups[0].taskLabel, "mini-mmlu");
    EXPECT_EQ(groups[0].accuracies, (std::vector<double>{0.70, 0.75, 0.80}));
    for (const auto& count : store.groupItems(groups[0].id)) {
        int64_t correct =
            fixtureCorrect(1, count.idx) + fixtureCorrect(2, count.idx) + fixtureCorrect(3, count.idx);
        EXPECT_EQ(count.nRuns, 3);
        EXPECT_EQ(count.nCorrect, correct) << "item " << count.idx;
    }
    std::vector<Store::SubjectCount> subjects = store.runSubjects(groups[0].id);
    ASSERT_EQ(subjects.size(), 12u); // 3 runs x 4 subjects
    EXPECT_EQ(subjects[0].subject, "algebra");
    EXPECT_EQ(subjects[0].nItems, 5);
    EXPECT_EQ(store.taskItems(groups[0].taskId)[3].subject, "history");
    EXPECT_EQ(store.setting("zones.normal"), "1.0");

    // Still writable: the next run joins the group.
    int64_t next = store.beginRun({groups[0].id, runs[0].envId, 5, "", "engine", std::nullopt, {}});
    store.completeRun(next, itemsWhere(20, [](int64_t) { return true; }), 1.0);
    EXPECT_EQ(store.group(groups[0].id)->accuracies.size(), 4u);
    store.setRunHidden(next, true);
    EXPECT_TRUE(store.run(next)->hidden);

    // ... and its language-model items keep their shots and prompt hashes.
    auto promptItems = itemsWhere(20, [](int64_t i) { return i % 2 == 0; });
    for (ItemRow& item : promptItems) {
        item.nShots = static_cast<int32_t>(item.idx % 6);
        item.promptHash = -1234567890123LL * (item.idx + 1);
    }
    int64_t llm = store.beginRun({groups[0].id, runs[0].envId, 6, "", "engine", std::nullopt, {}});
    store.completeRun(llm, promptItems, 1.0);
    const auto read = store.runItems(llm);
    ASSERT_EQ(read.size(), 20u);
    for (const ItemRow& item : read) {
        EXPECT_EQ(item.nShots, static_cast<int32_t>(item.idx % 6));
        EXPECT_EQ(item.promptHash, -1234567890123LL * (item.idx + 1));
    }
}

// A read-only open reads an older file through a copy migrated in memory and leaves the file as
// it is; a read-write open upgrades the file itself.
TEST(StoreMigration, VersionOneFixtureReadsReadOnlyThroughAMigratedCopyUntilUpgraded)
{
    TempDir dir;
    fs::path file = dir / "store-v1.sqlite";
    fs::copy_file(fs::path(NF_TEST_DATA_DIR) / "store-v1.sqlite", file);
    const std::string before = nf::sha256File(file);
    {
        Store store(file, OpenMode::ReadOnly);
        EXPECT_EQ(store.schemaVersion(), Store::kSchemaVersion);
        EXPECT_EQ(store.fileSchemaVersion(), 1);
        EXPECT_EQ(store.path(), file);
        EXPECT_EQ(store.runs().size(), 5u);
        EXPECT_FALSE(store.runs().front().hidden);
    }
    EXPECT_EQ(nf::sha256File(file), before) << "reading changed the file";
    {
        Store upgrade(file);
        EXPECT_EQ(upgrade.fileSchemaVersion(), Store::kSchemaVersion);
    }
    Store store(file, OpenMode::ReadOnly);
    EXPECT_EQ(store.fileSchemaVersion(), Store::kSchemaVersion);
    EXPECT_EQ(store.runs().size(), 5u);
}
