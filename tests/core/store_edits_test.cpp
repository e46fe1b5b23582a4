// The run browser's edits: tags, notes, hiding, deleting a run (the group must read as if the run
// had never been stored), pins on deleted runs, and data_version across connections.

#include "workspace/group_data.h"
#include "workspace/settings.h"
#include "common/error.h"
#include "core/error_message.h"
#include "core/scratch_dir.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace nf::store;

namespace {

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

constexpr int64_t kTaskItems = 16;

std::vector<ItemRow> items(int64_t first, int64_t n, const std::function<bool(int64_t)>& correct)
{
    std::vector<ItemRow> rows;
    for (int64_t i = first; i < first + n; ++i)
        rows.push_back({i, static_cast<int32_t>(i % 4), correct(i), correct(i) ? 0.8 : 0.2});
    return rows;
}

// The runs the tests store, each with a fixed uid so that two databases can be compared run by run.
struct RunSpec
{
    std::string uid;
    int64_t seed;
    std::vector<ItemRow> items;
};

const RunSpec kA{"aaaa0000000000000000000000000001", 1, items(0, 10, [](int64_t i) { return i % 2 == 0; })};
// B answers items no other run does (10..15): their group_items rows must go with it.
const RunSpec kB{"bbbb0000000000000000000000000002", 2, items(0, 16, [](int64_t i) { return i % 3 != 0; })};
const RunSpec kC{"cccc0000000000000000000000000003", 3, items(0, 10, [](int64_t i) { return i < 7; })};
// A run of B's seed with other answers, stored as B's reproduction or, in the reference database
// where B never was, as the seed's original.
const RunSpec kR{"dddd0000000000000000000000000004", 2, items(0, 12, [](int64_t i) { return i != 5; })};
const RunSpec kR2{"eeee0000000000000000000000000005", 2, items(0, 10, [](int64_t) { return true; })};

// One config group over a task whose items have subjects "s0".."s2".
struct Db
{
    explicit Db(const fs::path& file) : store(file)
    {
        std::vector<TaskItem> taskItems;
        for (int64_t i = 0; i < kTaskItems; ++i)
            taskItems.push_back({"s" + std::to_string(i % 3), std::to_string(i % 4)});
        const int64_t model = store.ensureModel("/m.pt", "model-sha", "classifier", "model A");
        task = store.ensureTask("image", "/task", "task-sha", "task T", taskItems);
        config = store.ensureConfig(model, task, R"({"temperature":0.7})", "config-hash");
        env = store.ensureEnvironment(R"({"torch":"2.1"})", "env-hash");
    }
    int64_t add(const RunSpec& run, std::optional<int64_t> reproduces = {})
    {
        const int64_t id = store.beginRun({config, env, run.seed, "", "engine", reproduces, run.uid});
        store.completeRun(id, run.items, 1.5);
        return id;
    }
    // The group as the statistics see it, with run ids replaced by uids (ids differ between files).
    std::string snapshot() const
    {
        std::map<int64_t, std::string> uidOf;
        for (const RunRow& run : store.runs())
            uidOf[run.id] = run.uid;
        std::string text;
        const nf::stats::GroupData data = nf::workspace::loadGroupData(store, config);
        for (const auto& run : data.runs)
            text += "run " + uidOf[run.id] + " seed " + std::to_string(run.seed) + " " +
                    std::to_string(run.nCorrect) + "/" + std::to_string(run.nItems) + "\n";
        for (size_t i = 0; i < data.items.size(); ++i)
            text += "item " + std::to_string(i) + " " + std::to_string(data.items[i].nCorrect) + "/" +
                    std::to_string(data.items[i].nRuns) + " " + data.itemSubjects.at(i) + "\n";
        for (const auto& subject : data.subjects)
            text += "subject " + uidOf[subject.runId] + " " + subject.subject + " " +
                    std::to_string(subject.nCorrect) + "/" + std::to_string(subject.nItems) + "\n";
        for (const auto& count : store.groupItems(config)) // rows, not just counts: no zero rows left
            text += "group_items " + std::to_string(count.idx) + " " + std::to_string(count.nCorrect) + "/" +
                    std::to_string(count.nRuns) + "\n";
        const std::optional<GroupRow> group = store.group(config);
        for (const double accuracy : group->accuracies)
            text += "accuracy " + std::to_string(accuracy) + "\n";
        return text;
    }
    Store store;
    int64_t task = 0, config = 0, env = 0;
};

} // namespace

TEST(StoreEdits, TagsNotesAndHiddenAreStoredOnTheRun)
{
    nf::test::ScratchDir dir;
    Db db(dir / "db.sqlite");
    const int64_t id = db.add(kA);
    EXPECT_FALSE(db.store.run(id)->hidden);

    db.store.setRunTags(id, "baseline, fp16");
    db.store.setRunNotes(id, "rerun after the driver update");
    db.store.setRunHidden(id, true);
    RunRow run = *db.store.run(id);
    EXPECT_EQ(run.tags, "baseline, fp16");
    EXPECT_EQ(run.notes, "rerun after the driver update");
    EXPECT_TRUE(run.hidden);
    EXPECT_TRUE(db.store.runs().front().hidden);
    // Hiding is a view choice: the statistics still count the run.
    EXPECT_EQ(db.store.group(db.config)->accuracies.size(), 1u);

    db.store.setRunHidden(id, false);
    EXPECT_FALSE(db.store.run(id)->hidden);
}

TEST(StoreEdits, EditingAnUnknownRunNamesIt)
{
    nf::test::ScratchDir dir;
    Db db(dir / "db.sqlite");
    for (const auto& edit : std::vector<std::function<void()>>{
             [&] { db.store.setRunTags(42, "x"); }, [&] { db.store.setRunNotes(42, "x"); },
             [&] { db.store.setRunHidden(42, true); }, [&] { db.store.deleteRun(42); }})
        EXPECT_CONTAINS(nf::test::errorMessage(edit), "run 42 is not in");
}

TEST(StoreDelete, GroupReadsAsIfTheRunHadNeverBeenStored)
{
    nf::test::ScratchDir dir;
    Db db(dir / "db.sqlite");
    db.add(kA);
    const int64_t b = db.add(kB);
    db.add(kC);
    db.store.deleteRun(b);

    Db reference(dir / "reference.sqlite");
    reference.add(kA);
    reference.add(kC);
    EXPECT_EQ(db.snapshot(), reference.snapshot());
    EXPECT_FALSE(db.store.run(b));
    EXPECT_TRUE(db.store.runItems(b).empty());
    EXPECT_EQ(db.store.runs().size(), 2u);
}

TEST(StoreDelete, DeletingAReproductionLeavesTheAggregatesUnchanged)
{
    nf::test::ScratchDir dir;
    Db db(dir / "db.sqlite");
    const int64_t a = db.add(kA);
    db.add(kB);
    const std::string before = db.snapshot();
    const int64_t r = db.add({kR.uid, kA.seed, kR.items}, a);
    ASSERT_EQ(db.snapshot(), before);

    db.store.deleteRun(r);
    EXPECT_EQ(db.snapshot(), before);
    EXPECT_FALSE(db.store.run(r));
    EXPECT_TRUE(db.store.runItems(r).empty());
}

TEST(StoreDelete, ReproductionsOfADeletedRunTakeItsPlace)
{
    nf::test::ScratchDir dir;
    Db db(dir / "db.sqlite");
    db.add(kA);
    const int64_t b = db.add(kB);
    const int64_t r = db.add(kR, b);
    const int64_t r2 = db.add(kR2, b);
    db.store.deleteRun(b);

    // Had B never been stored, R would have been seed 2's original and R2 its reproduction.
    Db reference(dir / "reference.sqlite");
    reference.add(kA);
    reference.add(kR);
    reference.add(kR2);
    EXPECT_EQ(db.snapshot(), reference.snapshot());
    EXPECT_EQ(db.store.run(r)->reproduces, std::nullopt);
    EXPECT_EQ(db.store.run(r2)->reproduces, r);
    EXPECT_EQ(db.store.findCompletedRun(db.config, 2), r);
}

TEST(StoreDelete, ARunningRunIsRefusedAndAnEndedOneIsDeleted)
{
    nf::test::ScratchDir dir;
    Db db(dir / "db.sqlite");
    db.add(kA);
    const std::string before = db.snapshot();
    const int64_t running = db.store.beginRun({db.config, db.env, 9, "", "engine", std::nullopt, {}});
    EXPECT_CONTAINS(nf::test::errorMessage([&] { db.store.deleteRun(running); }), "is still running");
    EXPECT_EQ(db.store.run(running)->status, RunStatus::Running);

    db.store.endRun(running, RunStatus::Failed, "out of memory");
    db.store.deleteRun(running);
    EXPECT_FALSE(db.store.run(running));
    EXPECT_EQ(db.snapshot(), before);
}

TEST(StoreDelete, DeletingTheLastRunLeavesAnEmptyGroupListed)
{
    nf::test::ScratchDir dir;
    Db db(dir / "db.sqlite");
    const int64_t a = db.add(kA);
    db.store.deleteRun(a);

    const std::vector<GroupRow> groups = db.store.groups();
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].id, db.config);
    EXPECT_TRUE(groups[0].accuracies.empty());
    EXPECT_TRUE(db.store.groupItems(db.config).empty());
    EXPECT_TRUE(db.store.runSubjects(db.config).empty());
    EXPECT_TRUE(db.store.runs().empty());

    // The group takes new runs as before.
    db.add(kC);
    Db reference(dir / "reference.sqlite");
    reference.add(kC);
    EXPECT_EQ(db.snapshot(), reference.snapshot());
}

TEST(StorePins, APinOnADeletedRunOrGroupReadsAsNoPin)
{
    nf::test::ScratchDir dir;
    Db db(dir / "db.sqlite");
    db.add(kA);
    const int64_t b = db.add(kB);
    EXPECT_EQ(nf::workspace::pinRun(db.store, b), db.task);
    ASSERT_TRUE(nf::workspace::pinForTask(db.store, db.task));
    ASSERT_TRUE(nf::workspace::pinnedReference(db.store, db.task));

    db.store.deleteRun(b);
    EXPECT_FALSE(nf::workspace::pinForTask(db.store, db.task));
    EXPECT_FALSE(nf::workspace::pinnedReference(db.store, db.task));

    // Groups are never deleted by the store, but a database merged by hand can name a missing one.
    db.store.setSetting("pin.task." + std::to_string(db.task), "group:999");
    EXPECT_FALSE(nf::workspace::pinForTask(db.store, db.task));
    EXPECT_FALSE(nf::workspace::pinnedReference(db.store, db.task));
    nf::workspace::pinGroup(db.store, db.config);
    EXPECT_EQ(nf::workspace::pinForTask(db.store, db.task)->id, db.config);
}

TEST(StoreDataVersion, ChangesWhenAnotherConnectionCommitsAndNotOnReads)
{
    nf::test::ScratchDir dir;
    Db db(dir / "db.sqlite");
    const int64_t a = db.add(kA);
    Store other(dir / "db.sqlite");

    const int64_t start = db.store.dataVersion();
    other.runs();
    other.groupItems(db.config);
    EXPECT_EQ(db.store.dataVersion(), start);

    other.setRunTags(a, "seen by the app");
    const int64_t afterWrite = db.store.dataVersion();
    EXPECT_NE(afterWrite, start);
    EXPECT_EQ(db.store.run(a)->tags, "seen by the app");

    // Its own commits are not news to a connection.
    db.store.setRunNotes(a, "mine");
    EXPECT_EQ(db.store.dataVersion(), afterWrite);
}
