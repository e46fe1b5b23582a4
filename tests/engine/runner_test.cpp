#include "common/error.h"
#include "core/error_message.h"
#include "engine/runner.h"
#include "fixture.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <limits>

using namespace nf::engine;
using nf::test::TinyWorld;
using nf::test::errorMessage;

namespace {

RunPlan plan(const TinyWorld& world, const std::string& model, std::vector<int64_t> seeds)
{
    RunPlan plan;
    plan.modelPath = model;
    plan.taskSpec = world.taskSpec();
    plan.seeds = std::move(seeds);
    plan.config.batchSize = 8;
    return plan;
}

RepeatResult runPlans(nf::store::Store& store, std::vector<RunPlan> plans,
                      const std::atomic<bool>* cancel = nullptr, RepeatRunner::ProgressFn progress = {})
{
    std::vector<Evaluation> evaluations;
    for (auto& p : plans)
        evaluations.emplace_back(std::move(p));
    RepeatRunner runner(store, std::move(progress), cancel);
    return runner.run(evaluations);
}

} // namespace

TEST(RepeatRunner, StoresEveryRunWithItsItemsAndGroupsThemByConfig)
{
    TinyWorld world;
    nf::store::Store store(world / "runs.sqlite");
    auto sampled = plan(world, world.model("tiny"), {1, 2, 3});
    sampled.config.decoding = Decoding::Sample;
    const auto result = runPlans(store, {plan(world, world.model("tiny"), {1, 2}), sampled});
    ASSERT_EQ(result.outcomes.size(), 5u);
    for (const auto& outcome : result.outcomes) {
        EXPECT_EQ(outcome.status, nf::store::RunStatus::Completed);
        EXPECT_EQ(store.runItems(outcome.runId).size(), 60u);
    }
    const auto groups = store.groups();
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[0].accuracies.size(), 2u);
    EXPECT_EQ(groups[1].accuracies.size(), 3u);
    EXPECT_EQ(groups[0].accuracies[0], groups[0].accuracies[1]) << "greedy repeats agree";
}

TEST(RepeatRunner, SkipsCompletedSeedsUnlessRerunAndStoresRerunsAsReproductions)
{
    TinyWorld world;
    nf::store::Store store(world / "runs.sqlite");
    const auto model = world.model("tiny");
    runPlans(store, {plan(world, model, {1, 2})});
    const auto again = runPlans(store, {plan(world, model, {1, 2, 3})});
    EXPECT_TRUE(again.outcomes[0].skipped);
    EXPECT_TRUE(again.outcomes[1].skipped);
    EXPECT_EQ(again.outcomes[2].status, nf::store::RunStatus::Completed);
    EXPECT_FALSE(again.outcomes[2].skipped);
    EXPECT_EQ(store.runs().size(), 3u);

    auto rerun = plan(world, model, {1});
    rerun.rerun = true;
    const auto reproduced = runPlans(store, {rerun});
    ASSERT_EQ(reproduced.outcomes[0].status, nf::store::RunStatus::Completed);
    const auto row = store.run(reproduced.outcomes[0].runId);
    ASSERT_TRUE(row->reproduces.has_value());
    EXPECT_EQ(*row->reproduces, again.outcomes[0].runId);
    EXPECT_EQ(store.groups()[0].accuracies.size(), 3u) << "reproductions stay out of the statistics";
}

TEST(RepeatRunner, CancelStoresTheRunInFlightAsCancelledAndKeepsCompletedRuns)
{
    TinyWorld world;
    nf::store::Store store(world / "runs.sqlite");
    auto p = plan(world, world.model("tiny"), {1, 2, 3});
    p.config.batchSize = 1;
    std::atomic<bool> cancel{false};
    const auto result = runPlans(store, {p}, &cancel, [&](const RunProgress& progress) {
        if (progress.runIndex == 1 && progress.itemsDone == 10)
            cancel = true;
    });
    EXPECT_TRUE(result.cancelled);
    ASSERT_EQ(result.outcomes.size(), 2u);
    EXPECT_EQ(store.run(result.outcomes[0].runId)->status, nf::store::RunStatus::Completed);
    const auto cancelled = store.run(result.outcomes[1].runId);
    EXPECT_EQ(cancelled->status, nf::store::RunStatus::Cancelled);
    EXPECT_NE(cancelled->notes.find("10 of 60"), std::string::npos) << cancelled->notes;
    EXPECT_TRUE(store.runItems(cancelled->id).empty());
    EXPECT_EQ(store.groups()[0].accuracies.size(), 1u);
}

TEST(RepeatRunner, CancelBetweenRunsStartsNothingMoreAndStoresNoEmptyRun)
{
    TinyWorld world;
    nf::store::Store store(world / "runs.sqlite");
    std::atomic<bool> cancel{false};
    const auto result = runPlans(store, {plan(world, world.model("tiny"), {1, 2, 3})}, &cancel,
                                 [&](const RunProgress& progress) {
                                     // The last batch of the first run: cancel lands while it commits.
                                     if (progress.runIndex == 0 && progress.itemsDone == progress.itemsTotal)
                                         cancel = true;
                                 });
    EXPECT_TRUE(result.cancelled);
    ASSERT_EQ(result.outcomes.size(), 1u);
    EXPECT_EQ(result.outcomes[0].status, nf::store::RunStatus::Completed);
    ASSERT_EQ(store.runs().size(), 1u) << "no cancelled run with no items";
    EXPECT_EQ(store.runs()[0].status, nf::store::RunStatus::Completed);
}

TEST(RepeatRunner, BadInputIsRefusedBeforeAnythingIsWritten)
{
    TinyWorld world;
    auto p = plan(world, (world / "missing.pt").string(), {1});
    EXPECT_THROW(Evaluation{p}, nf::InputError);
    p = plan(world, world.model("tiny"), {1});
    p.taskSpec = "idx:" + (world / "none").string() + "," + (world / "none2").string();
    EXPECT_THROW(Evaluation{p}, nf::InputError);
    p = plan(world, world.model("tiny"), {});
    EXPECT_THROW(Evaluation{p}, nf::InputError);
    EXPECT_FALSE(std::filesystem::exists(world / "runs.sqlite"));
}

TEST(RepeatRunner, RecordsTheEnvironmentOfEachRun)
{
    TinyWorld world;
    nf::store::Store store(world / "runs.sqlite");
    const auto result = runPlans(store, {plan(world, world.model("tiny"), {1})});
    const auto run = store.run(result.outcomes[0].runId);
    const auto env = nlohmann::json::parse(store.environmentJson(run->envId));
    EXPECT_EQ(env.at("torch.version").get<std::string>().substr(0, 2), "1.");
    EXPECT_EQ(env.at("torch.threads"), "1");
    EXPECT_TRUE(env.contains("blas.library"));
    EXPECT_TRUE(env.contains("env.CUBLAS_WORKSPACE_CONFIG"));
    EXPECT_EQ(env.at("determinism.algorithms"), "off");
}

TEST(SeedList, ParsesCommaSeparatedSeedsAndNamesBadOnes)
{
    EXPECT_EQ(parseSeedList("1,2,30"), (std::vector<int64_t>{1, 2, 30}));
    EXPECT_THROW(parseSeedList("1,,2"), nf::InputError);
    EXPECT_THROW(parseSeedList("1,x"), nf::InputError);
    EXPECT_EQ(seedRange(5, 3), (std::vector<int64_t>{5, 6, 7}));
    EXPECT_THROW(seedRange(1, 0), nf::InputError);
}

TEST(SeedRange, StaysWithinRepeatsAndTheLargestSeed)
{
    constexpr int64_t kLargest = std::numeric_limits<int64_t>::max();
    EXPECT_EQ(seedRange(kLargest - 2, 3), (std::vector<int64_t>{kLargest - 2, kLargest - 1, kLargest}));
    EXPECT_EQ(errorMessage([] { seedRange(kLargest, 3); }),
              "--seed-start: 9223372036854775807 with 3 repeats goes past the largest seed, 9223372036854775807");
    EXPECT_EQ(errorMessage([] { seedRange(1, kMaxRepeats + 1); }), "--repeats: 100001 must be from 1 to 100000");
    EXPECT_EQ(errorMessage([] { seedRange(1, 0); }), "--repeats: 0 must be from 1 to 100000");
    EXPECT_EQ(errorMessage([] { seedRange(-1, 2); }), "--seed-start: -1 must be 0 or more");
}
