// The run ledger (core/store/ledger.h): whatever path writes runs (a commit, an import, a resume,
// a delete, a merge), the aggregates stay equal to a recomputation from the runs' own items, and
// every completed engine run of a (group, seed) is either that seed's original or a reproduction
// of it.

#include "core/scratch_dir.h"
#include "store/merge.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

using namespace nf::store;

namespace {

constexpr int64_t kTaskItems = 16;
constexpr int kGroups = 2;
constexpr int kSeeds = 3;

// Two config groups over one task whose items have subjects "s0".."s2"; the same hashes in every
// file, so that a merge joins them.
struct Db
{
    explicit Db(const std::filesystem::path& file) : store(file)
    {
        std::vector<TaskItem> taskItems;
        for (int64_t i = 0; i < kTaskItems; ++i)
            taskItems.push_back({"s" + std::to_string(i % 3), std::to_string(i % 4)});
        const int64_t model = store.ensureModel("/m.pt", "model-sha", "classifier", "model");
        task = store.ensureTask("image", "/task", "task-sha", "task", taskItems);
        for (int g = 0; g < kGroups; ++g)
            configs.push_back(store.ensureConfig(model, task, "{\"g\":" + std::to_string(g) + "}",
                                                 "hash-" + std::to_string(g)));
        env = store.ensureEnvironment("{}", "env-hash");
    }

    Store store;
    int64_t task = 0;
    std::vector<int64_t> configs;
    int64_t env = 0;
};

// A random subset of the task's items (a contiguous range, as a --limit gives), answered at random.
std::vector<ItemRow> randomItems(std::mt19937& random)
{
    std::uniform_int_distribution<int64_t> first(0, 6);
    std::uniform_int_distribution<int64_t> count(1, 10);
    std::bernoulli_distribution correct(0.6);
    const int64_t from = first(random);
    const int64_t n = std::min(count(random), kTaskItems - from);
    std::vector<ItemRow> items;
    for (int64_t i = from; i < from + n; ++i) {
        const bool right = correct(random);
        items.push_back({i, static_cast<int32_t>(i % 4), right, right ? 0.9 : 0.1});
    }
    return items;
}

bool counts(const RunRow& run)
{
    return run.status == RunStatus::Completed && !run.reproduces;
}

// group_items and the subjects of the counted runs, recomputed from run_items, against the store's.
void expectAggregatesRecomputed(const Store& store, int64_t configId, int64_t taskId)
{
    std::map<int64_t, std::pair<int64_t, int64_t>> perItem; // idx -> runs, correct
    std::vector<std::tuple<int64_t, std::string, int64_t, int64_t>> subjects;
    const auto taskItems = store.taskItems(taskId);
    for (const RunRow& run : store.runs({.configId = configId, .status = std::nullopt})) {
        if (!counts(run))
            continue;
        std::map<std::string, std::pair<int64_t, int64_t>> ofRun;
        for (const ItemRow& item : store.runItems(run.id)) {
            perItem[item.idx].first += 1;
            perItem[item.idx].second += item.correct ? 1 : 0;
            auto& subject = ofRun[taskItems.at(static_cast<size_t>(item.idx)).subject];
            subject.first += 1;
            subject.second += item.correct ? 1 : 0;
        }
        for (const auto& [name, count] : ofRun)
            subjects.emplace_back(run.id, name, count.first, count.second);
    }
    std::map<int64_t, std::pair<int64_t, int64_t>> stored;
    for (const Store::GroupItemCount& count : store.groupItems(configId))
        stored[count.idx] = {count.nRuns, count.nCorrect};
    EXPECT_EQ(stored, perItem) << "group_items of group " << configId;

    std::vector<std::tuple<int64_t, std::string, int64_t, int64_t>> storedSubjects;
    for (const Store::SubjectCount& count : store.runSubjects(configId))
        storedSubjects.emplace_back(count.runId, count.subject, count.nItems, count.nCorrect);
    std::sort(subjects.begin(), subjects.end());
    std::sort(storedSubjects.begin(), storedSubjects.end());
    EXPECT_EQ(storedSubjects, subjects) << "run_subjects of group " << configId;
}

// The rule: per (group, seed), the counted runs are the originals (imported runs of one seed are
// distinct runs, so there may be several); the one of lowest id is the seed's original, every
// other completed engine run of the seed reproduces it (directly, or through the run it reproduced
// in the database it was merged from, which may be an imported run that counts here too), and at
// most one engine run counts.
void expectOneOriginalPerSeed(const Store& store)
{
    std::map<std::pair<int64_t, int64_t>, std::vector<RunRow>> bySeed;
    for (const RunRow& run : store.runs())
        bySeed[{run.configId, run.seed}].push_back(run);
    for (auto& [key, runs] : bySeed) {
        std::sort(runs.begin(), runs.end(), [](const RunRow& a, const RunRow& b) { return a.id < b.id; });
        std::optional<int64_t> original;
        int countedEngine = 0;
        for (const RunRow& run : runs) {
            if (!counts(run))
                continue;
            countedEngine += run.source == "engine" ? 1 : 0;
            if (!original)
                original = run.id;
        }
        const std::string where =
            "group " + std::to_string(key.first) + " seed " + std::to_string(key.second);
        EXPECT_LE(countedEngine, 1) << where;
        EXPECT_EQ(original, store.findCompletedRun(key.first, key.second)) << where;
        for (const RunRow& run : runs) {
            if (run.status != RunStatus::Completed || run.source != "engine" || counts(run))
                continue;
            // A merged run keeps the link it had there: the original there may be a reproduction
            // here, so the chain, not the first link, ends at the original.
            std::optional<int64_t> end = run.reproduces;
            for (int hops = 0; end && hops < 10; ++hops) {
                const auto next = store.run(*end);
                if (!next || !next->reproduces)
                    break;
                end = next->reproduces;
            }
            // The seed's original, or (merged) another counted run of the seed, such as an imported
            // run that was the original where it came from.
            ASSERT_TRUE(end) << where << ": run " << run.id;
            const auto reproduced = store.run(*end);
            ASSERT_TRUE(reproduced);
            EXPECT_TRUE(counts(*reproduced) && reproduced->configId == key.first &&
                        reproduced->seed == key.second &&
                        (*end == original || reproduced->source != "engine"))
                << where << ": run " << run.id << " reproduces " << *end;
        }
    }
}

void expectLedgerConsistent(const Db& db)
{
    for (const int64_t config : db.configs)
        expectAggregatesRecomputed(db.store, config, db.task);
    expectOneOriginalPerSeed(db.store);
}

// Runs of another database, made with the same groups, for the merges.
void fillOther(Db& other, std::mt19937& random, int runs)
{
    std::uniform_int_distribution<int> group(0, kGroups - 1);
    std::uniform_int_distribution<int> seed(1, kSeeds);
    std::bernoulli_distribution imported(0.2);
    for (int i = 0; i < runs; ++i) {
        NewRun run(other.configs[static_cast<size_t>(group(random))], other.env, seed(random), "there",
                   imported(random) ? "import:jsonl" : "engine");
        if (run.source == "engine") {
            const int64_t id = other.store.beginRun(run);
            other.store.completeRun(id, randomItems(random), 1.0);
        } else {
            other.store.insertCompletedRun(run, randomItems(random), 1.0, "");
        }
    }
}

} // namespace

TEST(RunLedger, TheFirstRunToCompleteIsTheOriginalNotTheFirstToBegin)
{
    nf::test::ScratchDir dir;
    Db db(dir / "runs.sqlite");
    std::mt19937 random(1);
    const int64_t config = db.configs[0];
    const int64_t early = db.store.beginRun({config, db.env, 7, "begun first"});
    const int64_t late = db.store.beginRun({config, db.env, 7, "begun second"});
    db.store.completeRun(late, randomItems(random), 1.0);
    db.store.completeRun(early, randomItems(random), 1.0);

    EXPECT_EQ(db.store.findCompletedRun(config, 7), late);
    EXPECT_FALSE(db.store.run(late)->reproduces);
    EXPECT_EQ(db.store.run(early)->reproduces, late);
    expectLedgerConsistent(db);
}

TEST(RunLedger, ImportedRunsOfOneSeedAreDistinctButAnEngineRunReproducesTheFirst)
{
    nf::test::ScratchDir dir;
    Db db(dir / "runs.sqlite");
    std::mt19937 random(2);
    const int64_t config = db.configs[0];
    const int64_t first = db.store.insertCompletedRun({config, db.env, 1234, "", "import:lm-eval"},
                                                      randomItems(random), 1.0, "");
    const int64_t second = db.store.insertCompletedRun({config, db.env, 1234, "", "import:lm-eval"},
                                                       randomItems(random), 1.0, "");
    const int64_t engine = db.store.beginRun({config, db.env, 1234, ""});
    db.store.completeRun(engine, randomItems(random), 1.0);

    EXPECT_FALSE(db.store.run(second)->reproduces) << "another harness run twice is two runs";
    EXPECT_EQ(db.store.run(engine)->reproduces, first);
    expectLedgerConsistent(db);
}

TEST(RunLedger, AResumedRunIsJudgedWhenItCompletes)
{
    nf::test::ScratchDir dir;
    Db db(dir / "runs.sqlite");
    std::mt19937 random(3);
    const int64_t config = db.configs[1];
    const int64_t resumed = db.store.beginRun({config, db.env, 5, ""});
    db.store.appendRunItems(resumed, {{0, 1, true, 0.9}, {1, 2, false, 0.1}});
    db.store.endRun(resumed, RunStatus::Interrupted, "the process went away");
    const int64_t other = db.store.beginRun({config, db.env, 5, ""});
    db.store.completeRun(other, randomItems(random), 1.0);

    ASSERT_EQ(db.store.resumeRun(resumed).size(), 2u);
    db.store.completeRun(resumed, {{2, 3, true, 0.8}}, 2.0);

    EXPECT_EQ(db.store.run(resumed)->nItems, 3);
    EXPECT_EQ(db.store.run(resumed)->reproduces, other);
    expectLedgerConsistent(db);
}

// Every write path, in a random order, with the invariants checked after each step.
TEST(RunLedger, AggregatesEqualARecomputationAfterAnySequenceOfWrites)
{
    nf::test::ScratchDir dir;
    Db db(dir / "runs.sqlite");
    std::mt19937 random(20261207);
    std::uniform_int_distribution<int> operation(0, 9);
    std::uniform_int_distribution<int> group(0, kGroups - 1);
    std::uniform_int_distribution<int> seed(1, kSeeds);
    int merges = 0;
    for (int step = 0; step < 160; ++step) {
        const int64_t config = db.configs[static_cast<size_t>(group(random))];
        const int64_t runSeed = seed(random);
        const std::vector<RunRow> runs = db.store.runs();
        std::string what;
        switch (operation(random)) {
        case 0:
        case 1: {
            what = "a commit";
            const int64_t id = db.store.beginRun({config, db.env, runSeed, ""});
            db.store.completeRun(id, randomItems(random), 1.0);
            break;
        }
        case 2: {
            what = "two commits of one seed, the later begun committing first";
            const int64_t a = db.store.beginRun({config, db.env, runSeed, ""});
            const int64_t b = db.store.beginRun({config, db.env, runSeed, ""});
            db.store.completeRun(b, randomItems(random), 1.0);
            db.store.completeRun(a, randomItems(random), 1.0);
            break;
        }
        case 3: {
            what = "a run that fails part-way";
            const int64_t id = db.store.beginRun({config, db.env, runSeed, ""});
            db.store.appendRunItems(id, {{kTaskItems - 1, 0, true, 0.7}});
            db.store.endRun(
                id, std::bernoulli_distribution(0.5)(random) ? RunStatus::Failed : RunStatus::Interrupted,
                "stopped");
            break;
        }
        case 4: {
            what = "a resume";
            std::vector<int64_t> resumable;
            for (const RunRow& run : runs)
                if (run.source == "engine" && run.status != RunStatus::Completed &&
                    run.status != RunStatus::Running)
                    resumable.push_back(run.id);
            if (resumable.empty())
                continue;
            const int64_t id = resumable[random() % resumable.size()];
            db.store.resumeRun(id);
            db.store.completeRun(id, {{0, 1, true, 0.6}, {1, 1, false, 0.4}}, 1.0);
            break;
        }
        case 5:
            what = "an import";
            db.store.insertCompletedRun({config, db.env, runSeed, "", "import:jsonl"}, randomItems(random),
                                        1.0, "");
            break;
        case 6:
            what = "an imported score";
            db.store.insertRunLevelRun({config, db.env, runSeed, "", "import:llamafactory"}, 0.5, 10, 1.0,
                                       "");
            break;
        case 7:
        case 8: {
            what = "a delete";
            if (runs.empty())
                continue;
            db.store.deleteRun(runs[random() % runs.size()].id);
            break;
        }
        case 9: {
            what = "a merge";
            Db other(dir / ("other-" + std::to_string(merges++) + ".sqlite"));
            fillOther(other, random, 4);
            const MergeResult result = mergeDatabase(db.store, other.store.path());
            EXPECT_EQ(result.runsAdded, 4);
            break;
        }
        }
        SCOPED_TRACE("step " + std::to_string(step) + ": " + what);
        expectLedgerConsistent(db);
        if (testing::Test::HasFailure())
            return;
    }
    EXPECT_GT(merges, 5);
}

TEST(RunLedger, AMergedSeedThisDatabaseHasIsAReproductionAndADryRunCountsItAlike)
{
    nf::test::ScratchDir dir;
    Db here(dir / "here.sqlite");
    Db there(dir / "there.sqlite");
    std::mt19937 random(4);
    const int64_t original = here.store.beginRun({here.configs[0], here.env, 1, ""});
    here.store.completeRun(original, randomItems(random), 1.0);
    const int64_t copy = there.store.beginRun({there.configs[0], there.env, 1, ""});
    there.store.completeRun(copy, randomItems(random), 1.0);
    const int64_t fresh = there.store.beginRun({there.configs[0], there.env, 2, ""});
    there.store.completeRun(fresh, randomItems(random), 1.0);

    const MergeResult dry = mergeDatabase(here.store, there.store.path(), true);
    const MergeResult done = mergeDatabase(here.store, there.store.path());
    EXPECT_EQ(dry.reproductions, 1);
    EXPECT_EQ(done.reproductions, 1);
    EXPECT_EQ(dry.itemsAdded, done.itemsAdded);
    EXPECT_EQ(here.store.findCompletedRun(here.configs[0], 1), original);
    expectLedgerConsistent(here);
}

TEST(RunStatusWords, EveryStatusAndSourceRoundTripsThroughItsStoredWord)
{
    for (const RunStatus status : {RunStatus::Running, RunStatus::Completed, RunStatus::Failed,
                                   RunStatus::Cancelled, RunStatus::Interrupted})
        EXPECT_EQ(runStatusFromString(toString(status)), status) << status;
    EXPECT_EQ(toString(RunStatus::Completed), "completed");
    EXPECT_FALSE(runStatusFromString("complete"));
    EXPECT_FALSE(runStatusFromString(""));

    EXPECT_EQ(toString(RunSource::Engine), "engine");
    EXPECT_EQ(toString(RunSource::Import, "lm-eval"), "import:lm-eval");
    EXPECT_EQ(runSourceFromString("engine"), RunSource::Engine);
    EXPECT_EQ(runSourceFromString("import:llamafactory"), RunSource::Import);
}
