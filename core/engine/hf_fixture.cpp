// Tiny Hugging Face folders and LoRA adapters for tests, benches and examples (no torch needed).

#include "engine/models.h"

#include "common/error.h"
#include "formats/hf_config.h"
#include "formats/safetensors.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <random>

namespace nf::engine {
namespace {

using formats::TensorDType;
using formats::TensorToWrite;

TensorToWrite randomTensor(const std::string& name, const std::vector<int64_t>& shape, bool bf16, double mean,
                           double sd, std::mt19937_64& random)
{
    int64_t count = 1;
    for (const int64_t size : shape)
        count *= size;
    std::normal_distribution<float> normal(static_cast<float>(mean), static_cast<float>(sd));
    TensorToWrite tensor;
    tensor.name = name;
    tensor.shape = shape;
    tensor.dtype = bf16 ? TensorDType::BF16 : TensorDType::F32;
    tensor.bytes.resize(static_cast<size_t>(count) * (bf16 ? 2 : 4));
    for (int64_t i = 0; i < count; ++i) {
        const float value = normal(random);
        if (bf16) {
            const uint16_t half = formats::floatToBf16(value);
            std::memcpy(tensor.bytes.data() + i * 2, &half, 2);
        } else {
            std::memcpy(tensor.bytes.data() + i * 4, &value, 4);
        }
    }
    return tensor;
}

void writeJson(const std::filesystem::path& path, const nlohmann::json& document)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << document.dump(2) << '\n';
    if (!out)
        throw InputError(path.string() + ": cannot be written");
}

} // namespace

void writeTinyHfModel(const std::filesystem::path& folder, const TinyHfModelSpec& spec)
{
    std::filesystem::create_directories(folder);
    const std::string type = spec.architecture == "LlamaForCausalLM"     ? "llama"
                             : spec.architecture == "MistralForCausalLM" ? "mistral"
                             : spec.architecture == "Qwen2ForCausalLM"   ? "qwen2"
                                                                         : "qwen3";
    nlohmann::json config = {
        {"architectures", {spec.architecture}},
        {"model_type", type},
        {"vocab_size", spec.vocab},
        {"hidden_size", spec.hidden},
        {"num_hidden_layers", spec.layers},
        {"num_attention_heads", spec.heads},
        {"num_key_value_heads", spec.kvHeads},
        {"intermediate_size", spec.intermediate},
        {"hidden_act", "silu"},
        {"rms_norm_eps", 1e-6},
        {"rope_theta", 1000000.0},
        {"max_position_embeddings", 32768},
        {"tie_word_embeddings", spec.tieEmbeddings},
        {"torch_dtype", spec.bf16 ? "bfloat16" : "float32"},
        {"attention_dropout", spec.attentionDropout},
        {"bos_token_id", 1},
        {"eos_token_id", 2},
    };
    if (spec.headDim > 0)
        config["head_dim"] = spec.headDim;
    if (spec.mlpBias)
        config["mlp_bias"] = true;
    writeJson(folder / "config.json", config);

    const auto parsed = formats::readHfConfig(folder);
    std::mt19937_64 random(spec.seed);
    std::vector<TensorToWrite> tensors;
    for (const auto& expected : formats::expectedTensors(parsed)) {
        const bool norm = expected.name.find("norm") != std::string::npos;
        tensors.push_back(randomTensor(expected.name, expected.shape, spec.bf16, norm ? 1.0 : 0.0,
                                       norm ? 0.1 : 0.02 * spec.scale, random));
    }
    const int shards = std::max(1, spec.shards);
    if (shards == 1) {
        formats::writeSafetensors(folder / "model.safetensors", tensors);
        return;
    }
    nlohmann::json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", nlohmann::json::object()}};
    const size_t perShard = (tensors.size() + static_cast<size_t>(shards) - 1) / static_cast<size_t>(shards);
    for (int shard = 0; shard < shards; ++shard) {
        char name[64];
        std::snprintf(name, sizeof name, "model-%05d-of-%05d.safetensors", shard + 1, shards);
        const size_t begin = std::min(tensors.size(), static_cast<size_t>(shard) * perShard);
        const size_t end = std::min(tensors.size(), begin + perShard);
        std::vector<TensorToWrite> part(tensors.begin() + static_cast<std::ptrdiff_t>(begin),
                                        tensors.begin() + static_cast<std::ptrdiff_t>(end));
        for (const auto& tensor : part)
            index["weight_map"][tensor.name] = name;
        formats::writeSafetensors(folder / name, part);
    }
    writeJson(folder / "model.safetensors.index.json", index);
}

void writeTinyLoraAdapter(const std::filesystem::path& folder, const TinyHfModelSpec& base, const TinyLoraSpec& spec)
{
    std::filesystem::create_directories(folder);
    const nlohmann::json config = {
        {"peft_type", "LORA"},       {"r", spec.r},
        {"lora_alpha", spec.alpha},  {"target_modules", spec.targets},
        {"lora_dropout", 0.0},       {"bias", "none"},
        {"task_type", "CAUSAL_LM"},  {"use_rslora", spec.rslora},
        {"fan_in_fan_out", false},   {"base_model_name_or_path", "tiny-" + base.architecture},
    };
    writeJson(folder / "adapter_config.json", config);

    // The base's shapes, from the config it would have.
    const auto scratch = folder / ".base-config";
    std::filesystem::create_directories(scratch);
    nlohmann::json baseConfig = {
        {"architectures", {base.architecture}}, {"vocab_size", base.vocab},       {"hidden_size", base.hidden},
        {"num_hidden_layers", base.layers},      {"num_attention_heads", base.heads},
        {"num_key_value_heads", base.kvHeads},   {"intermediate_size", base.intermediate},
        {"tie_word_embeddings", base.tieEmbeddings},
    };
    if (base.headDim > 0)
        baseConfig["head_dim"] = base.headDim;
    writeJson(scratch / "config.json", baseConfig);
    const auto parsed = formats::readHfConfig(scratch);
    std::filesystem::remove_all(scratch);

    std::mt19937_64 random(spec.seed);
    std::vector<TensorToWrite> tensors;
    for (const auto& expected : formats::expectedTensors(parsed)) {
        if (expected.shape.size() != 2 || !expected.name.ends_with(".weight"))
            continue;
        const std::string module = expected.name.substr(0, expected.name.size() - 7);
        const auto dot = module.rfind('.');
        const std::string leaf = module.substr(dot + 1);
        if (std::find(spec.targets.begin(), spec.targets.end(), leaf) == spec.targets.end())
            continue;
        const std::string prefix = "base_model.model." + module;
        tensors.push_back(randomTensor(prefix + ".lora_A.weight", {spec.r, expected.shape[1]}, false, 0.0,
                                       0.05 * spec.scale, random));
        tensors.push_back(randomTensor(prefix + ".lora_B.weight", {expected.shape[0], spec.r}, false, 0.0,
                                       0.05 * spec.scale, random));
    }
    formats::writeSafetensors(folder / "adapter_model.safetensors", tensors);
}

} // namespace nf::engine
