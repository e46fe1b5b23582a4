// The engine as the desktop app reaches it: libnoisefloor-engine.so, opened on first use.
// loadEngine keeps the first engine it loads for the process, so the refusals come first (ctest
// runs each test in a process of its own anyway).

#include "common/error.h"
#include "engine/engine.h"
#include "fixture.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <dlfcn.h>
#include <zlib.h>

using namespace nf::engine;
using nf::test::TinyWorld;

namespace {

std::string loadError()
{
    try {
        loadEngine();
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

class ChosenLibrary
{
public:
    explicit ChosenLibrary(const std::string& path) { setenv("NF_ENGINE_LIBRARY", path.c_str(), 1); }
    ~ChosenLibrary() { unsetenv("NF_ENGINE_LIBRARY"); }
};

} // namespace

TEST(EngineLoader, AMissingLibraryIsNamedAndTheNextCallTriesAgain)
{
    const ChosenLibrary chosen("/nonexistent/libnoisefloor-engine.so");
    const auto error = loadError();
    EXPECT_NE(error.find("the engine, which runs evaluations, is not installed"), std::string::npos) << error;
    EXPECT_NE(error.find("/nonexistent/libnoisefloor-engine.so"), std::string::npos) << error;
    EXPECT_EQ(loadError(), error) << "a failed load is not remembered as a success";
}

TEST(EngineLoader, ALibraryThatIsNotTheEngineIsRefused)
{
    TinyWorld world;
    const auto notALibrary = world / "libnoisefloor-engine.so";
    std::ofstream(notALibrary) << "not an ELF file";
    {
        const ChosenLibrary chosen(notALibrary.string());
        const auto error = loadError();
        EXPECT_NE(error.find("cannot load the engine"), std::string::npos) << error;
        EXPECT_NE(error.find(notALibrary.string()), std::string::npos) << error;
    }
    // A real shared library without the entry: zlib, which this test links.
    Dl_info zlib{};
    ASSERT_NE(dladdr(reinterpret_cast<void*>(&zlibVersion), &zlib), 0);
    const ChosenLibrary chosen(zlib.dli_fname);
    EXPECT_NE(loadError().find("is not the engine of this build of noisefloor"), std::string::npos) << loadError();
}

TEST(EngineLoader, TheLoadedEngineEvaluatesIntoTheDatabaseAsTheLinkedOneDoes)
{
    TinyWorld world;
    RunPlan plan;
    plan.modelPath = world.model("tiny");
    plan.taskSpec = world.taskSpec();
    plan.seeds = {1, 2};
    plan.config.batchSize = 8;
    plan.config.decoding = Decoding::Sample;

    EvaluationRequest request;
    request.plans = {plan};
    std::vector<std::vector<LoadedEvaluation>> loaded;
    std::vector<int64_t> stored;
    EvaluationCallbacks callbacks;
    callbacks.loaded = [&](const std::vector<LoadedEvaluation>& evaluations) { loaded.push_back(evaluations); };
    callbacks.outcome = [&](const RunOutcome& outcome) { stored.push_back(outcome.runId); };

    request.databasePath = (world / "loaded.sqlite").string();
    const auto viaLibrary = loadEngine().evaluate(request, callbacks, nullptr);
    request.databasePath = (world / "linked.sqlite").string();
    const auto linked = linkedEngine().evaluate(request, callbacks, nullptr);

    // Both say what the plan runs on, before the first run: the CPU, and no folder for a .pt file.
    ASSERT_EQ(loaded.size(), 2u);
    for (const auto& evaluations : loaded) {
        ASSERT_EQ(evaluations.size(), 1u);
        EXPECT_TRUE(evaluations.front().device.starts_with("cpu")) << evaluations.front().device;
        EXPECT_EQ(evaluations.front().device, loaded.front().front().device);
        EXPECT_EQ(evaluations.front().model, "");
    }
    ASSERT_EQ(viaLibrary.outcomes.size(), 2u);
    ASSERT_EQ(linked.outcomes.size(), 2u);
    EXPECT_EQ(stored.size(), 4u);
    EXPECT_EQ(loadEngine().cudaDeviceCount(), linkedEngine().cudaDeviceCount());
    const nf::store::Store a(world / "loaded.sqlite");
    const nf::store::Store b(world / "linked.sqlite");
    for (size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(viaLibrary.outcomes[i].status, nf::store::RunStatus::Completed);
        EXPECT_EQ(viaLibrary.outcomes[i].accuracy, linked.outcomes[i].accuracy);
        const auto itemsA = a.runItems(viaLibrary.outcomes[i].runId);
        const auto itemsB = b.runItems(linked.outcomes[i].runId);
        ASSERT_EQ(itemsA.size(), 60u);
        ASSERT_EQ(itemsA.size(), itemsB.size());
        for (size_t k = 0; k < itemsA.size(); ++k)
            EXPECT_EQ(itemsA[k].predicted, itemsB[k].predicted) << "item " << k;
    }
}

TEST(EngineLoader, BadInputThrowsOutOfTheLibraryAsInputErrorAndWritesNothing)
{
    TinyWorld world;
    RunPlan plan;
    plan.modelPath = (world / "missing.pt").string();
    plan.taskSpec = world.taskSpec();
    plan.seeds = {1};
    EvaluationRequest request;
    request.databasePath = (world / "runs.sqlite").string();
    request.plans = {plan};
    EXPECT_THROW(loadEngine().evaluate(request, {}, nullptr), nf::InputError);
    EXPECT_FALSE(std::filesystem::exists(world / "runs.sqlite"));
}

TEST(EngineLoader, ADatabaseThatCannotBeOpenedIsBadInputAndStaysAsItWas)
{
    TinyWorld world;
    RunPlan plan;
    plan.modelPath = world.model("tiny");
    plan.taskSpec = world.taskSpec();
    plan.seeds = {1};
    const auto notADatabase = world / "notes.sqlite";
    std::ofstream(notADatabase) << "these are notes, not a database\n";
    EvaluationRequest request;
    request.databasePath = notADatabase.string();
    request.plans = {plan};
    try {
        loadEngine().evaluate(request, {}, nullptr);
        FAIL() << "a file that is not a database was written to";
    } catch (const nf::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("notes.sqlite"), std::string::npos) << e.what();
    }
    std::ifstream in(notADatabase);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "these are notes, not a database\n");
}

TEST(EngineLoader, AReproductionWithAnotherModelIsRefusedBeforeItRuns)
{
    TinyWorld world;
    RunPlan plan;
    plan.modelPath = world.model("tiny");
    plan.taskSpec = world.taskSpec();
    plan.seeds = {1};
    EvaluationRequest request;
    request.databasePath = (world / "runs.sqlite").string();
    request.plans = {plan};
    const auto original = loadEngine().evaluate(request, {}, nullptr);
    ASSERT_EQ(original.outcomes.size(), 1u);

    // The same file name with other weights: the answers would be compared with another model's.
    request.plans.front().modelPath = world.dropoutModel();
    request.plans.front().reproduces = original.outcomes.front().runId;
    bool loaded = false;
    EvaluationCallbacks callbacks;
    callbacks.loaded = [&](const std::vector<LoadedEvaluation>&) { loaded = true; };
    try {
        loadEngine().evaluate(request, callbacks, nullptr);
        FAIL() << "a reproduction with another model ran";
    } catch (const nf::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("changed since run " + std::to_string(original.outcomes.front().runId)),
                  std::string::npos)
            << e.what();
    }
    EXPECT_FALSE(loaded);
    EXPECT_EQ(nf::store::Store(world / "runs.sqlite").runs().size(), 1u);
}
