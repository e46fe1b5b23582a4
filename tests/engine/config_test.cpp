#include "common/error.h"
#include "engine/config.h"
#include "engine/draws.h"
#include "engine/sampling.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

using namespace nf::engine;

namespace {

std::string messageOf(const EvalConfig& config)
{
    try {
        validate(config);
    } catch (const nf::InputError& e) {
        return e.what();
    }
    return {};
}

} // namespace

TEST(EvalConfig, RefusesTemperatureAtOrBelowZeroWhenSampling)
{
    EvalConfig config;
    config.decoding = Decoding::Sample;
    config.temperature = 0;
    EXPECT_NE(messageOf(config).find("temperature"), std::string::npos);
    config.temperature = -1;
    EXPECT_NE(messageOf(config).find("temperature"), std::string::npos);
    config.decoding = Decoding::Greedy;
    EXPECT_EQ(messageOf(config), "") << "temperature does not matter for greedy decoding";
}

TEST(EvalConfig, RefusesTopPOutsideZeroToOne)
{
    EvalConfig config;
    config.decoding = Decoding::Sample;
    for (double topP : {0.0, -0.1, 1.01}) {
        config.topP = topP;
        EXPECT_NE(messageOf(config).find("top_p"), std::string::npos) << topP;
    }
    config.topP = 1.0;
    EXPECT_EQ(messageOf(config), "");
}

TEST(EvalConfig, RefusesUnknownDevicesAndNamesTheKey)
{
    EvalConfig config;
    config.device = "tpu";
    EXPECT_NE(messageOf(config).find("device"), std::string::npos);
    config.device = "cuda:x";
    EXPECT_NE(messageOf(config).find("device"), std::string::npos);
    config.device = "cuda:1";
    EXPECT_EQ(messageOf(config), "");
}

TEST(EvalConfig, ParsersNameTheKeyAndTheChoices)
{
    try {
        parseDecoding("beam");
        FAIL() << "no exception";
    } catch (const nf::InputError& e) {
        EXPECT_EQ(std::string(e.what()), "decoding: 'beam' is not one of greedy | sample");
    }
    EXPECT_THROW(parseDType("fp8"), nf::InputError);
    EvalConfig config;
    EXPECT_THROW(parseNormalize("0.5", config), nf::InputError);
    parseNormalize("0.2860,0.3530", config);
    EXPECT_DOUBLE_EQ(*config.normalizeMean, 0.2860);
    EXPECT_DOUBLE_EQ(*config.normalizeStd, 0.3530);
}

TEST(ConfigHash, IgnoresSamplingKnobsForGreedyAndThreadsAlways)
{
    EvalConfig a;
    EvalConfig b;
    b.temperature = 0.3;
    b.topK = 5;
    b.threads = 2;
    EXPECT_EQ(canonicalParamsJson(a, "cpu"), canonicalParamsJson(b, "cpu"));
    b.decoding = Decoding::Sample;
    EXPECT_NE(canonicalParamsJson(a, "cpu"), canonicalParamsJson(b, "cpu"));
}

TEST(ConfigHash, UsesTheResolvedDeviceTypeAndTheDataHashesNotPaths)
{
    EvalConfig config;
    config.device = "auto";
    const auto onCpu = canonicalParamsJson(config, "cpu");
    EXPECT_EQ(nlohmann::json::parse(onCpu)["device"], "cpu");
    config.device = "cpu";
    EXPECT_EQ(canonicalParamsJson(config, "cpu"), onCpu);
    EXPECT_NE(configHash(onCpu, "model-a", "task"), configHash(onCpu, "model-b", "task"));
    EXPECT_NE(configHash(onCpu, "model-a", "task"), configHash(onCpu, "model-a", "task-2"));
    EXPECT_EQ(configHash(onCpu, "model-a", "task"), configHash(onCpu, "model-a", "task"));
}

TEST(ConfigHash, StoredParamsRebuildTheSameConfig)
{
    EvalConfig config;
    config.decoding = Decoding::Sample;
    config.temperature = 0.7;
    config.topK = 3;
    config.topP = 0.9;
    config.dropout = DropoutMode::Train;
    config.batchSize = 17;
    config.order = Order::Shuffled;
    config.limit = 99;
    config.normalizeMean = 0.5;
    config.normalizeStd = 0.25;
    const auto json = canonicalParamsJson(config, "cpu");
    EXPECT_EQ(canonicalParamsJson(configFromParamsJson(json), "cpu"), json);
}

TEST(CounterDraws, AreUniformInUnitIntervalAndKeyedByItem)
{
    double sum = 0;
    for (uint64_t item = 0; item < 20000; ++item) {
        const double u = counterUniform(7, item, DrawStream::Answer);
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        sum += u;
    }
    EXPECT_NEAR(sum / 20000, 0.5, 0.01);
    EXPECT_EQ(counterUniform(7, 5, DrawStream::Answer), counterUniform(7, 5, DrawStream::Answer));
    EXPECT_NE(counterUniform(7, 5, DrawStream::Answer), counterUniform(8, 5, DrawStream::Answer));
    EXPECT_NE(counterUniform(7, 5, DrawStream::Answer), counterUniform(7, 5, DrawStream::Order));
}

TEST(CounterDraws, ShuffledOrderOfASubsetKeepsTheRelativeOrder)
{
    const auto full = shuffledOrder(1000, 3);
    const auto head = shuffledOrder(100, 3);
    std::vector<int64_t> filtered;
    std::copy_if(full.begin(), full.end(), std::back_inserter(filtered), [](int64_t i) { return i < 100; });
    EXPECT_EQ(filtered, head);
    EXPECT_NE(shuffledOrder(100, 3), shuffledOrder(100, 4));
    auto sorted = full;
    std::sort(sorted.begin(), sorted.end());
    for (int64_t i = 0; i < 1000; ++i)
        ASSERT_EQ(sorted[static_cast<size_t>(i)], i);
}

TEST(AnswerPicker, GreedyTakesTheArgmaxAndTheLowestIndexOnATie)
{
    AnswerPicker picker(EvalConfig{});
    const float logits[] = {0.1f, 2.0f, 2.0f, -1.0f};
    EXPECT_EQ(picker.pick(logits, 4, 0.99), 1);
}

TEST(AnswerPicker, SamplingFollowsTheSoftmaxAndTopKOneIsGreedy)
{
    EvalConfig config;
    config.decoding = Decoding::Sample;
    AnswerPicker picker(config);
    const float logits[] = {0.0f, std::log(3.0f)}; // probabilities 0.25, 0.75
    int ones = 0;
    for (int i = 0; i < 10000; ++i)
        ones += picker.pick(logits, 2, counterUniform(1, static_cast<uint64_t>(i), DrawStream::Answer));
    EXPECT_NEAR(ones / 10000.0, 0.75, 0.02);

    config.topK = 1;
    AnswerPicker topOne(config);
    for (double u : {0.0, 0.3, 0.999})
        EXPECT_EQ(topOne.pick(logits, 2, u), 1);
}

TEST(AnswerPicker, TopPKeepsTheSmallestSetReachingTheMass)
{
    EvalConfig config;
    config.decoding = Decoding::Sample;
    config.topP = 0.5;
    AnswerPicker picker(config);
    const float logits[] = {std::log(0.2f), std::log(0.6f), std::log(0.2f)};
    for (double u : {0.0, 0.5, 0.999})
        EXPECT_EQ(picker.pick(logits, 3, u), 1) << "0.6 alone reaches top_p = 0.5";
}
