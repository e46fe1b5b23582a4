#include "formats/hf_config.h"

#include "common/error.h"
#include "common/paths.h"
#include "common/text.h"
#include "formats/json_input.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

namespace nf::formats {
namespace {

using nlohmann::json;

constexpr uintmax_t kMaxConfigBytes = 16u << 20;

json readJsonObject(const std::filesystem::path& path)
{
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
        throw InputError(path.string() + ": no such file");
    requireRegularFile(path, "configuration file");
    if (std::filesystem::file_size(path, error) > kMaxConfigBytes)
        throw InputError(path.string() + ": larger than 16 MB, not a configuration file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path.string() + ": cannot be read");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    const json document = parseJsonInput(withoutByteOrderMark(text), {path.string()});
    if (!document.is_object())
        throw InputError(path.string() + ": expected a JSON object");
    return document;
}

std::string joined(const std::vector<std::string>& names)
{
    std::string text;
    for (const auto& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

// Typed access to a config's keys, each error naming the file and the key.
class Keys
{
public:
    Keys(const json& object, std::string file) : m_object(object), m_file(std::move(file)) {}

    bool has(const char* key) const { return m_object.contains(key) && !m_object.at(key).is_null(); }

    int64_t integer(const char* key, std::optional<int64_t> fallback = std::nullopt, int64_t minimum = 1) const
    {
        if (!has(key)) {
            if (fallback)
                return *fallback;
            throw InputError(m_file + ": \"" + key + "\" is missing");
        }
        const auto& value = m_object.at(key);
        if (!value.is_number_integer() || value.get<int64_t>() < minimum)
            throw InputError(m_file + ": \"" + key + "\" must be an integer of at least " +
                             std::to_string(minimum) + ", not " + printableExcerpt(value.dump()));
        return value.get<int64_t>();
    }

    double number(const char* key, double fallback) const
    {
        if (!has(key))
            return fallback;
        const auto& value = m_object.at(key);
        if (!value.is_number() || !std::isfinite(value.get<double>()))
            throw InputError(m_file + ": \"" + key + "\" must be a number, not " + value.dump());
        return value.get<double>();
    }

    bool boolean(const char* key, bool fallback) const
    {
        if (!has(key))
            return fallback;
        const auto& value = m_object.at(key);
        if (!value.is_boolean())
            throw InputError(m_file + ": \"" + key + "\" must be true or false, not " + value.dump());
        return value.get<bool>();
    }

    std::string text(const char* key, const std::string& fallback = {}) const
    {
        if (!has(key))
            return fallback;
        const auto& value = m_object.at(key);
        if (!value.is_string())
            throw InputError(m_file + ": \"" + key + "\" must be a string, not " + value.dump());
        return value.get<std::string>();
    }

    std::optional<int64_t> optionalId(const char* key) const
    {
        if (!has(key))
            return std::nullopt;
        const auto& value = m_object.at(key);
        if (value.is_number_integer())
            return value.get<int64_t>();
        if (value.is_array() && !value.empty() && value.front().is_number_integer())
            return value.front().get<int64_t>(); // Llama 3.1's eos_token_id is a list
        return std::nullopt;
    }

private:
    const json& m_object;
    std::string m_file;
};

std::optional<HfArchitecture> architectureFromName(const std::string& name)
{
    if (name == "LlamaForCausalLM")
        return HfArchitecture::Llama;
    if (name == "MistralForCausalLM")
        return HfArchitecture::Mistral;
    if (name == "Qwen2ForCausalLM")
        return HfArchitecture::Qwen2;
    if (name == "Qwen3ForCausalLM")
        return HfArchitecture::Qwen3;
    return std::nullopt;
}

// Why a named architecture is not run, in a few words.
std::string whyNot(const std::string& name, const json& config)
{
    const bool experts = name.find("Moe") != std::string::npos || name.find("MoE") != std::string::npos ||
                         name.find("Mixtral") != std::string::npos || config.contains("num_local_experts") ||
                         config.contains("num_experts");
    if (experts)
        return name + " is a mixture-of-experts model, which noisefloor does not run";
    return name + " is not an architecture noisefloor runs natively";
}

RopeScaling readRopeScaling(const json& spec, const std::string& file, const char* key)
{
    if (!spec.is_object())
        throw InputError(file + ": \"" + key + "\" must be an object, not " + printableExcerpt(spec.dump()));
    const Keys keys(spec, file + ": " + key);
    RopeScaling rope;
    std::string type = keys.text("rope_type", keys.text("type", "default"));
    if (type == "default") {
        rope.type = RopeScaling::Type::Default;
    } else if (type == "linear") {
        rope.type = RopeScaling::Type::Linear;
        rope.factor = keys.number("factor", 1.0);
    } else if (type == "llama3") {
        rope.type = RopeScaling::Type::Llama3;
        rope.factor = keys.number("factor", 8.0);
        rope.lowFreqFactor = keys.number("low_freq_factor", 1.0);
        rope.highFreqFactor = keys.number("high_freq_factor", 4.0);
        rope.originalMaxPositions = keys.integer("original_max_position_embeddings", 8192);
        if (rope.highFreqFactor <= rope.lowFreqFactor)
            throw InputError(file + ": " + key + ": high_freq_factor must be above low_freq_factor");
    } else {
        throw InputError(
            file + ": " + key + " of type \"" + printableExcerpt(type) +
            "\" is not supported (noisefloor applies default, linear and llama3 rotary scaling)");
    }
    if (!(rope.factor > 0))
        throw InputError(file + ": " + key + ": factor must be positive");
    return rope;
}

} // namespace

std::vector<std::string> supportedHfArchitectures()
{
    return {"LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM"};
}

const char* toString(RopeScaling::Type type)
{
    switch (type) {
    case RopeScaling::Type::Default:
        return "default";
    case RopeScaling::Type::Linear:
        return "linear";
    case RopeScaling::Type::Llama3:
        return "llama3";
    }
    return "default";
}

bool isHfModelFolder(const std::filesystem::path& path)
{
    std::error_code error;
    return std::filesystem::is_directory(path, error) && std::filesystem::is_regular_file(path / "config.json", error);
}

HfModelConfig readHfConfig(const std::filesystem::path& folder)
{
    const auto path = folder / "config.json";
    std::error_code error;
    if (!std::filesystem::is_directory(folder, error))
        throw InputError(folder.string() + ": not a folder");
    if (!std::filesystem::is_regular_file(path, error))
        throw InputError(folder.string() + ": no config.json in it (a Hugging Face model folder has one)");
    const json document = readJsonObject(path);
    const std::string file = path.string();
    const Keys keys(document, file);

    HfModelConfig config;
    config.folder = folder;
    const auto supported = joined(supportedHfArchitectures());
    if (!document.contains("architectures") || !document["architectures"].is_array() ||
        document["architectures"].empty() || !document["architectures"][0].is_string())
        throw InputError(file + ": \"architectures\" is missing (noisefloor runs " + supported + ")");
    config.architectureName = document["architectures"][0].get<std::string>();
    const auto architecture = architectureFromName(config.architectureName);
    if (!architecture)
        throw InputError(file + ": " + whyNot(printableExcerpt(config.architectureName), document) +
                         ". Supported: " + supported +
                         "; other models can be exported to TorchScript (docs/export-model.md)");
    config.architecture = *architecture;

    if (keys.has("quantization_config")) {
        const auto& quantization = document["quantization_config"];
        std::string method = "an unknown method";
        if (quantization.is_object() && quantization.contains("quant_method") &&
            quantization["quant_method"].is_string())
            method = quantization["quant_method"].get<std::string>();
        throw InputError(file + ": the model is quantized (quantization_config: " + printableExcerpt(method) +
                         "); noisefloor runs unquantized F32, F16 and BF16 weights only");
    }
    const std::string activation = keys.text("hidden_act", "silu");
    if (activation != "silu")
        throw InputError(file + ": \"hidden_act\" is \"" + printableExcerpt(activation) + "\"; " +
                         printableExcerpt(config.architectureName) + " runs with silu only");

    config.vocabSize = keys.integer("vocab_size");
    config.hiddenSize = keys.integer("hidden_size");
    config.layers = keys.integer("num_hidden_layers");
    // Each layer is a dozen tensors the engine lists and checks before loading: a count no real
    // model has (the largest have a few hundred) must not make that list exhaust memory.
    constexpr int64_t kMaxLayers = 4096;
    if (config.layers > kMaxLayers)
        throw InputError(file + ": \"num_hidden_layers\" is " + std::to_string(config.layers) + "; at most " +
                         std::to_string(kMaxLayers) + " are supported");
    config.heads = keys.integer("num_attention_heads");
    config.kvHeads = keys.integer("num_key_value_heads", config.heads);
    config.intermediateSize = keys.integer("intermediate_size");
    config.maxPositions = keys.integer("max_position_embeddings", 4096);
    if (config.heads % config.kvHeads != 0)
        throw InputError(file + ": num_attention_heads (" + std::to_string(config.heads) +
                         ") is not a multiple of num_key_value_heads (" + std::to_string(config.kvHeads) + ")");
    if (keys.has("head_dim")) {
        config.headDim = keys.integer("head_dim");
    } else {
        if (config.hiddenSize % config.heads != 0)
            throw InputError(file + ": hidden_size (" + std::to_string(config.hiddenSize) +
                             ") is not a multiple of num_attention_heads and there is no head_dim");
        config.headDim = config.hiddenSize / config.heads;
    }
    if (config.headDim % 2 != 0)
        throw InputError(file + ": head_dim " + std::to_string(config.headDim) +
                         " is odd; rotary embeddings need an even one");
    config.rmsNormEps = keys.number("rms_norm_eps", 1e-6);
    config.tieEmbeddings = keys.boolean("tie_word_embeddings", false);
    config.attentionDropout = keys.number("attention_dropout", 0.0);
    config.torchDtype = keys.text("torch_dtype", keys.text("dtype"));
    config.bosTokenId = keys.optionalId("bos_token_id");
    config.eosTokenId = keys.optionalId("eos_token_id");

    // rope_theta + rope_scaling (transformers 4.x), or rope_parameters (5.x: theta inside).
    config.ropeTheta = keys.number("rope_theta", 10000.0);
    if (keys.has("rope_parameters")) {
        const auto& parameters = document["rope_parameters"];
        config.rope = readRopeScaling(parameters, file, "rope_parameters");
        config.ropeTheta = Keys(parameters, file + ": rope_parameters").number("rope_theta", config.ropeTheta);
    } else if (keys.has("rope_scaling")) {
        config.rope = readRopeScaling(document["rope_scaling"], file, "rope_scaling");
    }
    if (!(config.ropeTheta > 0))
        throw InputError(file + ": \"rope_theta\" must be positive");
    if (!(config.rmsNormEps > 0)) // RMSNorm divides by sqrt(mean(x^2) + eps)
        throw InputError(file + ": \"rms_norm_eps\" must be positive");

    switch (config.architecture) {
    case HfArchitecture::Llama:
        config.qkvBias = config.oBias = keys.boolean("attention_bias", false);
        config.mlpBias = keys.boolean("mlp_bias", false);
        break;
    case HfArchitecture::Mistral:
        if (keys.has("sliding_window"))
            config.slidingWindow = keys.integer("sliding_window");
        break;
    case HfArchitecture::Qwen2:
        config.qkvBias = true; // o_proj has none
        if (keys.boolean("use_sliding_window", false) && keys.has("sliding_window"))
            config.slidingWindow = keys.integer("sliding_window");
        break;
    case HfArchitecture::Qwen3:
        config.qkNorm = true;
        config.qkvBias = config.oBias = keys.boolean("attention_bias", false);
        if (keys.boolean("use_sliding_window", false) && keys.has("sliding_window"))
            config.slidingWindow = keys.integer("sliding_window");
        break;
    }
    if (config.slidingWindow) {
        // Which layers slide: layer_types when written (transformers 4.53 on), else Mistral's all and
        // Qwen's from max_window_layers on.
        config.slidingLayers.assign(static_cast<size_t>(config.layers), true);
        if (keys.has("layer_types")) {
            const auto& types = document["layer_types"];
            if (!types.is_array() || types.size() != static_cast<size_t>(config.layers))
                throw InputError(file + ": \"layer_types\" must list one type per layer (" +
                                 std::to_string(config.layers) + ")");
            for (size_t i = 0; i < types.size(); ++i) {
                if (!types[i].is_string())
                    throw InputError(file + ": \"layer_types\" must list strings");
                config.slidingLayers[i] = types[i].get<std::string>() == "sliding_attention";
            }
        } else if (config.architecture != HfArchitecture::Mistral) {
            const int64_t first = keys.integer("max_window_layers", config.layers, 0);
            for (int64_t i = 0; i < config.layers; ++i)
                config.slidingLayers[static_cast<size_t>(i)] = i >= first;
        }
    }
    return config;
}

std::vector<ExpectedTensor> expectedTensors(const HfModelConfig& config)
{
    const int64_t hidden = config.hiddenSize;
    const int64_t qDim = config.heads * config.headDim;
    const int64_t kvDim = config.kvHeads * config.headDim;
    const int64_t inner = config.intermediateSize;
    std::vector<ExpectedTensor> tensors;
    tensors.push_back({"model.embed_tokens.weight", {config.vocabSize, hidden}});
    for (int64_t layer = 0; layer < config.layers; ++layer) {
        const std::string prefix = "model.layers." + std::to_string(layer) + ".";
        tensors.push_back({prefix + "input_layernorm.weight", {hidden}});
        tensors.push_back({prefix + "post_attention_layernorm.weight", {hidden}});
        const std::string attention = prefix + "self_attn.";
        tensors.push_back({attention + "q_proj.weight", {qDim, hidden}});
        tensors.push_back({attention + "k_proj.weight", {kvDim, hidden}});
        tensors.push_back({attention + "v_proj.weight", {kvDim, hidden}});
        tensors.push_back({attention + "o_proj.weight", {hidden, qDim}});
        if (config.qkvBias) {
            tensors.push_back({attention + "q_proj.bias", {qDim}});
            tensors.push_back({attention + "k_proj.bias", {kvDim}});
            tensors.push_back({attention + "v_proj.bias", {kvDim}});
        }
        if (config.oBias)
            tensors.push_back({attention + "o_proj.bias", {hidden}});
        if (config.qkNorm) {
            tensors.push_back({attention + "q_norm.weight", {config.headDim}});
            tensors.push_back({attention + "k_norm.weight", {config.headDim}});
        }
        const std::string mlp = prefix + "mlp.";
        tensors.push_back({mlp + "gate_proj.weight", {inner, hidden}});
        tensors.push_back({mlp + "up_proj.weight", {inner, hidden}});
        tensors.push_back({mlp + "down_proj.weight", {hidden, inner}});
        if (config.mlpBias) {
            tensors.push_back({mlp + "gate_proj.bias", {inner}});
            tensors.push_back({mlp + "up_proj.bias", {inner}});
            tensors.push_back({mlp + "down_proj.bias", {hidden}});
        }
    }
    tensors.push_back({"model.norm.weight", {hidden}});
    if (!config.tieEmbeddings)
        tensors.push_back({"lm_head.weight", {config.vocabSize, hidden}});
    return tensors;
}

int64_t parameterCount(const HfModelConfig& config)
{
    int64_t count = 0;
    for (const auto& tensor : expectedTensors(config)) {
        int64_t elements = 1;
        for (const int64_t size : tensor.shape)
            elements *= size;
        count += elements;
    }
    return count;
}

TokenizerSettings readTokenizerSettings(const std::filesystem::path& path)
{
    TokenizerSettings settings;
    std::error_code error;
    if (!std::filesystem::exists(path, error))
        return settings;
    const json document = readJsonObject(path);
    const std::string file = path.string();
    const Keys keys(document, file);
    if (keys.has("add_bos_token"))
        settings.addBos = keys.boolean("add_bos_token", false);
    if (keys.has("add_eos_token"))
        settings.addEos = keys.boolean("add_eos_token", false);
    // A token is its text, or an AddedToken object with "content".
    auto token = [&](const char* key) -> std::string {
        if (!keys.has(key))
            return {};
        const auto& value = document[key];
        if (value.is_string())
            return value.get<std::string>();
        if (value.is_object() && value.contains("content") && value["content"].is_string())
            return value["content"].get<std::string>();
        throw InputError(file + ": \"" + key + "\" must be a token's text or an object with \"content\"");
    };
    settings.bosToken = token("bos_token");
    settings.eosToken = token("eos_token");
    return settings;
}

double LoraConfig::scale() const
{
    return rslora ? alpha / std::sqrt(static_cast<double>(r)) : alpha / static_cast<double>(r);
}

LoraConfig readLoraConfig(const std::filesystem::path& folder)
{
    const auto path = folder / "adapter_config.json";
    std::error_code error;
    if (!std::filesystem::is_directory(folder, error))
        throw InputError(folder.string() + ": not a folder (an adapter is a folder with adapter_config.json)");
    if (!std::filesystem::is_regular_file(path, error))
        throw InputError(folder.string() + ": no adapter_config.json in it (a PEFT adapter folder has one)");
    const json document = readJsonObject(path);
    const std::string file = path.string();
    const Keys keys(document, file);

    const std::string type = keys.text("peft_type", "LORA");
    if (type != "LORA")
        throw InputError(file + ": peft_type " + printableExcerpt(type) +
                         " is not supported (noisefloor merges LORA adapters)");
    if (keys.boolean("fan_in_fan_out", false))
        throw InputError(file + ": \"fan_in_fan_out\": true (GPT-2 style Conv1D weights) is not supported");
    if (keys.boolean("use_dora", false))
        throw InputError(file + ": \"use_dora\": true (DoRA) is not supported; noisefloor merges plain LoRA");
    if (keys.has("modules_to_save") &&
        !(document["modules_to_save"].is_array() && document["modules_to_save"].empty()))
        throw InputError(
            file + ": \"modules_to_save\" " + printableExcerpt(document["modules_to_save"].dump(-1)) +
            " is not supported: the adapter replaces whole modules, which noisefloor does not load");
    for (const char* pattern : {"rank_pattern", "alpha_pattern"})
        if (keys.has(pattern) && !(document[pattern].is_object() && document[pattern].empty()))
            throw InputError(file + ": a per-module \"" + std::string(pattern) + "\" is not supported");
    if (keys.has("layers_to_transform"))
        throw InputError(file + ": \"layers_to_transform\" is not supported");

    LoraConfig config;
    config.folder = folder;
    config.r = keys.integer("r");
    config.alpha = keys.number("lora_alpha", static_cast<double>(config.r));
    config.rslora = keys.boolean("use_rslora", false);
    config.baseModel = keys.text("base_model_name_or_path");
    if (keys.has("target_modules")) {
        const auto& targets = document["target_modules"];
        if (targets.is_string()) {
            config.targetModules.push_back(targets.get<std::string>());
        } else if (targets.is_array()) {
            for (const auto& target : targets) {
                if (!target.is_string())
                    throw InputError(file + ": \"target_modules\" must list module names");
                config.targetModules.push_back(target.get<std::string>());
            }
        } else {
            throw InputError(file + ": \"target_modules\" must be a name or a list of names");
        }
    }
    return config;
}

} // namespace nf::formats
