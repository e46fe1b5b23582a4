// analyzeGroup reads a group as every page shows it: all its runs, the summary of the completed
// ones under the database's zones, and the pin of its task.

#include "workspace/settings.h"
#include "common/error.h"
#include "core/scratch_dir.h"
#include "groupanalysis.h"
#include "store/store.h"

#include <gtest/gtest.h>

using namespace nf;

namespace {

struct OneGroup
{
    explicit OneGroup(const std::filesystem::path& file) : store(file)
    {
        std::vector<store::TaskItem> items;
        for (int i = 0; i < 20; ++i)
            items.push_back({"class " + std::to_string(i % 2), std::to_string(i % 3)});
        const int64_t model = store.ensureModel("/m.pt", "model-sha", "classifier", "demo-mlp");
        task = store.ensureTask("image", "/task", "task-sha", "tiny task", items);
        group = store.ensureConfig(
            model, task,
            R"({"decoding":"sample","temperature":1.0,"dtype":"fp32","device":"cpu","batch_size":256})",
            "hash");
        env = store.ensureEnvironment("{}", "env-hash");
    }
    // A completed run answering the first `correct` of 20 items right.
    int64_t completed(int64_t seed, int correct, const std::string& startedAt)
    {
        std::vector<store::ItemRow> items;
        for (int i = 0; i < 20; ++i)
            items.push_back({i, 0, i < correct, i < correct ? 0.9 : 0.1});
        return store.insertCompletedRun({group, env, seed, "", "engine", std::nullopt, {}}, items, 1.0,
                                        startedAt);
    }
    store::Store store;
    int64_t task = 0, group = 0, env = 0;
};

} // namespace

TEST(AnalyzeGroup, ReadsEveryRunAndSummarisesTheCompletedOnes)
{
    test::ScratchDir dir;
    OneGroup db(dir / "runs.db");
    db.completed(1, 15, "2026-11-28T04:10:00Z");
    db.completed(2, 16, "2026-11-28T04:11:00.250Z");
    const int64_t failed = db.store.beginRun({db.group, db.env, 3, "", "engine", std::nullopt, {}});
    db.store.endRun(failed, store::RunStatus::Failed, "out of memory");

    const ui::GroupAnalysis group = ui::analyzeGroup(db.store, db.group);
    EXPECT_EQ(group.group.id, db.group);
    EXPECT_EQ(group.runs.size(), 3u);
    ASSERT_TRUE(group.summary.has_value());
    EXPECT_EQ(group.summary->n, 2);
    EXPECT_DOUBLE_EQ(group.summary->mean, 0.775);
    EXPECT_EQ(group.title,
              "group " + std::to_string(db.group) + " · demo-mlp · sample T=1.00, fp32, cpu, bs 256");
    EXPECT_NE(group.findRun(failed), nullptr);
    EXPECT_EQ(group.findRunStat(failed), nullptr) << "a failed run has no statistics";
    EXPECT_EQ(group.findRun(9999), nullptr);
    EXPECT_FALSE(group.pinnedAccuracy.has_value());
}

TEST(AnalyzeGroup, UsesTheDatabasesZonesAndThePinOfTheTask)
{
    test::ScratchDir dir;
    OneGroup db(dir / "runs.db");
    const int64_t first = db.completed(1, 15, "2026-11-28T04:10:00Z");
    db.completed(2, 17, "2026-11-28T04:11:00Z");
    workspace::setZoneThresholds(db.store, {0.5, 2.0, 4.0});
    workspace::pinRun(db.store, first);

    const ui::GroupAnalysis group = ui::analyzeGroup(db.store, db.group);
    EXPECT_DOUBLE_EQ(group.zones.setting.watch, 0.5);
    EXPECT_DOUBLE_EQ(group.zones.setting.suspicious, 4.0);
    ASSERT_TRUE(group.pinnedAccuracy.has_value());
    EXPECT_DOUBLE_EQ(*group.pinnedAccuracy, 0.75);
    EXPECT_EQ(group.pinnedLabel, "run " + std::to_string(first));
    ASSERT_TRUE(group.summary.has_value());
    EXPECT_DOUBLE_EQ(group.summary->reference, 0.75);
    EXPECT_EQ(group.summary->referenceLabel, "pinned run " + std::to_string(first));
}

TEST(AnalyzeGroup, LeavesTheSummaryEmptyWithoutACompletedRun)
{
    test::ScratchDir dir;
    OneGroup db(dir / "runs.db");
    const int64_t failed = db.store.beginRun({db.group, db.env, 1, "", "engine", std::nullopt, {}});
    db.store.endRun(failed, store::RunStatus::Failed, "out of memory");

    const ui::GroupAnalysis group = ui::analyzeGroup(db.store, db.group);
    EXPECT_EQ(group.runs.size(), 1u);
    EXPECT_FALSE(group.summary.has_value());
    EXPECT_EQ(group.findRunStat(failed), nullptr);
}

TEST(AnalyzeGroup, ThrowsInputErrorForAGroupThatDoesNotExist)
{
    test::ScratchDir dir;
    OneGroup db(dir / "runs.db");
    EXPECT_THROW(ui::analyzeGroup(db.store, db.group + 100), InputError);
}
