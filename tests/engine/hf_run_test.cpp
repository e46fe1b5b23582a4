// Runs of Hugging Face model folders on the hand-written MMLU folder: the prefix cache gives the
// uncached answers, shards give the single file's, adapters make their own model, and everything
// that cannot run is refused by name before any work.

#include "common/error.h"
#include "core/error_message.h"
#include "engine/causal_lm.h"
#include "engine/hf_model.h"
#include "engine/settings.h"
#include "engine/prompt.h"
#include "formats/mcq.h"
#include "formats/tokenizer.h"
#include "engine/runner.h"
#include "formats/safetensors.h"
#include "lm_fixture.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

using namespace nf::engine;
using nf::test::TinyLmWorld;

namespace {

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

// A folder whose vocabulary fits the world's tokenizer, with the tokenizer inside (as a Hugging
// Face folder has it). Weights large enough that answers differ between items.
std::string folder(const TinyLmWorld& world, const std::string& name, TinyHfModelSpec spec = {})
{
    spec.vocab = world.vocabSize();
    if (spec.scale == 1.0)
        spec.scale = 20;
    const auto path = world / name;
    writeTinyHfModel(path, spec);
    std::filesystem::copy_file(world.tokenizer(), path / "tokenizer.json",
                               std::filesystem::copy_options::overwrite_existing);
    return path.string();
}

RunPlan plan(const TinyLmWorld& world, const std::string& model, std::vector<int64_t> seeds,
             ShotSelection shots = ShotSelection::First)
{
    RunPlan plan;
    plan.modelPath = model;
    plan.taskSpec = world.taskSpec();
    plan.seeds = std::move(seeds);
    plan.config.batchSize = 4;
    plan.config.device = "cpu";
    plan.config.lm = LanguageModelOptions{};
    plan.config.lm->nShot = 2;
    plan.config.lm->shots = shots;
    return plan;
}

RepeatResult run(nf::store::Store& store, std::vector<RunPlan> plans)
{
    std::vector<Evaluation> evaluations;
    for (auto& p : plans)
        evaluations.emplace_back(std::move(p));
    RepeatRunner runner(store, {}, nullptr);
    return runner.run(evaluations);
}

// Letters differing, and the largest p_true gap, between two runs' items.
struct Gap
{
    int letters = 0;
    double pTrue = 0;
};

Gap gap(nf::store::Store& store, int64_t a, int64_t b)
{
    const auto first = store.runItems(a);
    const auto second = store.runItems(b);
    EXPECT_EQ(first.size(), second.size());
    Gap result;
    for (size_t i = 0; i < std::min(first.size(), second.size()); ++i) {
        EXPECT_EQ(first[i].idx, second[i].idx);
        result.letters += first[i].predicted != second[i].predicted;
        result.pTrue = std::max(result.pTrue, std::abs(first[i].pTrue - second[i].pTrue));
    }
    return result;
}

void writeText(const std::filesystem::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

// Rewrites config.json with `change` applied.
void editConfig(const std::string& model, const std::function<void(nlohmann::json&)>& change)
{
    const auto path = std::filesystem::path(model) / "config.json";
    std::ifstream in(path);
    auto config = nlohmann::json::parse(in);
    in.close();
    change(config);
    writeText(path, config.dump(2));
}

std::string refusal(const RunPlan& plan)
{
    return nf::test::errorMessage([&] { Evaluation evaluation(plan); });
}

} // namespace

TEST(HfFolder, ThePrefixCacheGivesTheUncachedAnswers)
{
    TinyLmWorld world;
    const auto model = folder(world, "qwen3");
    for (const auto shots : {ShotSelection::First, ShotSelection::PerRun, ShotSelection::PerItem}) {
        SCOPED_TRACE(toString(shots));
        nf::store::Store store(":memory:");
        auto cached = plan(world, model, {3}, shots);
        auto uncached = plan(world, model, {3}, shots);
        uncached.config.prefixCache = false;
        uncached.rerun = true;
        const auto result = run(store, {cached, uncached});
        ASSERT_EQ(result.outcomes.size(), 2u);
        const auto difference = gap(store, result.outcomes[0].runId, result.outcomes[1].runId);
        EXPECT_EQ(difference.letters, 0);
        EXPECT_LT(difference.pTrue, 1e-4);
        // The same config group: the cache is how, not what.
        EXPECT_EQ(result.outcomes[0].configId, result.outcomes[1].configId);
    }
}

TEST(HfFolder, ThePrefixIsComputedOncePerSubjectWhenShotsAreShared)
{
    TinyLmWorld world;
    const auto model = folder(world, "qwen3");
    const auto task = std::make_shared<const nf::formats::McqTask>(nf::formats::loadMcqTask(world.taskSpec()));
    const auto tokenizer =
        std::make_shared<const nf::formats::Tokenizer>(nf::formats::Tokenizer::fromFile(world.tokenizer()));
    std::set<int> subjects;
    for (const auto& item : task->items)
        subjects.insert(item.subject);
    ASSERT_GE(subjects.size(), 2u);

    auto work = [&](ShotSelection shots, bool cache) {
        auto config = plan(world, model, {1}, shots).config;
        config.prefixCache = cache;
        PromptOptions options;
        options.nShot = 2;
        options.shots = shots;
        PromptBuilder prompts(task, tokenizer, options);
        CausalLm lm(model, "", config);
        lm.evaluate(*task, prompts, 1, {}, {}, nullptr, {});
        return lm.lastWork();
    };
    const auto cached = work(ShotSelection::First, true);
    const auto whole = work(ShotSelection::First, false);
    EXPECT_EQ(cached.items, task->n());
    EXPECT_EQ(cached.prefixes, static_cast<int64_t>(subjects.size()));
    EXPECT_GT(cached.prefixTokens, 0);
    EXPECT_EQ(whole.prefixes, 0);
    // Every token of every prompt is computed once either way: the cache moves the shared ones
    // into the prefixes.
    EXPECT_LT(cached.suffixTokens + cached.prefixTokens, whole.suffixTokens / 2);
    // Per-item shots share less: the system line at most.
    const auto perItem = work(ShotSelection::PerItem, true);
    EXPECT_LT(perItem.prefixTokens, cached.prefixTokens);
}

TEST(HfFolder, ShardedWeightsGiveTheSingleFilesAnswers)
{
    TinyLmWorld world;
    TinyHfModelSpec sharded;
    sharded.shards = 3;
    nf::store::Store store(":memory:");
    const auto result = run(store, {plan(world, folder(world, "single"), {1}),
                                    plan(world, folder(world, "sharded", sharded), {1})});
    ASSERT_EQ(result.outcomes.size(), 2u);
    const auto difference = gap(store, result.outcomes[0].runId, result.outcomes[1].runId);
    EXPECT_EQ(difference.letters, 0);
    EXPECT_EQ(difference.pTrue, 0.0);
    EXPECT_TRUE(std::filesystem::exists(world / "sharded" / "model.safetensors.index.json"));
}

TEST(HfFolder, TheSameFolderRunTwiceIsOneModelAndAnAdapterMakesAnother)
{
    TinyLmWorld world;
    TinyHfModelSpec spec;
    const auto model = folder(world, "qwen3", spec);
    TinyLoraSpec lora;
    lora.scale = 20;
    writeTinyLoraAdapter(world / "lora", spec, lora);

    nf::store::Store store(":memory:");
    auto withSlash = plan(world, model + "/", {2});
    auto withAdapter = plan(world, model, {1});
    withAdapter.adapterPath = (world / "lora").string();
    const auto result = run(store, {plan(world, model, {1}), withSlash, withAdapter});
    ASSERT_EQ(result.outcomes.size(), 3u);
    EXPECT_EQ(result.outcomes[0].configId, result.outcomes[1].configId);
    EXPECT_NE(result.outcomes[0].configId, result.outcomes[2].configId);
    const auto base = store.model(store.group(result.outcomes[0].configId)->modelId);
    const auto adapted = store.model(store.group(result.outcomes[2].configId)->modelId);
    EXPECT_NE(base.id, adapted.id);
    EXPECT_EQ(base.label, "qwen3");
    EXPECT_EQ(adapted.label, "qwen3 + lora");
    EXPECT_EQ(base.kind, "causal_lm");
    // The adapter changes answers, and is recorded with the run.
    EXPECT_GT(gap(store, result.outcomes[0].runId, result.outcomes[2].runId).pTrue, 1e-3);
    const auto environment = nlohmann::json::parse(store.environmentJson(store.run(result.outcomes[2].runId)->envId));
    EXPECT_EQ(environment["engine.adapter"], (world / "lora").string());
    EXPECT_EQ(environment["model.adapter_sha256"], adapterSha256((world / "lora").string()));
}

TEST(HfFolder, UnsupportedModelsAreRefusedByNameListingWhatIsSupported)
{
    TinyLmWorld world;
    const auto model = folder(world, "qwen3");
    editConfig(model, [](auto& config) { config["architectures"] = {"GemmaForCausalLM"}; });
    auto message = refusal(plan(world, model, {1}));
    EXPECT_CONTAINS(message, "config.json: GemmaForCausalLM is not an architecture noisefloor runs natively");
    EXPECT_CONTAINS(message, "Supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM");

    editConfig(model, [](auto& config) {
        config["architectures"] = {"MixtralForCausalLM"};
        config["num_local_experts"] = 8;
    });
    EXPECT_CONTAINS(refusal(plan(world, model, {1})), "MixtralForCausalLM is a mixture-of-experts model");

    editConfig(model, [](auto& config) {
        config["architectures"] = {"Qwen3ForCausalLM"};
        config["quantization_config"] = {{"quant_method", "gptq"}, {"bits", 4}};
    });
    EXPECT_CONTAINS(refusal(plan(world, model, {1})), "the model is quantized (quantization_config: gptq)");

    editConfig(model, [](auto& config) {
        config.erase("quantization_config");
        config["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
    });
    EXPECT_CONTAINS(refusal(plan(world, model, {1})), "rope_scaling of type \"yarn\" is not supported");

    editConfig(model, [](auto& config) {
        config.erase("rope_scaling");
        config["hidden_act"] = "gelu";
    });
    EXPECT_CONTAINS(refusal(plan(world, model, {1})), "\"hidden_act\" is \"gelu\"");
}

TEST(HfFolder, WeightsThatDoNotMatchTheConfigAreRefusedNamingTheTensor)
{
    TinyLmWorld world;
    const auto model = folder(world, "qwen3");
    editConfig(model, [](auto& config) { config["intermediate_size"] = 96; });
    EXPECT_CONTAINS(refusal(plan(world, model, {1})),
                    "model.safetensors: tensor model.layers.0.mlp.gate_proj.weight has shape [128, 64], but "
                    "config.json makes it [96, 64]");

    editConfig(model, [](auto& config) {
        config["intermediate_size"] = 128;
        config["num_hidden_layers"] = 3;
    });
    EXPECT_CONTAINS(refusal(plan(world, model, {1})),
                    "tensor model.layers.2.input_layernorm.weight is missing from the weights");

    editConfig(model, [](auto& config) {
        config["num_hidden_layers"] = 1;
    });
    EXPECT_CONTAINS(refusal(plan(world, model, {1})), "the weights have tensors Qwen3ForCausalLM does not use "
                                                      "(model.layers.1.");
}

TEST(HfFolder, ATruncatedOrCorruptWeightsFileIsAnInputErrorNamingIt)
{
    TinyLmWorld world;
    const auto model = folder(world, "qwen3");
    const auto weights = std::filesystem::path(model) / "model.safetensors";
    const auto size = std::filesystem::file_size(weights);
    std::filesystem::resize_file(weights, size - 100);
    auto message = refusal(plan(world, model, {1}));
    EXPECT_CONTAINS(message, weights.string());

    // A header that is not JSON.
    folder(world, "qwen3");
    {
        std::fstream file(weights, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(8);
        file.write("!!!!", 4);
    }
    message = refusal(plan(world, model, {1}));
    EXPECT_CONTAINS(message, weights.string());
    EXPECT_CONTAINS(message, "JSON");
}

TEST(HfFolder, AdaptersThatCannotBeMergedAreRefusedByName)
{
    TinyLmWorld world;
    TinyHfModelSpec spec;
    const auto model = folder(world, "qwen3", spec);
    const auto adapter = world / "lora";
    writeTinyLoraAdapter(adapter, spec, {});
    auto withAdapter = plan(world, model, {1});
    withAdapter.adapterPath = adapter.string();
    EXPECT_NO_THROW(Evaluation evaluation(withAdapter));

    auto editAdapter = [&](const std::function<void(nlohmann::json&)>& change) {
        std::ifstream in(adapter / "adapter_config.json");
        auto config = nlohmann::json::parse(in);
        in.close();
        change(config);
        writeText(adapter / "adapter_config.json", config.dump(2));
    };
    editAdapter([](auto& config) { config["use_dora"] = true; });
    EXPECT_CONTAINS(refusal(withAdapter), "\"use_dora\": true (DoRA) is not supported");
    editAdapter([](auto& config) {
        config["use_dora"] = false;
        config["fan_in_fan_out"] = true;
    });
    EXPECT_CONTAINS(refusal(withAdapter), "\"fan_in_fan_out\": true");
    editAdapter([](auto& config) {
        config["fan_in_fan_out"] = false;
        config["modules_to_save"] = {"lm_head"};
    });
    EXPECT_CONTAINS(refusal(withAdapter), "\"modules_to_save\" [\"lm_head\"] is not supported");

    // An adapter for a model of another size.
    TinyHfModelSpec other = spec;
    other.hidden = 32;
    writeTinyLoraAdapter(world / "other-lora", other, {});
    withAdapter.adapterPath = (world / "other-lora").string();
    EXPECT_CONTAINS(refusal(withAdapter), "is the adapter for another model");

    // An adapter on a TorchScript file.
    auto script = plan(world, world.model("lm"), {1});
    script.tokenizerPath = world.tokenizer();
    script.adapterPath = adapter.string();
    EXPECT_CONTAINS(refusal(script), "a LoRA adapter applies to a Hugging Face model folder, not to a TorchScript file");
}

TEST(HfFolder, McDropoutWithoutDropoutInTheModelIsRefused)
{
    TinyLmWorld world;
    auto dropout = plan(world, folder(world, "qwen3"), {1});
    dropout.config.dropout = DropoutMode::Train;
    EXPECT_CONTAINS(refusal(dropout), "has attention_dropout 0.000000: there is nothing to sample");

    // With dropout in the model, MC-dropout varies the answers between seeds.
    TinyHfModelSpec withDropout;
    withDropout.attentionDropout = 0.3;
    auto sampled = plan(world, folder(world, "dropout", withDropout), {1, 2});
    sampled.config.dropout = DropoutMode::Train;
    nf::store::Store store(":memory:");
    const auto result = run(store, {sampled});
    ASSERT_EQ(result.outcomes.size(), 2u);
    EXPECT_GT(gap(store, result.outcomes[0].runId, result.outcomes[1].runId).pTrue, 1e-4);
}

TEST(HfFolder, ARunThatWillNotFitIsRefusedBeforeItStarts)
{
    TinyLmWorld world;
    // The largest batch size allowed, of a model whose attention is wide (4 heads of 2,048): one
    // batch needs over 100 GB of activations.
    TinyHfModelSpec wide;
    wide.layers = 1;
    wide.headDim = 2048;
    auto huge = plan(world, folder(world, "wide", wide), {1});
    huge.config.batchSize = nf::engine::kMaxBatchSize;
    const auto message = refusal(huge);
    EXPECT_CONTAINS(message, "does not fit: Qwen3ForCausalLM");
    EXPECT_CONTAINS(message, "free");
}

TEST(HfFolder, AFolderWithoutConfigAndAnImageTaskAreRefused)
{
    TinyLmWorld world;
    std::filesystem::create_directories(world / "empty");
    EXPECT_CONTAINS(refusal(plan(world, (world / "empty").string(), {1})), "a folder without config.json");
    auto image = plan(world, folder(world, "qwen3"), {1});
    image.taskSpec = "idx:" + std::string(NF_TEST_DATA_DIR) + "/none,none";
    image.config.lm.reset();
    EXPECT_FALSE(refusal(image).empty());
}

TEST(HfFolder, TokenizerConfigPutsItsBosTokenBeforePromptsEncodedWhole)
{
    TinyLmWorld world;
    const auto model = folder(world, "qwen3");
    auto whole = plan(world, model, {1});
    whole.config.lm->promptTemplate = "mmlu-original";
    nf::store::Store store(":memory:");
    const auto before = run(store, {whole});

    writeText(std::filesystem::path(model) / "tokenizer_config.json",
              R"({"add_bos_token": true, "bos_token": {"content": "<|endoftext|>"}, "add_eos_token": false})");
    const auto after = run(store, {whole});
    ASSERT_EQ(after.outcomes.size(), 1u);
    EXPECT_NE(before.outcomes[0].configId, after.outcomes[0].configId);
    const auto tokenizer = nf::formats::Tokenizer::fromFile(world.tokenizer());
    const auto bos = tokenizer.tokenToId("<|endoftext|>");
    ASSERT_TRUE(bos.has_value());
    const auto params = nlohmann::json::parse(store.group(after.outcomes[0].configId)->paramsJson);
    EXPECT_EQ(params["special_tokens"], "bos " + std::to_string(*bos) + " | eos none");
    EXPECT_NE(store.runItems(before.outcomes[0].runId)[0].promptHash,
              store.runItems(after.outcomes[0].runId)[0].promptHash);

    // The llamafactory template encodes its pieces without special tokens, as LLaMA-Factory does.
    const auto piecewise = run(store, {plan(world, model, {1})});
    EXPECT_FALSE(nlohmann::json::parse(store.group(piecewise.outcomes[0].configId)->paramsJson)
                     .contains("special_tokens"));
}
