// End-to-end runs of a tiny TorchScript causal LM on the hand-written MMLU folder: prompts,
// padding, scoring, what varies between repeats, chunked commits and resuming.

#include "common/error.h"
#include "core/error_message.h"
#include "engine/runner.h"
#include "lm_fixture.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace nf::engine;
using nf::test::TinyLmWorld;

namespace {

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

RunPlan lmPlan(const TinyLmWorld& world, const std::string& model, std::vector<int64_t> seeds)
{
    RunPlan plan;
    plan.modelPath = model;
    plan.taskSpec = world.taskSpec();
    plan.tokenizerPath = world.tokenizer();
    plan.seeds = std::move(seeds);
    plan.config.batchSize = 4;
    plan.config.lm = LanguageModelOptions{};
    plan.config.lm->nShot = 2;
    plan.config.lm->shots = ShotSelection::First;
    return plan;
}

RepeatResult runPlans(nf::store::Store& store, std::vector<RunPlan> plans, const std::atomic<bool>* cancel = nullptr,
                      RepeatRunner::ProgressFn progress = {})
{
    std::vector<Evaluation> evaluations;
    for (auto& p : plans)
        evaluations.emplace_back(std::move(p));
    RepeatRunner runner(store, std::move(progress), cancel);
    return runner.run(evaluations);
}

std::vector<nf::store::ItemRow> itemsOf(nf::store::Store& store, const RunOutcome& outcome)
{
    return store.runItems(outcome.runId);
}

int differingAnswers(const std::vector<nf::store::ItemRow>& a, const std::vector<nf::store::ItemRow>& b)
{
    EXPECT_EQ(a.size(), b.size());
    int differ = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        differ += a[i].predicted != b[i].predicted;
    return differ;
}

std::set<int64_t> promptHashes(const std::vector<nf::store::ItemRow>& items)
{
    std::set<int64_t> hashes;
    for (const auto& item : items)
        hashes.insert(item.promptHash.value_or(0));
    return hashes;
}

bool sameItems(const std::vector<nf::store::ItemRow>& a, const std::vector<nf::store::ItemRow>& b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].idx != b[i].idx || a[i].predicted != b[i].predicted || a[i].pTrue != b[i].pTrue ||
            a[i].promptHash != b[i].promptHash || a[i].nShots != b[i].nShots)
            return false;
    return true;
}

} // namespace

TEST(CausalLm, GreedyRepeatsWithFixedShotsAreIdenticalPerItemAcrossSeeds)
{
    TinyLmWorld world;
    nf::store::Store store(":memory:");
    const auto result = runPlans(store, {lmPlan(world, world.model("lm"), {1, 2, 3})});
    ASSERT_EQ(result.outcomes.size(), 3u);
    const auto first = itemsOf(store, result.outcomes[0]);
    ASSERT_GT(first.size(), 20u);
    for (const auto& item : first) {
        EXPECT_EQ(item.nShots, 2);
        EXPECT_TRUE(item.promptHash.has_value());
        EXPECT_GT(item.pTrue, 0.0);
        EXPECT_LT(item.pTrue, 1.0);
        EXPECT_GE(item.predicted, 0);
        EXPECT_LT(item.predicted, 4);
    }
    for (size_t r = 1; r < 3; ++r)
        EXPECT_TRUE(sameItems(first, itemsOf(store, result.outcomes[r]))) << "seed " << r + 1;
    // Stored as a language model on an MMLU task, with subjects for the breakdowns.
    const auto group = store.group(result.outcomes[0].configId);
    EXPECT_EQ(store.model(group->modelId).kind, "causal_lm");
    EXPECT_EQ(store.task(group->taskId).kind, "mmlu");
    EXPECT_EQ(store.taskItems(group->taskId).front().subject, "abstract_algebra");
    const auto params = nlohmann::json::parse(group->paramsJson);
    EXPECT_EQ(params["template"], "llamafactory");
    EXPECT_EQ(params["n_shot"], 2);
    EXPECT_EQ(params["shots"], "first");
    EXPECT_EQ(params["padding_side"], "right");
    EXPECT_EQ(params["tokenizer_sha256"].get<std::string>().size(), 64u);
    EXPECT_FALSE(params.contains("input"));
}

TEST(CausalLm, SeededShotsVaryAcrossSeedsAndReproduceForARepeatedSeed)
{
    TinyLmWorld world;
    nf::store::Store store(":memory:");
    auto plan = lmPlan(world, world.model("lm"), {1, 2});
    plan.config.lm->shots = ShotSelection::PerItem;
    auto again = plan;
    again.seeds = {1};
    again.rerun = true;
    const auto result = runPlans(store, {plan, again});
    ASSERT_EQ(result.outcomes.size(), 3u);
    const auto seed1 = itemsOf(store, result.outcomes[0]);
    const auto seed2 = itemsOf(store, result.outcomes[1]);
    int differentPrompts = 0;
    for (size_t i = 0; i < seed1.size(); ++i)
        differentPrompts += seed1[i].promptHash != seed2[i].promptHash;
    EXPECT_GT(differentPrompts, static_cast<int>(seed1.size()) / 2);
    EXPECT_TRUE(sameItems(seed1, itemsOf(store, result.outcomes[2]))) << "seed 1 again";
    EXPECT_EQ(store.run(result.outcomes[2].runId)->reproduces, result.outcomes[0].runId);
}

TEST(CausalLm, SampledAnswersVaryAcrossSeedsAndReproduceForARepeatedSeed)
{
    TinyLmWorld world;
    nf::store::Store store(":memory:");
    auto plan = lmPlan(world, world.model("lm"), {1, 2});
    plan.config.decoding = Decoding::Sample;
    plan.config.temperature = 2.0;
    auto again = plan;
    again.seeds = {1};
    again.rerun = true;
    const auto result = runPlans(store, {plan, again});
    const auto seed1 = itemsOf(store, result.outcomes[0]);
    EXPECT_GT(differingAnswers(seed1, itemsOf(store, result.outcomes[1])), 0);
    EXPECT_TRUE(sameItems(seed1, itemsOf(store, result.outcomes[2])));
    // The prompts are the same (fixed shots): only the draws differ.
    EXPECT_EQ(promptHashes(seed1), promptHashes(itemsOf(store, result.outcomes[1])));
}

TEST(CausalLm, RightAndLeftPaddingGiveTheSameGreedyAnswersInFp32)
{
    TinyLmWorld world;
    const auto model = world.model("lm");
    nf::store::Store store(":memory:");
    auto right = lmPlan(world, model, {1});
    auto left = right;
    left.config.lm->paddingSide = PaddingSide::Left;
    auto alone = right;
    alone.config.batchSize = 1;
    const auto result = runPlans(store, {right, left, alone});
    ASSERT_EQ(result.outcomes.size(), 3u);
    const auto rightItems = itemsOf(store, result.outcomes[0]);
    EXPECT_EQ(differingAnswers(rightItems, itemsOf(store, result.outcomes[1])), 0);
    EXPECT_EQ(differingAnswers(rightItems, itemsOf(store, result.outcomes[2])), 0);
    const auto leftItems = itemsOf(store, result.outcomes[1]);
    for (size_t i = 0; i < rightItems.size(); ++i)
        EXPECT_NEAR(rightItems[i].pTrue, leftItems[i].pTrue, 1e-4) << "item " << i;
    // Three config groups: the padding side and the batch size are recorded.
    EXPECT_EQ(store.groups().size(), 3u);
}

TEST(CausalLm, PromptHashChangesWithTheTemplateAndTheShots)
{
    TinyLmWorld world;
    const auto model = world.model("lm");
    nf::store::Store store(":memory:");
    auto base = lmPlan(world, model, {1});
    auto original = base;
    original.config.lm->promptTemplate = "mmlu-original";
    auto moreShots = base;
    moreShots.config.lm->nShot = 3;
    const auto result = runPlans(store, {base, original, moreShots});
    const auto a = itemsOf(store, result.outcomes[0]);
    const auto b = itemsOf(store, result.outcomes[1]);
    const auto c = itemsOf(store, result.outcomes[2]);
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_NE(a[i].promptHash, b[i].promptHash) << "item " << i;
        EXPECT_NE(a[i].promptHash, c[i].promptHash) << "item " << i;
        EXPECT_EQ(c[i].nShots, 3);
    }
}

TEST(CausalLm, LongPromptsDropShotsFromTheFrontAndRecordHowManyWereKept)
{
    TinyLmWorld world;
    nf::store::Store store(":memory:");
    auto plan = lmPlan(world, world.model("lm"), {1});
    plan.config.lm->nShot = 5;
    plan.config.lm->maxLength = 160;
    const auto result = runPlans(store, {plan});
    ASSERT_EQ(result.outcomes[0].status, nf::store::RunStatus::Completed);
    int shortened = 0;
    for (const auto& item : itemsOf(store, result.outcomes[0])) {
        EXPECT_LE(*item.nShots, 5);
        shortened += *item.nShots < 5;
    }
    EXPECT_GT(shortened, 0);
}

TEST(CausalLm, AModelThatIgnoresTheMaskIsRefusedOnLeftPaddingWithTheSideThatWorks)
{
    TinyLmWorld world;
    TinyCausalLmSpec spec;
    spec.ignoresMask = true;
    spec.positions = TinyCausalLmSpec::Positions::Absolute;
    auto plan = lmPlan(world, world.model("traced", spec), {1});
    plan.config.lm->paddingSide = PaddingSide::Left;
    const auto message = nf::test::errorMessage([&] { Evaluation evaluation(plan); });
    EXPECT_CONTAINS(message, "traced.pt: with --padding-side left");
    EXPECT_CONTAINS(message, "--padding-side right gives the same logits");
    // Right padding never moves a real token, so the same model is accepted there.
    plan.config.lm->paddingSide = PaddingSide::Right;
    EXPECT_NO_THROW(Evaluation evaluation(plan));
}

TEST(CausalLm, ShiftedPositionsUnderLeftPaddingAreCaught)
{
    TinyLmWorld world;
    TinyCausalLmSpec spec;
    spec.positions = TinyCausalLmSpec::Positions::Absolute;
    auto plan = lmPlan(world, world.model("absolute", spec), {1});
    plan.config.lm->paddingSide = PaddingSide::Left;
    EXPECT_CONTAINS(nf::test::errorMessage([&] { Evaluation evaluation(plan); }), "use it");
}

TEST(CausalLm, TupleAndDictOutputsAreAccepted)
{
    TinyLmWorld world;
    nf::store::Store store(":memory:");
    TinyCausalLmSpec tuple;
    tuple.output = TinyCausalLmSpec::Output::Tuple;
    TinyCausalLmSpec dict;
    dict.output = TinyCausalLmSpec::Output::Dict;
    const auto result =
        runPlans(store, {lmPlan(world, world.model("lm"), {1}), lmPlan(world, world.model("tuple", tuple), {1}),
                         lmPlan(world, world.model("dict", dict), {1})});
    // Same seed weights (seed 0), so the same answers whatever the output's container.
    EXPECT_TRUE(sameItems(itemsOf(store, result.outcomes[0]), itemsOf(store, result.outcomes[1])));
    EXPECT_TRUE(sameItems(itemsOf(store, result.outcomes[0]), itemsOf(store, result.outcomes[2])));
}

TEST(CausalLm, WrongOutputsAndMissingFilesAreRefusedBeforeAnyRun)
{
    TinyLmWorld world;
    TinyCausalLmSpec small;
    small.vocab = 100;
    EXPECT_CONTAINS(nf::test::errorMessage([&] { Evaluation e(lmPlan(world, world.model("small", small), {1})); }),
                    "small.pt: the model's vocabulary has 100 entries but the tokenizer's ids go up to");
    TinyCausalLmSpec rank2;
    rank2.output = TinyCausalLmSpec::Output::Rank2;
    EXPECT_CONTAINS(nf::test::errorMessage([&] { Evaluation e(lmPlan(world, world.model("rank2", rank2), {1})); }),
                    "expected logits [B, T, V]");
    auto noTokenizer = lmPlan(world, world.model("lm"), {1});
    noTokenizer.tokenizerPath.clear(); // tokenizer.json beside the model: it is there
    EXPECT_NO_THROW(Evaluation e(noTokenizer));
    noTokenizer.tokenizerPath = (world / "missing.json").string();
    EXPECT_CONTAINS(nf::test::errorMessage([&] { Evaluation e(noTokenizer); }), "missing.json: no such file");
    auto classifierOptions = lmPlan(world, world.model("lm"), {1});
    classifierOptions.config.lm->promptTemplate = "chatml";
    EXPECT_CONTAINS(nf::test::errorMessage([&] { Evaluation e(classifierOptions); }), "chatml");
}

TEST(CausalLm, ACancelledRunKeepsItsItemsAndResumesToTheSameAnswers)
{
    TinyLmWorld world;
    const auto model = world.model("lm");
    auto plan = lmPlan(world, model, {7});
    plan.config.lm->shots = ShotSelection::PerItem;
    plan.config.decoding = Decoding::Sample;
    plan.config.order = Order::Shuffled;

    nf::store::Store reference(":memory:");
    const auto whole = itemsOf(reference, runPlans(reference, {plan}).outcomes[0]);

    nf::store::Store store(world / "runs.sqlite");
    std::atomic<bool> cancel{false};
    const auto stopped = runPlans(store, {plan}, &cancel, [&](const RunProgress& progress) {
        if (progress.itemsDone >= 8)
            cancel = true;
    });
    ASSERT_TRUE(stopped.cancelled);
    const int64_t runId = stopped.outcomes.back().runId;
    const auto kept = store.runItems(runId);
    EXPECT_EQ(store.run(runId)->status, nf::store::RunStatus::Cancelled);
    EXPECT_EQ(kept.size(), 8u) << "the items finished before the cancel are committed";

    auto resume = plan;
    resume.resumeRun = runId;
    const auto resumed = runPlans(store, {resume});
    ASSERT_EQ(resumed.outcomes.size(), 1u);
    EXPECT_EQ(resumed.outcomes[0].status, nf::store::RunStatus::Completed);
    EXPECT_EQ(resumed.outcomes[0].runId, runId);
    EXPECT_TRUE(sameItems(whole, store.runItems(runId))) << "the same draws as an uninterrupted run";
    EXPECT_EQ(store.run(runId)->nItems, static_cast<int64_t>(whole.size()));
    EXPECT_EQ(store.group(store.run(runId)->configId)->accuracies.size(), 1u);

    auto otherSeed = plan;
    otherSeed.seeds = {8};
    otherSeed.resumeRun = runId;
    EXPECT_CONTAINS(nf::test::errorMessage([&] { runPlans(store, {otherSeed}); }), "another config group or seed");
}
