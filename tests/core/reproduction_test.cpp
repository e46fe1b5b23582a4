// reproduce's report: how a reproduction's answers differ from its original's, paired by item.

#include "workspace/reproduction.h"
#include "common/error.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <vector>

using namespace nf::store;

namespace {

struct TwoRuns
{
    TwoRuns()
    {
        const std::vector<TaskItem> items(4, TaskItem{"s", "0"});
        const int64_t model = store.ensureModel("/m.pt", "model-sha", "classifier", "model");
        const int64_t task = store.ensureTask("image", "/a", "a-sha", "task", items);
        config = store.ensureConfig(model, task, "{}", "hash");
        env = store.ensureEnvironment("{}", "env");
    }
    int64_t run(int64_t seed, const std::vector<ItemRow>& rows)
    {
        const int64_t id = store.beginRun({config, env, seed, "", "engine"});
        store.completeRun(id, rows, 1.0);
        return id;
    }
    Store store{":memory:"};
    int64_t config = 0, env = 0;
};

const std::vector<ItemRow> kOriginal = {{0, 0, true, 0.9}, {1, 1, false, 0.1}, {2, 0, true, 0.8}, {3, 0, true, 0.7}};

} // namespace

TEST(Reproduction, IdenticalAnswersAreIdenticalBitForBit)
{
    TwoRuns runs;
    const auto differences =
        nf::workspace::compareRunItems(runs.store, runs.run(1, kOriginal), runs.run(2, kOriginal));
    EXPECT_TRUE(differences.identical());
    EXPECT_EQ(differences.items, 4);
    EXPECT_EQ(differences.itemsDiffer, 0);
    EXPECT_EQ(differences.maxPTrueChange, 0.0);
}

TEST(Reproduction, CountsChangedAnswersAndProbabilitiesSeparately)
{
    TwoRuns runs;
    auto changed = kOriginal;
    changed[1] = {1, 0, true, 0.6};  // another answer
    changed[3] = {3, 0, true, 0.75}; // the same answer, another p_true
    const auto differences = nf::workspace::compareRunItems(runs.store, runs.run(1, kOriginal), runs.run(2, changed));
    EXPECT_FALSE(differences.identical());
    EXPECT_TRUE(differences.sameItems);
    EXPECT_EQ(differences.predictedDiffer, 1);
    EXPECT_EQ(differences.itemsDiffer, 2);
    EXPECT_NEAR(differences.maxPTrueChange, 0.5, 1e-12);
}

TEST(Reproduction, PairsByItemAndSaysWhenTheItemsDiffer)
{
    TwoRuns runs;
    const std::vector<ItemRow> fewer = {kOriginal[0], kOriginal[2], kOriginal[3]}; // no item 1
    const auto differences = nf::workspace::compareRunItems(runs.store, runs.run(1, kOriginal), runs.run(2, fewer));
    EXPECT_FALSE(differences.sameItems);
    EXPECT_FALSE(differences.identical());
    EXPECT_EQ(differences.items, 3);
    EXPECT_EQ(differences.itemsDiffer, 0); // items 0, 2 and 3 are compared with themselves
    EXPECT_THROW(nf::workspace::compareRunItems(runs.store, 1, 99), nf::InputError);
}
