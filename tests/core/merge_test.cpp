// mergeDatabase: another noisefloor database's completed runs join this one, reading afterwards
// exactly as if they had been committed here one by one; merging twice adds nothing; bad files
// are refused with this database untouched.

#include "workspace/group_data.h"
#include "common/error.h"
#include "core/error_message.h"
#include "core/scratch_dir.h"
#include "store/merge.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace nf::store;
using nf::test::ScratchDir;

namespace {

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

std::vector<ItemRow> items(int64_t n, const std::function<bool(int64_t)>& correct)
{
    std::vector<ItemRow> rows;
    for (int64_t i = 0; i < n; ++i)
        rows.push_back({i, static_cast<int32_t>(i % 4), correct(i), correct(i) ? 0.8 : 0.2});
    return rows;
}

// A language model's items: the prompt's shots and its hash travel with the run.
std::vector<ItemRow> lmItems(int64_t n)
{
    auto rows = items(n, [](int64_t i) { return i % 4 != 1; });
    for (auto& row : rows) {
        row.nShots = static_cast<int32_t>(5 - row.idx % 2);
        row.promptHash = 1000003 * row.idx + 17;
    }
    return rows;
}

// Three config groups: 1 and 3 on task 1 (16 items, subjects s0-s2), 2 on task 2 (12 items,
// subjects x and y) with its own model.
struct GroupSpec
{
    const char* modelSha;
    const char* taskSha;
    const char* paramsHash;
};
const GroupSpec kGroups[] = {
    {"model-sha-1", "task-sha-1", "params-1"},
    {"model-sha-2", "task-sha-2", "params-2"},
    {"model-sha-1", "task-sha-1", "params-3"},
};

struct RunSpec
{
    std::string uid;
    int group = 1;
    int64_t seed = 1;
    std::string startedAt;
    std::vector<ItemRow> items;
    std::string source = "engine";
    std::string reproduces; // uid
    std::string env = "env-a";
    std::optional<double> runLevelAccuracy; // a run another tool reported only as a score
    bool imported = false;                  // points at the imports row "import-sha"
    bool hidden = false;
    std::string tags;
    std::string notes;
};

RunSpec makeRun(std::string uid, int group, int64_t seed, std::string startedAt, std::vector<ItemRow> rows)
{
    RunSpec spec;
    spec.uid = std::move(uid);
    spec.group = group;
    spec.seed = seed;
    spec.startedAt = std::move(startedAt);
    spec.items = std::move(rows);
    return spec;
}

// One database built with the store's own API; every row that identifies something (models,
// tasks, groups, environments, imports) is created when a run first needs it.
struct Db
{
    explicit Db(const fs::path& file) : store(file) {}

    int64_t group(int number)
    {
        const GroupSpec& spec = kGroups[number - 1];
        const bool first = number != 2;
        std::vector<TaskItem> taskItems;
        for (int64_t i = 0; i < (first ? 16 : 12); ++i)
            taskItems.push_back({first ? "s" + std::to_string(i % 3) : std::string(i < 5 ? "x" : "y"),
                                 std::string(1, static_cast<char>('A' + i % 4))});
        const int64_t model =
            store.ensureModel(std::string("/models/") + spec.modelSha + ".pt", spec.modelSha, "classifier",
                              std::string("model ") + spec.modelSha);
        const int64_t task = store.ensureTask("mmlu", std::string("/tasks/") + spec.taskSha, spec.taskSha,
                                              spec.taskSha, taskItems);
        return store.ensureConfig(model, task, std::string("{\"group\":\"") + spec.paramsHash + "\"}",
                                  spec.paramsHash);
    }

    int64_t add(const RunSpec& spec)
    {
        NewRun run;
        run.configId = group(spec.group);
        run.envId = store.ensureEnvironment("{\"machine\":\"" + spec.env + "\"}", spec.env);
        run.seed = spec.seed;
        run.label = "seed " + std::to_string(spec.seed);
        run.source = spec.source;
        if (!spec.reproduces.empty())
            run.reproduces = store.findRunByUid(spec.reproduces).value();
        run.uid = spec.uid;
        run.notes = spec.notes;
        if (spec.imported) {
            const auto existing = store.findImport("import-sha");
            run.importId = existing ? existing->id
                                    : store.addImport({0, "lm-eval", "/out/results_2026.json", "import-sha",
                                                       R"([{"path":"/out/samples.jsonl","sha256":"s"}])",
                                                       "2026-11-20T08:00:00.000Z", "import-sha"});
        }
        const int64_t id = spec.runLevelAccuracy
                               ? store.insertRunLevelRun(run, *spec.runLevelAccuracy, 12, 2.5, spec.startedAt)
                               : store.insertCompletedRun(run, spec.items, 1.5, spec.startedAt);
        if (spec.hidden)
            store.setRunHidden(id, true);
        if (!spec.tags.empty())
            store.setRunTags(id, spec.tags);
        return id;
    }

    int64_t addCancelled(const std::string& uid)
    {
        NewRun run;
        run.configId = group(1);
        run.seed = 9;
        run.uid = uid;
        const int64_t id = store.beginRun(run);
        store.endRun(id, RunStatus::Cancelled, "cancelled by the user");
        return id;
    }

    Store store;
};

// Everything a reader of the database sees, with ids replaced by what identifies the rows across
// files (uids, hashes): two databases holding the same runs give the same text.
std::string snapshot(const Store& store, bool completedOnly = false)
{
    std::ostringstream out;
    std::map<int64_t, std::string> uidOf;
    std::vector<RunRow> runs = store.runs();
    for (const RunRow& run : runs)
        uidOf[run.id] = run.uid;
    std::sort(runs.begin(), runs.end(), [](const RunRow& a, const RunRow& b) { return a.uid < b.uid; });
    for (const RunRow& run : runs) {
        if (completedOnly && run.status != RunStatus::Completed)
            continue;
        out << "run " << run.uid << " group " << store.group(run.configId)->paramsHash << " env "
            << store.environmentJson(run.envId) << " seed " << run.seed << " " << run.status << " label "
            << run.label << " " << run.startedAt << ".." << run.finishedAt << " " << run.nCorrect << "/"
            << run.nItems << " acc " << (run.accuracy ? std::to_string(*run.accuracy) : "-") << " dur "
            << (run.durationSeconds ? std::to_string(*run.durationSeconds) : "-") << " notes '" << run.notes
            << "' tags '" << run.tags << "' source " << run.source << " reproduces "
            << (run.reproduces ? uidOf.at(*run.reproduces) : "-") << " hidden " << run.hidden << " import "
            << (run.importId ? store.importRow(*run.importId)->sha256 : "-") << "\n";
        for (const ItemRow& item : store.runItems(run.id))
            out << "  item " << item.idx << " " << item.predicted << " " << item.correct << " " << item.pTrue
                << " " << (item.nShots ? std::to_string(*item.nShots) : "-") << " "
                << (item.promptHash ? std::to_string(*item.promptHash) : "-") << "\n";
    }
    std::vector<GroupRow> groups = store.groups();
    std::sort(groups.begin(), groups.end(),
              [](const GroupRow& a, const GroupRow& b) { return a.paramsHash < b.paramsHash; });
    for (const GroupRow& group : groups) {
        const ModelRow model = store.model(group.modelId);
        const TaskRow task = store.task(group.taskId);
        out << "group " << group.paramsHash << " " << group.paramsJson << " model " << model.sha256 << " "
            << model.path << " " << model.kind << " " << model.label << " task " << task.sha256 << " "
            << task.kind << " " << task.path << " " << task.nItems << " " << task.label << "\n";
        for (const TaskItem& item : store.taskItems(group.taskId))
            out << "  task item " << item.subject << " " << item.ref << "\n";
        for (const double accuracy : group.accuracies)
            out << "  accuracy " << accuracy << "\n";
        const nf::stats::GroupData data = nf::workspace::loadGroupData(store, group.id);
        for (const auto& run : data.runs)
            out << "  counted " << uidOf.at(run.id) << " seed " << run.seed << " " << run.nCorrect << "/"
                << run.nItems << "\n";
        for (size_t i = 0; i < data.items.size(); ++i)
            out << "  per item " << i << " " << data.items[i].nCorrect << "/" << data.items[i].nRuns << "\n";
        for (const auto& subject : data.subjects)
            out << "  subject " << uidOf.at(subject.runId) << " " << subject.subject << " "
                << subject.nCorrect << "/" << subject.nItems << "\n";
        for (const auto& count : store.groupItems(group.id)) // rows, not only counts: no stray zero rows
            out << "  group_items " << count.idx << " " << count.nCorrect << "/" << count.nRuns << "\n";
    }
    return out.str();
}

// The GPU server: runs of groups 1 and 2, a reproduction, a hidden run with tags and notes, an
// imported language-model run, a run-level run, a cancelled run, and a run the laptop also has.
const RunSpec kA1 = makeRun("a1000000000000000000000000000001", 1, 1, "2026-11-10T10:00:00.000Z",
                            items(16, [](int64_t i) { return i % 2 == 0; }));
// Seed 2 of group 1 is on the laptop already (kB1): here it becomes a reproduction of that run.
const RunSpec kA2 = makeRun("a2000000000000000000000000000002", 1, 2, "2026-11-10T11:00:00.000Z",
                            items(16, [](int64_t i) { return i % 3 != 0; }));
RunSpec reproductionOfA1()
{
    RunSpec spec = makeRun("a3000000000000000000000000000003", 1, 1, "2026-11-10T12:00:00.000Z",
                           items(16, [](int64_t) { return true; }));
    spec.reproduces = kA1.uid;
    return spec;
}
RunSpec hiddenRun()
{
    RunSpec spec = makeRun("a4000000000000000000000000000004", 2, 1, "2026-11-11T10:00:00.000Z",
                           items(12, [](int64_t i) { return i < 9; }));
    spec.env = "env-b";
    spec.hidden = true;
    spec.tags = "baseline, fp16";
    spec.notes = "after the driver update";
    return spec;
}
// Imported runs of one seed are distinct runs: this one counts beside the engine's seed 1.
RunSpec importedLmRun()
{
    RunSpec spec = makeRun("a5000000000000000000000000000005", 2, 1, "2026-11-11T11:00:00.000Z", lmItems(12));
    spec.source = "import:lm-eval";
    spec.imported = true;
    return spec;
}
RunSpec runLevelRun()
{
    RunSpec spec = makeRun("a6000000000000000000000000000006", 2, 7, "2026-11-11T12:00:00.000Z", {});
    spec.source = "import:llamafactory";
    spec.runLevelAccuracy = 0.5;
    return spec;
}
const std::string kCancelledUid = "a7000000000000000000000000000007";
// On both machines (the laptop merged it before), with other answers on the server's copy.
const RunSpec kShared = makeRun("c8000000000000000000000000000008", 1, 3, "2026-11-09T10:00:00.000Z",
                                items(16, [](int64_t i) { return i != 4; }));
RunSpec sharedAsOnServer()
{
    RunSpec spec = kShared;
    spec.items = items(16, [](int64_t) { return false; });
    return spec;
}

// The laptop: seed 2 of group 1, the shared run, and group 3 that only it has.
const RunSpec kB1 = makeRun("b1000000000000000000000000000001", 1, 2, "2026-11-01T10:00:00.000Z",
                            items(16, [](int64_t i) { return i % 5 != 0; }));
const RunSpec kB3 = makeRun("b3000000000000000000000000000003", 3, 1, "2026-11-02T10:00:00.000Z",
                            items(16, [](int64_t i) { return i > 2; }));

void makeServer(Db& a)
{
    a.add(sharedAsOnServer());
    a.add(kA1);
    a.add(kA2);
    a.add(reproductionOfA1());
    a.add(hiddenRun());
    a.add(importedLmRun());
    a.add(runLevelRun());
    a.addCancelled(kCancelledUid);
}

void makeLaptop(Db& b)
{
    b.add(kB1);
    b.add(kShared);
    b.add(kB3);
}

// The laptop as if the server's completed runs had been committed on it, one by one.
void makeReference(Db& r)
{
    makeLaptop(r);
    for (const RunSpec& spec : {kA1, kA2, reproductionOfA1(), hiddenRun(), importedLmRun(), runLevelRun()})
        r.add(spec);
}

std::string resultText(const MergeResult& r)
{
    std::ostringstream out;
    out << "added " << r.runsAdded << " here " << r.runsAlreadyHere << " not completed " << r.runsNotCompleted
        << " reproductions " << r.reproductions << " items " << r.itemsAdded << " groups " << r.groupsJoined
        << " joined " << r.groupsNew << " new, models " << r.modelsNew << " tasks " << r.tasksNew << " envs "
        << r.environmentsNew << " imports " << r.importsNew << " ids";
    for (const int64_t id : r.groups)
        out << " " << id;
    return out.str();
}

void execute(const fs::path& file, const char* sql)
{
    sqlite::Database db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec(sql);
}

} // namespace

TEST(Merge, MergedRunsReadAsIfTheyHadBeenCommittedHere)
{
    ScratchDir dir;
    Db a(dir / "server.sqlite");
    makeServer(a);
    Db b(dir / "laptop.sqlite");
    makeLaptop(b);
    const int64_t group1 = b.group(1);

    const MergeResult result = mergeDatabase(b.store, dir / "server.sqlite");

    Db reference(dir / "reference.sqlite");
    makeReference(reference);
    EXPECT_EQ(snapshot(b.store), snapshot(reference.store));
    const int64_t group2 = *b.store.findConfig("params-2");
    // 16 + 16 + 16 items in group 1, 12 + 12 in group 2; the run-level run has none.
    EXPECT_EQ(resultText(result),
              "added 6 here 1 not completed 1 reproductions 1 items 72 groups 1 joined 1 new, "
              "models 1 tasks 1 envs 1 imports 1 ids " +
                  std::to_string(group1) + " " + std::to_string(group2));
}

TEST(Merge, TheEngineSeedRuleMakesASeedThisDatabaseHasAReproduction)
{
    ScratchDir dir;
    Db a(dir / "server.sqlite");
    makeServer(a);
    Db b(dir / "laptop.sqlite");
    makeLaptop(b);
    mergeDatabase(b.store, dir / "server.sqlite");

    const RunRow a2 = *b.store.findRun(kA2.uid);
    EXPECT_EQ(a2.reproduces, b.store.findRunByUid(kB1.uid));
    EXPECT_EQ(b.store.findCompletedRun(a2.configId, 2), b.store.findRunByUid(kB1.uid));
    // The server's own reproduction keeps pointing at its original, now a run of this database.
    EXPECT_EQ(b.store.findRun(reproductionOfA1().uid)->reproduces, b.store.findRunByUid(kA1.uid));
    // The run already here is left as it was (its answers here, not the server's).
    EXPECT_EQ(b.store.findRun(kShared.uid)->nCorrect, 15);
    // Group 1 counts seeds 1, 2 (the laptop's) and 3 once each.
    EXPECT_EQ(b.store.group(a2.configId)->accuracies.size(), 3u);
    // Group 2: the engine's seed 1, the imported run of the same seed, and the run-level run.
    EXPECT_EQ(b.store.group(*b.store.findConfig("params-2"))->accuracies.size(), 3u);
}

TEST(Merge, HiddenTagsNotesImportsAndLanguageModelItemsComeAlong)
{
    ScratchDir dir;
    Db a(dir / "server.sqlite");
    makeServer(a);
    Db b(dir / "laptop.sqlite");
    mergeDatabase(b.store, dir / "server.sqlite");

    const RunRow hidden = *b.store.findRun(hiddenRun().uid);
    EXPECT_TRUE(hidden.hidden);
    EXPECT_EQ(hidden.tags, "baseline, fp16");
    EXPECT_EQ(hidden.notes, "after the driver update");
    EXPECT_EQ(b.store.environmentJson(hidden.envId), R"({"machine":"env-b"})");

    const RunRow lm = *b.store.findRun(importedLmRun().uid);
    ASSERT_TRUE(lm.importId);
    const ImportRow import = *b.store.importRow(*lm.importId);
    EXPECT_EQ(import.sha256, "import-sha");
    EXPECT_EQ(import.format, "lm-eval");
    EXPECT_EQ(import.importedAt, "2026-11-20T08:00:00.000Z");
    const auto lmRows = b.store.runItems(lm.id);
    ASSERT_EQ(lmRows.size(), 12u);
    EXPECT_EQ(lmRows[3].nShots, 4);
    EXPECT_EQ(lmRows[3].promptHash, 1000003 * 3 + 17);

    const RunRow runLevel = *b.store.findRun(runLevelRun().uid);
    EXPECT_EQ(runLevel.accuracy, 0.5);
    EXPECT_EQ(runLevel.nItems, 12);
    EXPECT_TRUE(b.store.runItems(runLevel.id).empty());
    EXPECT_FALSE(b.store.findRun(kCancelledUid)) << "only completed runs are merged";
}

TEST(Merge, MergingTwiceChangesNothing)
{
    ScratchDir dir;
    Db a(dir / "server.sqlite");
    makeServer(a);
    Db b(dir / "laptop.sqlite");
    makeLaptop(b);
    mergeDatabase(b.store, dir / "server.sqlite");
    const std::string once = snapshot(b.store);

    const MergeResult again = mergeDatabase(b.store, dir / "server.sqlite");
    EXPECT_EQ(snapshot(b.store), once);
    EXPECT_EQ(resultText(again),
              "added 0 here 7 not completed 1 reproductions 0 items 0 groups 0 joined 0 new, "
              "models 0 tasks 0 envs 0 imports 0 ids");
}

TEST(Merge, ADryRunReportsTheSameNumbersAndWritesNothing)
{
    ScratchDir dir;
    Db a(dir / "server.sqlite");
    makeServer(a);
    Db b(dir / "laptop.sqlite");
    makeLaptop(b);
    const std::string before = snapshot(b.store);

    const MergeResult dry = mergeDatabase(b.store, dir / "server.sqlite", true);
    EXPECT_EQ(snapshot(b.store), before);
    EXPECT_FALSE(b.store.findConfig("params-2"));

    const MergeResult real = mergeDatabase(b.store, dir / "server.sqlite");
    EXPECT_EQ(resultText(dry), resultText(real));
    EXPECT_NE(snapshot(b.store), before);
}

TEST(Merge, AVersionOneDatabaseMergesAsItReadsWhenUpgraded)
{
    ScratchDir dir;
    const fs::path v1 = dir / "store-v1.sqlite";
    fs::copy_file(fs::path(NF_TEST_DATA_DIR) / "store-v1.sqlite", v1);
    Db b(dir / "laptop.sqlite");
    const MergeResult result = mergeDatabase(b.store, v1);
    // Runs 1-3 and run 4, a reproduction of run 1; run 5 was cancelled.
    EXPECT_EQ(resultText(result),
              "added 4 here 0 not completed 1 reproductions 0 items 80 groups 0 joined 1 new, "
              "models 1 tasks 1 envs 1 imports 0 ids 1");

    const fs::path upgraded = dir / "upgraded.sqlite";
    fs::copy_file(fs::path(NF_TEST_DATA_DIR) / "store-v1.sqlite", upgraded);
    Store reference(upgraded);
    EXPECT_EQ(snapshot(b.store, true), snapshot(reference, true));
    EXPECT_FALSE(b.store.runs().front().hidden);
    EXPECT_FALSE(b.store.runItems(b.store.runs().front().id).front().nShots);
}

TEST(Merge, FilesThatAreNotNoisefloorDatabasesAreRefusedAndNothingChanges)
{
    ScratchDir dir;
    Db b(dir / "laptop.sqlite");
    makeLaptop(b);
    const std::string before = snapshot(b.store);
    auto refusal = [&](const fs::path& other) {
        return nf::test::errorMessage<nf::InputError>([&] { mergeDatabase(b.store, other); });
    };

    EXPECT_CONTAINS(refusal(dir / "missing.sqlite"), (dir / "missing.sqlite").string() + " does not exist");

    std::ofstream(dir / "notes.txt") << "not a database at all, just some text that is long enough\n";
    EXPECT_CONTAINS(refusal(dir / "notes.txt"),
                    (dir / "notes.txt").string() + " is not a noisefloor database");

    execute(dir / "other-program.sqlite", "CREATE TABLE songs(title TEXT)");
    EXPECT_CONTAINS(refusal(dir / "other-program.sqlite"), "is not a noisefloor database");

    std::ofstream(dir / "empty.sqlite").flush();
    EXPECT_CONTAINS(refusal(dir / "empty.sqlite"), "the file is empty");

    {
        Db newer(dir / "newer.sqlite");
        newer.add(kA1);
    }
    execute(dir / "newer.sqlite", "PRAGMA user_version = 99");
    EXPECT_CONTAINS(refusal(dir / "newer.sqlite"),
                    (dir / "newer.sqlite").string() + " was written by a newer noisefloor");

    EXPECT_CONTAINS(refusal(dir / "laptop.sqlite"), "cannot be merged into itself");
    EXPECT_CONTAINS(refusal(dir.path() / "." / "laptop.sqlite"), "cannot be merged into itself");
    EXPECT_EQ(snapshot(b.store), before);
}

TEST(Merge, ACorruptFileIsNamedAndNothingIsWritten)
{
    ScratchDir dir;
    Db b(dir / "laptop.sqlite");
    makeLaptop(b);
    const std::string before = snapshot(b.store);

    {
        Db a(dir / "beyond.sqlite");
        makeServer(a);
    }
    // An answer for item 99 of a 16-item task, in the last run merged: everything before it is undone.
    execute(
        dir / "beyond.sqlite",
        "INSERT INTO run_items(run_id, idx, predicted, correct, p_true) SELECT id, 99, 0, 1, 0.5 FROM runs "
        "WHERE uid = 'a3000000000000000000000000000003'");
    const std::string beyond =
        nf::test::errorMessage<nf::InputError>([&] { mergeDatabase(b.store, dir / "beyond.sqlite"); });
    EXPECT_CONTAINS(beyond, (dir / "beyond.sqlite").string());
    EXPECT_CONTAINS(beyond, "item 99");
    EXPECT_EQ(snapshot(b.store), before);

    {
        Db a(dir / "no-model.sqlite");
        makeServer(a);
    }
    execute(dir / "no-model.sqlite",
            "PRAGMA foreign_keys = OFF; UPDATE configs SET model_id = 999 WHERE id = 2");
    const std::string noModel =
        nf::test::errorMessage<nf::InputError>([&] { mergeDatabase(b.store, dir / "no-model.sqlite"); });
    EXPECT_CONTAINS(noModel, (dir / "no-model.sqlite").string());
    EXPECT_CONTAINS(noModel, "names model 999");
    EXPECT_EQ(snapshot(b.store), before);
}

TEST(Merge, WaitsForAnotherConnectionsWriteToEnd)
{
    ScratchDir dir;
    Db a(dir / "server.sqlite");
    makeServer(a);
    Db b(dir / "laptop.sqlite");
    makeLaptop(b);

    // Another process (here a thread with its own connection) holds the write lock for a while.
    std::promise<void> locked;
    std::thread writer([&] {
        Store other(dir / "laptop.sqlite");
        other.inTransaction([&] {
            other.setSetting("zones.watch", "1.5");
            locked.set_value();
            std::this_thread::sleep_for(std::chrono::milliseconds(400));
        });
    });
    locked.get_future().wait();
    const MergeResult result = mergeDatabase(b.store, dir / "server.sqlite");
    writer.join();
    EXPECT_EQ(result.runsAdded, 6);
    EXPECT_EQ(b.store.setting("zones.watch"), "1.5");
    EXPECT_TRUE(b.store.findRun(kA1.uid));
}
