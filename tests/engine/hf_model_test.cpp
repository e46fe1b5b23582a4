// Hugging Face folders run natively, against logits an independent implementation of the
// transformers math computed for the same checkpoints (tests/data/hf-tiny, see its README).

#include "common/error.h"
#include "core/scratch_dir.h"
#include "engine/hf_folder.h"
#include "engine/hf_model.h"
#include "engine/models.h"
#include "formats/hf_config.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

#include <span>

namespace nf::engine {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(NF_TEST_DATA_DIR) / "hf-tiny";

struct Expected
{
    std::vector<std::vector<int32_t>> prompts;
    nlohmann::json models;
};

const Expected& expected()
{
    static const Expected value = [] {
        std::ifstream in(kFixtures / "expected.json");
        const auto document = nlohmann::json::parse(in);
        Expected loaded;
        loaded.prompts = document.at("prompts").get<std::vector<std::vector<int32_t>>>();
        loaded.models = document.at("models");
        return loaded;
    }();
    return value;
}

EvalConfig cpuConfig(DType dtype = DType::Float32)
{
    EvalConfig config;
    config.device = "cpu";
    config.dtype = dtype;
    config.batchSize = 4;
    return config;
}

// Largest |ours - reference| over the 512 logits of each prompt's last position, each prompt alone.
double largestDifference(HfModel& model, const std::string& key)
{
    const auto& reference = expected().models.at(key).at("fp32_last_logits");
    double largest = 0;
    for (size_t p = 0; p < expected().prompts.size(); ++p) {
        const auto& prompt = expected().prompts[p];
        const auto got = model.lastLogits({std::span<const int32_t>(prompt)}, nullptr, {})[0];
        const auto want = reference.at(p).get<std::vector<float>>();
        EXPECT_EQ(got.size(), want.size());
        for (size_t v = 0; v < want.size() && v < got.size(); ++v)
            largest = std::max(largest, std::abs(static_cast<double>(got[v]) - want[v]));
    }
    return largest;
}

double largestGap(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b)
{
    EXPECT_EQ(a.size(), b.size());
    double largest = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        EXPECT_EQ(a[i].size(), b[i].size());
        for (size_t j = 0; j < a[i].size() && j < b[i].size(); ++j)
            largest = std::max(largest, std::abs(static_cast<double>(a[i][j]) - b[i][j]));
    }
    return largest;
}

// Sets `changes` in the folder's config.json, as a user editing it would.
void patchConfig(const std::filesystem::path& dir, const nlohmann::json& changes)
{
    std::ifstream in(dir / "config.json");
    auto config = nlohmann::json::parse(in);
    in.close();
    config.update(changes);
    std::ofstream(dir / "config.json") << config.dump();
}

struct FixtureCase
{
    const char* folder;
    const char* adapter; // "" for none
    const char* key;     // in expected.json
};

class FixtureLogits : public ::testing::TestWithParam<FixtureCase>
{};

TEST_P(FixtureLogits, MatchTheReferenceToOneInTenThousand)
{
    const auto& fixture = GetParam();
    const std::string adapter = *fixture.adapter ? (kFixtures / fixture.adapter).string() : std::string();
    HfModel model(kFixtures / fixture.folder, adapter, cpuConfig(), resolveDevice("cpu"));
    EXPECT_LT(largestDifference(model, fixture.key), 1e-4);
}

INSTANTIATE_TEST_SUITE_P(HfTiny, FixtureLogits,
                         ::testing::Values(FixtureCase{"llama3-gqa", "", "llama3-gqa"},
                                           FixtureCase{"qwen2-bias-tied", "", "qwen2-bias-tied"},
                                           FixtureCase{"qwen3-qknorm", "", "qwen3-qknorm"},
                                           FixtureCase{"mistral-sharded-bf16", "", "mistral-sharded-bf16"},
                                           FixtureCase{"qwen2-bias-tied", "qwen2-bias-tied-lora",
                                                       "qwen2-bias-tied+lora"}),
                         [](const auto& info) {
                             std::string name = info.param.key;
                             for (auto& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c)))
                                     c = '_';
                             return name;
                         });

TEST(HfModel, TheAdapterChangesTheLogits)
{
    HfModel base(kFixtures / "qwen2-bias-tied", "", cpuConfig(), resolveDevice("cpu"));
    // The base model is far from the adapted reference: the merge is what brings it there.
    EXPECT_GT(largestDifference(base, "qwen2-bias-tied+lora"), 1e-2);
}

// Prompts continued from a computed prefix give the logits of the whole prompts, in a batch of
// different lengths (right padding inside the batch).
TEST(HfModel, PrefixContinuationEqualsTheWholePrompt)
{
    for (const char* folder : {"llama3-gqa", "qwen3-qknorm", "qwen2-bias-tied"}) {
        SCOPED_TRACE(folder);
        HfModel model(kFixtures / folder, "", cpuConfig(), resolveDevice("cpu"));
        const auto& long40 = expected().prompts[3];
        const size_t shared = 12;
        std::vector<std::vector<int32_t>> prompts = {
            long40,
            std::vector<int32_t>(long40.begin(), long40.begin() + 13),
            std::vector<int32_t>(long40.begin(), long40.begin() + 25),
        };
        prompts[1].back() = 7; // differs after the shared part
        std::vector<std::span<const int32_t>> whole;
        std::vector<std::span<const int32_t>> suffixes;
        for (const auto& prompt : prompts) {
            whole.emplace_back(prompt);
            suffixes.emplace_back(prompt.data() + shared, prompt.size() - shared);
        }
        const auto prefix = model.computePrefix(std::span<const int32_t>(long40.data(), shared));
        EXPECT_EQ(HfModel::prefixLength(*prefix), 12);
        const auto uncached = model.lastLogits(whole, nullptr, {});
        const auto cached = model.lastLogits(suffixes, prefix.get(), {});
        EXPECT_LT(largestGap(uncached, cached), 1e-4);
        // Each prompt alone equals the padded batch.
        for (size_t i = 0; i < prompts.size(); ++i)
            EXPECT_LT(largestGap(model.lastLogits({whole[i]}, nullptr, {}), {uncached[i]}), 1e-4);
        // Only the chosen rows come back when asked.
        const auto rows = model.lastLogits(whole, nullptr, {5, 9});
        ASSERT_EQ(rows[0].size(), 2u);
        for (size_t i = 0; i < prompts.size(); ++i)
            EXPECT_NEAR(rows[i][1], uncached[i][9], 1e-5);
    }
}

// The MLP goes over blocks of rows (256 at intermediate 4096 in fp32): a batch of three prompts
// of 120 tokens (360 rows: two blocks, the second partial) gives each prompt the logits it has
// alone (one block), with Llama's mlp_bias on (the down bias added block by block), and so does
// the batch continued from a prefix.
TEST(HfModel, TheMlpInBlocksOfRowsGivesEachPromptItsLogitsAlone)
{
    ASSERT_EQ(detail::mlpBlockRows(4096, 4), 256);
    const nf::test::ScratchDir scratch;
    const std::filesystem::path& dir = scratch.path();
    TinyHfModelSpec spec;
    spec.architecture = "LlamaForCausalLM";
    spec.hidden = 32;
    spec.heads = 4;
    spec.kvHeads = 2;
    spec.intermediate = 4096;
    spec.mlpBias = true;
    spec.scale = 10;
    writeTinyHfModel(dir, spec);
    ASSERT_TRUE(formats::readHfConfig(dir).mlpBias);
    HfModel model(dir, "", cpuConfig(), resolveDevice("cpu"));
    std::vector<std::vector<int32_t>> prompts(3, std::vector<int32_t>(120));
    for (size_t p = 0; p < prompts.size(); ++p)
        for (size_t i = 0; i < 120; ++i)
            prompts[p][i] = static_cast<int32_t>((i < 40 ? 11 * i : 7 * i + 31 * p) % 500);
    const std::vector<std::span<const int32_t>> batch(prompts.begin(), prompts.end());
    const auto together = model.lastLogits(batch, nullptr, {});
    for (size_t p = 0; p < prompts.size(); ++p)
        EXPECT_LT(largestGap({together[p]}, model.lastLogits({batch[p]}, nullptr, {})), 1e-5) << "prompt " << p;
    EXPECT_GT(largestGap({together[0]}, {together[1]}), 1e-3); // the prompts do differ
    const auto prefix = model.computePrefix(std::span<const int32_t>(prompts[0].data(), 40));
    std::vector<std::span<const int32_t>> suffixes;
    for (const auto& prompt : prompts)
        suffixes.emplace_back(prompt.data() + 40, prompt.size() - 40);
    EXPECT_LT(largestGap(model.lastLogits(suffixes, prefix.get(), {}), together), 1e-4);
}

TEST(HfModel, Bf16OnTheCpuStaysCloseToFp32)
{
    HfModel model(kFixtures / "llama3-gqa", "", cpuConfig(DType::BFloat16), resolveDevice("cpu"));
    // bf16 keeps 8 significant bits: a few percent of the logits' range over two layers.
    const double difference = largestDifference(model, "llama3-gqa");
    EXPECT_GT(difference, 0.0);
    EXPECT_LT(difference, 0.05 * 8.6); // the reference logits reach 8.6 in absolute value
}

} // namespace
} // namespace nf::engine

namespace nf::engine {
namespace {

// Mistral's sliding window: honoured (a window shorter than the prompt changes the logits, one as
// long changes nothing), per layer as config.json says, and a batch whose rows differ in length by
// more than the window stays finite and equal to each row alone.
TEST(HfModel, TheSlidingWindowIsHonouredAndPaddingStaysFinite)
{
    const nf::test::ScratchDir scratch;
    const std::filesystem::path& dir = scratch.path();
    TinyHfModelSpec spec;
    spec.architecture = "MistralForCausalLM";
    spec.kvHeads = 4;
    spec.scale = 20;
    writeTinyHfModel(dir, spec);
    auto withWindow = [&](const nlohmann::json& window) {
        patchConfig(dir, {{"sliding_window", window}});
        return std::make_unique<HfModel>(dir, "", cpuConfig(), resolveDevice("cpu"));
    };
    std::vector<int32_t> longer(20);
    for (size_t i = 0; i < longer.size(); ++i)
        longer[i] = static_cast<int32_t>(7 * i % 500);
    const std::vector<int32_t> shorter = {3, 9, 27};
    const std::vector<std::span<const int32_t>> batch = {shorter, longer};

    const auto none = withWindow(nullptr)->lastLogits(batch, nullptr, {});
    const auto wide = withWindow(64)->lastLogits(batch, nullptr, {});
    EXPECT_LT(largestGap(none, wide), 1e-5);

    auto narrow = withWindow(4);
    const auto together = narrow->lastLogits(batch, nullptr, {});
    for (const auto& row : together)
        for (const float value : row)
            ASSERT_TRUE(std::isfinite(value));
    EXPECT_LT(largestGap({together[0]}, narrow->lastLogits({batch[0]}, nullptr, {})), 1e-4);
    EXPECT_LT(largestGap({together[1]}, narrow->lastLogits({batch[1]}, nullptr, {})), 1e-4);
    EXPECT_GT(largestGap({together[1]}, {none[1]}), 1e-3); // the window cut the long prompt's view
    // Continued from a prefix, the same.
    const auto prefix = narrow->computePrefix(std::span<const int32_t>(longer.data(), 6));
    const auto continued = narrow->lastLogits({std::span<const int32_t>(longer.data() + 6, 14)}, prefix.get(), {});
    EXPECT_LT(largestGap(continued, {together[1]}), 1e-4);
}

TEST(HfConfig, QwenSlidesOnlyFromMaxWindowLayersOnOrAsLayerTypesSay)
{
    const nf::test::ScratchDir scratch;
    const std::filesystem::path& dir = scratch.path();
    TinyHfModelSpec spec;
    spec.architecture = "Qwen2ForCausalLM";
    spec.layers = 4;
    writeTinyHfModel(dir, spec);
    auto read = [&](const nlohmann::json& changes) {
        patchConfig(dir, changes);
        return formats::readHfConfig(dir);
    };
    EXPECT_FALSE(read({{"use_sliding_window", false}, {"sliding_window", 8}}).slidingWindow);
    EXPECT_EQ(read({{"use_sliding_window", true}, {"max_window_layers", 2}}).slidingLayers,
              (std::vector<bool>{false, false, true, true}));
    EXPECT_EQ(read({{"layer_types", {"full_attention", "sliding_attention", "full_attention", "sliding_attention"}}})
                  .slidingLayers,
              (std::vector<bool>{false, true, false, true}));
}

} // namespace
} // namespace nf::engine
