#pragma once

// What a Hugging Face model folder (config.json) and a PEFT LoRA adapter folder
// (adapter_config.json) say, read and checked without loading any weights: enough to refuse an
// unsupported model before any work, to name the tensors the architecture needs, and to size it.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nf::formats {

enum class HfArchitecture { Llama, Mistral, Qwen2, Qwen3 };

// The architectures noisefloor runs natively, as config.json's "architectures" names them.
std::vector<std::string> supportedHfArchitectures();

struct RopeScaling
{
    enum class Type { Default, Linear, Llama3 };
    Type type = Type::Default;
    double factor = 1.0;
    double lowFreqFactor = 1.0;
    double highFreqFactor = 4.0;
    int64_t originalMaxPositions = 8192;
};

const char* toString(RopeScaling::Type type);

struct HfModelConfig
{
    std::filesystem::path folder;
    std::string architectureName; // "LlamaForCausalLM"
    HfArchitecture architecture = HfArchitecture::Llama;
    int64_t vocabSize = 0;
    int64_t hiddenSize = 0;
    int64_t layers = 0;
    int64_t heads = 0;
    int64_t kvHeads = 0;
    int64_t headDim = 0; // explicit "head_dim", else hidden / heads
    int64_t intermediateSize = 0;
    int64_t maxPositions = 0;
    double rmsNormEps = 1e-6;
    double ropeTheta = 10000.0;
    RopeScaling rope;
    bool tieEmbeddings = false;
    bool qkvBias = false; // Qwen2; Llama's "attention_bias"
    bool oBias = false;   // Llama's "attention_bias" also biases o_proj
    bool mlpBias = false; // Llama's "mlp_bias"
    bool qkNorm = false;  // Qwen3
    // Keys further back than this are not attended to (Mistral; Qwen2 and Qwen3 with
    // use_sliding_window), in the layers marked in slidingLayers (all of Mistral's; Qwen's from
    // max_window_layers on, or as layer_types says).
    std::optional<int64_t> slidingWindow;
    std::vector<bool> slidingLayers;
    std::string torchDtype; // float32 | bfloat16 | float16 ("" when config.json names none)
    double attentionDropout = 0;
    std::optional<int64_t> bosTokenId;
    std::optional<int64_t> eosTokenId;
};

// True for a directory holding a config.json.
bool isHfModelFolder(const std::filesystem::path& path);

// Reads `folder`/config.json. Throws nf::InputError naming the file and the key: not JSON, an
// architecture other than the supported ones (Gemma, Phi, mixture-of-experts, ... named, with
// the supported list), a quantization_config (GPTQ, AWQ, bitsandbytes: named), a hidden_act other
// than silu, a rope type other than default / linear / llama3, sizes that do not divide.
HfModelConfig readHfConfig(const std::filesystem::path& folder);

// The tensors the architecture needs, by their checkpoint names ("model.layers.0.self_attn.q_proj.weight"),
// with their shapes.
struct ExpectedTensor
{
    std::string name;
    std::vector<int64_t> shape;
};
std::vector<ExpectedTensor> expectedTensors(const HfModelConfig& config);

// Parameters of the model as it runs (tied embeddings counted once).
int64_t parameterCount(const HfModelConfig& config);

// tokenizer_config.json's special-token settings, which transformers applies over tokenizer.json's
// post-processor (LlamaTokenizerFast rebuilds it from add_bos_token / add_eos_token).
struct TokenizerSettings
{
    std::optional<bool> addBos;
    std::optional<bool> addEos;
    std::string bosToken; // the token's text ("<s>"), "" when not named
    std::string eosToken;
};

// Reads `path` (a tokenizer_config.json); a missing file gives empty settings. Throws
// nf::InputError naming the file and the key when it is not JSON or a key has the wrong type.
TokenizerSettings readTokenizerSettings(const std::filesystem::path& path);

// A PEFT LoRA adapter: adapter_config.json and adapter_model.safetensors in `folder`.
struct LoraConfig
{
    std::filesystem::path folder;
    int64_t r = 0;
    double alpha = 0;
    bool rslora = false;
    std::vector<std::string> targetModules; // as written ("q_proj", ... or "all-linear")
    std::string baseModel;                  // base_model_name_or_path, for messages

    // alpha / r, or alpha / sqrt(r) with rsLoRA.
    double scale() const;
};

// Throws nf::InputError naming adapter_config.json and the key: a peft_type other than LORA,
// fan_in_fan_out, DoRA (use_dora), modules_to_save, per-module rank_pattern / alpha_pattern,
// r < 1.
LoraConfig readLoraConfig(const std::filesystem::path& folder);

} // namespace nf::formats
