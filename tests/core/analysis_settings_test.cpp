// Settings shared by the CLI and the app, per task with a database default.

#include "workspace/settings.h"
#include "common/error.h"
#include "core/scratch_dir.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace nf::store;

namespace {

struct TwoTasks
{
    explicit TwoTasks(const std::filesystem::path& file) : store(file)
    {
        const std::vector<TaskItem> items(4, TaskItem{"s", "0"});
        model = store.ensureModel("/m.pt", "model-sha", "classifier", "model");
        taskA = store.ensureTask("image", "/a", "a-sha", "task A", items);
        taskB = store.ensureTask("image", "/b", "b-sha", "task B", items);
    }
    Store store;
    int64_t model = 0, taskA = 0, taskB = 0;
};

} // namespace

TEST(TaskSettings, ThresholdsAndTheDifferenceThatMattersAreSetPerTaskOverTheDefault)
{
    nf::test::ScratchDir dir;
    TwoTasks db(dir / "db.sqlite");
    EXPECT_EQ(nf::workspace::differenceThatMatters(db.store, db.taskA), 1.0) << "default: the watch threshold";
    nf::workspace::setZoneThresholds(db.store, {2, 4, 6});
    EXPECT_EQ(nf::workspace::differenceThatMatters(db.store, db.taskA), 2.0);

    nf::workspace::setTaskZoneThresholds(db.store, db.taskA, nf::stats::ZoneThresholds{0.5, 1.5, 2.5});
    nf::workspace::setDifferenceThatMatters(db.store, db.taskA, 0.75);
    EXPECT_EQ(nf::workspace::taskZoneThresholds(db.store, db.taskA).watch, 0.5);
    EXPECT_EQ(nf::workspace::taskZoneThresholds(db.store, db.taskB).watch, 2.0) << "task B keeps the default";
    EXPECT_TRUE(nf::workspace::taskHasOwnThresholds(db.store, db.taskA));
    EXPECT_FALSE(nf::workspace::taskHasOwnThresholds(db.store, db.taskB));
    EXPECT_EQ(nf::workspace::summaryOptions(db.store, db.taskA).thresholds.suspicious, 2.5);
    const auto compare = nf::workspace::compareOptions(db.store, db.taskA);
    EXPECT_EQ(*compare.deltaUserPoints, 0.75);
    EXPECT_EQ(compare.thresholds.watch, 0.5);
    EXPECT_EQ(*nf::workspace::compareOptions(db.store, db.taskA, 3.0).deltaUserPoints, 3.0) << "an override wins";

    nf::workspace::setTaskZoneThresholds(db.store, db.taskA, std::nullopt);
    nf::workspace::setDifferenceThatMatters(db.store, db.taskA, std::nullopt);
    EXPECT_FALSE(nf::workspace::taskHasOwnThresholds(db.store, db.taskA));
    EXPECT_EQ(nf::workspace::differenceThatMatters(db.store, db.taskA), 2.0);
    EXPECT_THROW(nf::workspace::setDifferenceThatMatters(db.store, db.taskA, -1.0), nf::InputError);
}

TEST(TaskSettings, AHandEditedBadValueNamesTheKeyAndTheFix)
{
    nf::test::ScratchDir dir;
    TwoTasks db(dir / "db.sqlite");
    db.store.setSetting("matters.task." + std::to_string(db.taskA), "lots");
    try {
        nf::workspace::differenceThatMatters(db.store, db.taskA);
        FAIL() << "a bad setting was read";
    } catch (const nf::StoreError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("setting matters.task." + std::to_string(db.taskA) + ": 'lots' is not a positive"),
                  std::string::npos)
            << message;
        EXPECT_NE(message.find("noisefloor-cli zones --task"), std::string::npos) << message;
    }
}
