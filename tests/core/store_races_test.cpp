// Two processes on one database: the app and a CLI run often share it.

#include "core/scratch_dir.h"
#include "store/store.h"

#include <gtest/gtest.h>

using namespace nf::store;

namespace {

struct Group
{
    int64_t config = 0;
    int64_t env = 0;
};

Group makeGroup(Store& store)
{
    const std::vector<TaskItem> items(4, {"subject", "0"});
    const auto model = store.ensureModel("/m.pt", "model-sha", "classifier", "m");
    const auto task = store.ensureTask("image", "/t", "task-sha", "t", items);
    return {store.ensureConfig(model, task, "{}", "hash"), store.ensureEnvironment("{}", "env")};
}

std::vector<ItemRow> items(bool allCorrect)
{
    std::vector<ItemRow> rows;
    for (int64_t i = 0; i < 4; ++i)
        rows.push_back({i, 0, allCorrect || i == 0, 0.5});
    return rows;
}

} // namespace

TEST(StoreRaces, TheSecondOfTwoRunsOfTheSameSeedCommitsAsAReproduction)
{
    nf::test::ScratchDir dir;
    Store app(dir / "runs.sqlite");
    Store cli(dir / "runs.sqlite");
    const auto group = makeGroup(app);
    // Both processes looked for a completed seed 7, found none, and started it.
    const auto first = app.beginRun({group.config, group.env, 7, "", "engine", std::nullopt, {}});
    const auto second = cli.beginRun({group.config, group.env, 7, "", "engine", std::nullopt, {}});
    app.completeRun(first, items(true), 1.0);
    cli.completeRun(second, items(false), 1.0);

    EXPECT_FALSE(app.run(first)->reproduces.has_value());
    ASSERT_TRUE(app.run(second)->reproduces.has_value());
    EXPECT_EQ(*app.run(second)->reproduces, first);
    EXPECT_EQ(app.group(group.config)->accuracies, std::vector<double>{1.0}) << "the seed counts once";
    for (const auto& item : app.groupItems(group.config))
        EXPECT_EQ(item.nRuns, 1);
    EXPECT_EQ(*app.findCompletedRun(group.config, 7), first);
}

TEST(StoreRaces, ARunMarkedInterruptedByAnotherProcessStillCompletesForItsOwner)
{
    nf::test::ScratchDir dir;
    Store owner(dir / "runs.sqlite");
    const auto group = makeGroup(owner);
    const auto run = owner.beginRun({group.config, group.env, 1, "", "engine", std::nullopt, {}});
    // As a process that cannot see the owner's pid (another pid namespace) would have left it.
    owner.endRun(run, RunStatus::Interrupted, "interrupted: process is gone");
    owner.completeRun(run, items(true), 1.0);
    EXPECT_EQ(owner.run(run)->status, RunStatus::Completed);
    EXPECT_EQ(owner.runItems(run).size(), 4u);
}
