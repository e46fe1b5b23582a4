#include "common/error.h"
#include "engine/classifier.h"
#include "engine/runtime.h"
#include "fixture.h"
#include "formats/task.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

using namespace nf::engine;
using nf::test::TinyWorld;

namespace {

std::vector<nf::store::ItemRow> evaluate(const std::string& model, const nf::formats::ImageTask& task,
                                         const EvalConfig& config, int64_t seed)
{
    Classifier classifier(model, config);
    classifier.checkAgainst(task);
    return classifier.evaluate(task, seed, {}, nullptr);
}

bool sameItems(const std::vector<nf::store::ItemRow>& a, const std::vector<nf::store::ItemRow>& b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].idx != b[i].idx || a[i].predicted != b[i].predicted || a[i].correct != b[i].correct ||
            a[i].pTrue != b[i].pTrue)
            return false;
    return true;
}

int differingAnswers(const std::vector<nf::store::ItemRow>& a, const std::vector<nf::store::ItemRow>& b)
{
    int differ = 0;
    for (size_t i = 0; i < a.size(); ++i)
        differ += a[i].predicted != b[i].predicted;
    return differ;
}

std::string loadError(const std::string& model, const nf::formats::ImageTask& task,
                      const EvalConfig& config = {})
{
    try {
        Classifier classifier(model, config);
        classifier.checkAgainst(task);
    } catch (const nf::InputError& e) {
        return e.what();
    }
    return {};
}

} // namespace

TEST(Classifier, GreedyFp32OnTheCpuIsBitIdenticalForEverySeed)
{
    TinyWorld world;
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    const auto model = world.model("tiny");
    EvalConfig config;
    config.batchSize = 7;
    const auto first = evaluate(model, task, config, 1);
    ASSERT_EQ(first.size(), 60u);
    for (int64_t seed : {2, 3, 99})
        EXPECT_TRUE(sameItems(first, evaluate(model, task, config, seed))) << "seed " << seed;
}

TEST(Classifier, RecordsPredictionCorrectnessAndTheTrueClassProbability)
{
    TinyWorld world;
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    const auto items = evaluate(world.model("tiny"), task, {}, 1);
    for (const auto& item : items) {
        EXPECT_EQ(item.correct, item.predicted == task.labels[static_cast<size_t>(item.idx)]);
        EXPECT_GT(item.pTrue, 0.0);
        EXPECT_LT(item.pTrue, 1.0);
        EXPECT_GE(item.predicted, 0);
        EXPECT_LT(item.predicted, 3);
    }
}

TEST(Classifier, SamplingDiffersAcrossSeedsAndRepeatsForTheSameSeed)
{
    TinyWorld world(200);
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    const auto model = world.model("tiny");
    EvalConfig config;
    config.decoding = Decoding::Sample;
    config.temperature = 1.0;
    const auto a = evaluate(model, task, config, 1);
    EXPECT_TRUE(sameItems(a, evaluate(model, task, config, 1)));
    EXPECT_GT(differingAnswers(a, evaluate(model, task, config, 2)), 0);
}

TEST(Classifier, McDropoutDiffersAcrossSeedsAndRepeatsForTheSameSeed)
{
    TinyWorld world(200);
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    const auto model = world.dropoutModel();
    EvalConfig config;
    config.dropout = DropoutMode::Train;
    config.batchSize = 32;
    const auto a = evaluate(model, task, config, 1);
    EXPECT_TRUE(sameItems(a, evaluate(model, task, config, 1)));
    EXPECT_GT(differingAnswers(a, evaluate(model, task, config, 2)), 0);
    // The same model in eval mode is deterministic.
    EXPECT_TRUE(sameItems(evaluate(model, task, {}, 1), evaluate(model, task, {}, 2)));
}

TEST(Classifier, McDropoutSwitchesOnlyDropoutModulesNotTheirParentsOrSiblings)
{
    TinyWorld world(200);
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    nf::engine::TinyClassifierSpec spec;
    spec.dropout = true;
    spec.className = "MCDropoutNet"; // contains "Dropout" but is not a Dropout
    spec.trainSensitiveChild = true; // zeroes every input if it were switched to training
    EvalConfig config;
    config.dropout = DropoutMode::Train;
    const auto items = evaluate(world.model("mc", spec), task, config, 1);
    std::set<int32_t> answers;
    for (const auto& item : items)
        answers.insert(item.predicted);
    EXPECT_GT(answers.size(), 1u)
        << "with the Norm child in training mode every answer would be the bias's argmax";
}

TEST(Classifier, AnItemsSampledAnswerDoesNotDependOnOrderOrLimit)
{
    TinyWorld world(120);
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    const auto model = world.model("tiny");
    EvalConfig config;
    config.decoding = Decoding::Sample;
    config.batchSize = 1; // the same logits for every item whatever the order
    const auto fixed = evaluate(model, task, config, 5);
    config.order = Order::Shuffled;
    const auto shuffled = evaluate(model, task, config, 5);
    EXPECT_TRUE(sameItems(fixed, shuffled));
    config.limit = 30;
    const auto limited = evaluate(model, task, config, 5);
    ASSERT_EQ(limited.size(), 30u);
    EXPECT_TRUE(sameItems(limited, std::vector(fixed.begin(), fixed.begin() + 30)));
}

TEST(Classifier, AModelThatWritesItsInputInPlaceDoesNotChangeLaterRuns)
{
    TinyWorld world;
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    nf::engine::TinyClassifierSpec spec;
    spec.writesInput = true;
    EvalConfig config;
    config.batchSize = 16;
    Classifier classifier(world.model("writer", spec), config);
    const auto first = classifier.evaluate(task, 1, {}, nullptr);
    const auto second = classifier.evaluate(task, 2, {}, nullptr);
    EXPECT_TRUE(sameItems(first, second));
    Classifier fresh(world.model("writer", spec), config);
    EXPECT_TRUE(sameItems(first, fresh.evaluate(task, 3, {}, nullptr)));
}

TEST(Classifier, CancelStopsBetweenBatches)
{
    TinyWorld world;
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    EvalConfig config;
    config.batchSize = 1;
    Classifier classifier(world.model("tiny"), config);
    std::atomic<bool> cancel{false};
    int64_t seen = 0;
    EXPECT_THROW(classifier.evaluate(
                     task, 1,
                     [&](int64_t done, int64_t) {
                         seen = done;
                         if (done == 5)
                             cancel = true;
                     },
                     &cancel),
                 nf::Cancelled);
    EXPECT_EQ(seen, 5);
}

TEST(ClassifierInput, MissingModelFileIsNamed)
{
    TinyWorld world;
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    const auto missing = (world / "nope.pt").string();
    EXPECT_EQ(loadError(missing, task), missing + ": no such file");
}

TEST(ClassifierInput, CorruptModelFileIsNamed)
{
    TinyWorld world;
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    const auto corrupt = (world / "corrupt.pt").string();
    std::ofstream(corrupt) << "this is not a zip archive";
    const auto message = loadError(corrupt, task);
    EXPECT_EQ(message.rfind(corrupt + ": not a TorchScript model", 0), 0u) << message;
}

TEST(ClassifierInput, OutputThatIsNotBatchByClassesIsRefused)
{
    TinyWorld world;
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    nf::engine::TinyClassifierSpec spec;
    spec.output = nf::engine::TinyClassifierSpec::Output::Vector;
    const auto vector = world.model("vector", spec);
    EXPECT_NE(loadError(vector, task).find(vector + ": output has shape [2]"), std::string::npos);
    spec.output = nf::engine::TinyClassifierSpec::Output::Rank3;
    const auto rank3 = world.model("rank3", spec);
    EXPECT_NE(loadError(rank3, task).find("output has shape [2, 3, 1]"), std::string::npos);
}

TEST(ClassifierInput, TooFewClassesForTheLabelsIsRefused)
{
    TinyWorld world;
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    nf::engine::TinyClassifierSpec spec;
    spec.classes = 2;
    const auto model = world.model("two", spec);
    EXPECT_NE(loadError(model, task).find("outputs 2 classes but"), std::string::npos);
}

TEST(ClassifierInput, WrongInputSizeSaysWhatWasFed)
{
    TinyWorld world;
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    nf::engine::TinyClassifierSpec spec;
    spec.inputSize = 10;
    const auto model = world.model("ten", spec);
    const auto message = loadError(model, task);
    EXPECT_NE(message.find(model + ": forward failed on a float input of shape [2, 1, 4, 4]"),
              std::string::npos)
        << message;
}

TEST(ClassifierInput, DropoutTrainNeedsADropoutSubmodule)
{
    TinyWorld world;
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    EvalConfig config;
    config.dropout = DropoutMode::Train;
    const auto plain = world.model("plain");
    EXPECT_NE(loadError(plain, task, config).find("has none"), std::string::npos);
    nf::engine::TinyClassifierSpec spec;
    spec.inertDropout = true;
    const auto traced = world.model("traced", spec);
    EXPECT_NE(loadError(traced, task, config).find("changes nothing"), std::string::npos);
}

TEST(ClassifierInput, HalfPrecisionAndCudaAreRefusedOnACpuOnlyBuild)
{
    TinyWorld world;
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    const auto model = world.model("tiny");
    EvalConfig config;
    config.device = "cpu";
    config.dtype = DType::Float16;
    EXPECT_NE(loadError(model, task, config).find("dtype: fp16 runs only on CUDA"), std::string::npos);
    if (nf::engine::cudaDeviceCount() > 0)
        GTEST_SKIP() << "this machine has CUDA; the CPU-only refusal cannot be checked";
    config.dtype = DType::Float32;
    config.device = "cuda";
    EXPECT_NE(loadError(model, task, config).find("device: 'cuda' asks for CUDA"), std::string::npos);
}

TEST(Classifier, Bf16RunsOnTheCpuAndIsReproducible)
{
    TinyWorld world;
    const auto task = nf::formats::loadImageTask(world.taskSpec());
    const auto model = world.model("tiny");
    EvalConfig config;
    config.dtype = DType::BFloat16;
    const auto a = evaluate(model, task, config, 1);
    EXPECT_TRUE(sameItems(a, evaluate(model, task, config, 2)));
}
