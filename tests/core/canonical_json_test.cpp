// The canonical JSON of a config is the identity of its config group: its sha256 is stored in
// users' databases, so a byte that moves splits their groups. These texts and hashes were
// computed by the code before the settings table existed; they must never change.

#include "engine/config.h"

#include <gtest/gtest.h>

using namespace nf::engine;

namespace {

struct Pinned
{
    const char* name;
    EvalConfig config;
    const char* deviceType;
    const char* json;
    const char* hash; // configHash(json, "model-sha", "task-sha")
};

EvalConfig classifierSampling()
{
    EvalConfig config;
    config.decoding = Decoding::Sample;
    config.temperature = 0.7;
    config.topK = 3;
    config.topP = 0.9;
    config.dropout = DropoutMode::Train;
    config.batchSize = 17;
    config.dtype = DType::BFloat16;
    config.device = "cuda:1";
    config.deterministic = true;
    config.order = Order::Shuffled;
    config.threads = 4;         // environment only
    config.prefixCache = false; // environment only
    config.limit = 99;
    config.input = InputLayout::Flat;
    config.normalizeMean = 0.286;
    config.normalizeStd = 0.353;
    return config;
}

EvalConfig languageModelDefaults()
{
    EvalConfig config;
    config.batchSize = 8;
    config.lm = LanguageModelOptions{};
    config.lm->tokenizerSha256 = "0123456789abcdef";
    return config;
}

EvalConfig languageModelEverything()
{
    EvalConfig config;
    config.decoding = Decoding::Sample;
    config.temperature = 1.0 / 3.0;
    config.topP = 0.95;
    config.batchSize = 4;
    config.dtype = DType::Float16;
    config.limit = 1000;
    config.lm = LanguageModelOptions{};
    config.lm->promptTemplate = "mmlu-original";
    config.lm->nShot = 0;
    config.lm->shots = ShotSelection::First;
    config.lm->maxLength = 512;
    config.lm->paddingSide = PaddingSide::Left;
    config.lm->tokenizerSha256 = "fedcba";
    config.lm->specialTokens = "bos 1 | eos none";
    return config;
}

std::vector<Pinned> pinned()
{
    return {
        {"classifier defaults", EvalConfig{}, "cpu",
         R"({"batch_size":256,"decoding":"greedy","deterministic":false,"device":"cpu","dropout":"eval",)"
         R"("dtype":"fp32","input":"image","limit":0,"order":"fixed"})",
         "4ee7d3fe6e02c6eb78a09ea07c5c4cf49c8ebb6cbffda5ad7d83959b86ebb3a6"},
        {"classifier sampling, everything set", classifierSampling(), "cuda",
         R"({"batch_size":17,"decoding":"sample","deterministic":true,"device":"cuda","dropout":"train",)"
         R"("dtype":"bf16","input":"flat","limit":99,"normalize":[0.286,0.353],"order":"shuffled",)"
         R"("temperature":0.7,"top_k":3,"top_p":0.9})",
         "e5a8e6ff33dfbb0af8fba244d8979264e6ec8884e8d42dbfabf24268458f5440"},
        {"language model defaults", languageModelDefaults(), "cpu",
         R"({"batch_size":8,"decoding":"greedy","deterministic":false,"device":"cpu","dropout":"eval",)"
         R"("dtype":"fp32","limit":0,"max_length":2048,"n_shot":5,"order":"fixed","padding_side":"right",)"
         R"("shots":"per-item","template":"llamafactory","tokenizer_sha256":"0123456789abcdef"})",
         "5f8dead5200b83c9a8b544a32dd0fa27b274b0b8fd3afd41d64a723f5408a028"},
        {"language model, everything set", languageModelEverything(), "cuda",
         R"({"batch_size":4,"decoding":"sample","deterministic":false,"device":"cuda","dropout":"eval",)"
         R"("dtype":"fp16","limit":1000,"max_length":512,"n_shot":0,"order":"fixed","padding_side":"left",)"
         R"("shots":"first","special_tokens":"bos 1 | eos none","temperature":0.3333333333333333,)"
         R"("template":"mmlu-original","tokenizer_sha256":"fedcba","top_k":0,"top_p":0.95})",
         "f56f885b8135834775780acc85a76758692d52da10913d4bd1df00a94d84448f"},
    };
}

} // namespace

TEST(CanonicalParamsJson, KeepsTheBytesOfExistingConfigGroups)
{
    for (const auto& pin : pinned()) {
        const auto json = canonicalParamsJson(pin.config, pin.deviceType);
        EXPECT_EQ(json, pin.json) << pin.name;
        EXPECT_EQ(configHash(json, "model-sha", "task-sha"), pin.hash) << pin.name;
    }
}

TEST(CanonicalParamsJson, StoredTextRebuildsAConfigWithTheSameBytes)
{
    for (const auto& pin : pinned()) {
        const std::string json = pin.json;
        EXPECT_EQ(canonicalParamsJson(configFromParamsJson(json), pin.deviceType), json) << pin.name;
    }
}
