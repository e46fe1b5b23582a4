// A Hugging Face model folder's JSON files from arbitrary bytes: the same bytes written as
// config.json, adapter_config.json and tokenizer_config.json of one folder, read by readHfConfig,
// readLoraConfig and readTokenizerSettings. Each must accept or refuse with an nf::InputError; an
// accepted config must describe a model the engine can size without overflow (positive sizes that
// divide, one sliding-window flag per layer, expected tensors and a parameter count that fit), an
// accepted adapter a LoRA with a rank from 1 and a finite scale.
#include "formats/hf_config.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_target.h"

#include <cmath>

using nf::fuzz::promise;

namespace {

void checkModel(const nf::formats::HfModelConfig& config)
{
    for (const int64_t size : {config.vocabSize, config.hiddenSize, config.layers, config.heads, config.kvHeads,
                               config.headDim, config.intermediateSize})
        promise(size >= 1, "sizes from 1");
    promise(config.heads % config.kvHeads == 0, "key-value heads divide the heads");
    promise(config.slidingLayers.empty() || config.slidingLayers.size() == static_cast<size_t>(config.layers),
            "one sliding-window flag per layer");
    promise(!config.slidingWindow || *config.slidingWindow >= 1, "a sliding window from 1");
    promise(std::isfinite(config.rmsNormEps) && config.rmsNormEps > 0, "a positive rms_norm_eps");
    promise(std::isfinite(config.ropeTheta) && config.ropeTheta > 0, "a positive rope_theta");
    promise(std::isfinite(config.rope.factor) && config.rope.factor > 0, "a positive rope factor");
    const auto tensors = nf::formats::expectedTensors(config);
    promise(!tensors.empty(), "tensors to load");
    for (const auto& tensor : tensors) {
        for (const int64_t dim : tensor.shape)
            promise(dim >= 1, "tensor dimensions from 1");
    }
    promise(nf::formats::parameterCount(config) > 0, "a positive parameter count");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto folder = nf::fuzz::scratchFolder() / "hf-model";
    for (const char* name : {"config.json", "adapter_config.json", "tokenizer_config.json"})
        nf::fuzz::writeFile(folder / name, bytes);
    nf::formats::HfModelConfig model;
    if (nf::fuzz::acceptedOrRefused([&] { model = nf::formats::readHfConfig(folder); }))
        checkModel(model);
    nf::formats::LoraConfig lora;
    if (nf::fuzz::acceptedOrRefused([&] { lora = nf::formats::readLoraConfig(folder); })) {
        promise(lora.r >= 1, "a rank from 1");
        promise(std::isfinite(lora.scale()), "a finite scale");
    }
    nf::fuzz::acceptedOrRefused([&] { (void)nf::formats::readTokenizerSettings(folder / "tokenizer_config.json"); });
    return 0;
}

namespace nf::fuzz {

std::vector<std::string> seeds()
{
    std::vector<std::string> all = testDataFiles("hf-tiny", "config.json");
    all.push_back(R"({"add_bos_token": true, "add_eos_token": false, "bos_token": {"content": "<s>"},)"
                  R"( "eos_token": "</s>"})");
    all.push_back(R"({"architectures": ["LlamaForCausalLM"], "vocab_size": 32, "hidden_size": 16,)"
                  R"( "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,)"
                  R"( "intermediate_size": 24, "max_position_embeddings": 64, "hidden_act": "silu",)"
                  R"( "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,)"
                  R"( "high_freq_factor": 4.0, "original_max_position_embeddings": 8192},)"
                  R"( "attention_bias": true, "mlp_bias": true, "tie_word_embeddings": false})");
    return all;
}

std::vector<std::string> dictionary()
{
    return jsonDictionary(
        {"\"architectures\"", "[\"LlamaForCausalLM\"]", "[\"MistralForCausalLM\"]", "[\"Qwen2ForCausalLM\"]",
         "[\"Qwen3ForCausalLM\"]", "[\"GemmaForCausalLM\"]", "\"vocab_size\"", "\"hidden_size\"",
         "\"num_hidden_layers\"", "\"num_attention_heads\"", "\"num_key_value_heads\"", "\"head_dim\"",
         "\"intermediate_size\"", "\"max_position_embeddings\"", "\"rms_norm_eps\"", "\"rope_theta\"",
         "\"rope_scaling\"", "\"rope_type\"", "\"linear\"", "\"llama3\"", "\"yarn\"", "\"factor\"",
         "\"tie_word_embeddings\"", "\"sliding_window\"", "\"use_sliding_window\"", "\"max_window_layers\"",
         "\"layer_types\"", "\"sliding_attention\"", "\"full_attention\"", "\"quantization_config\"",
         "\"hidden_act\"", "\"silu\"", "\"torch_dtype\"", "\"bfloat16\"", "\"peft_type\"", "\"LORA\"", "\"r\"",
         "\"lora_alpha\"", "\"use_rslora\"", "\"target_modules\"", "\"all-linear\"", "\"modules_to_save\"",
         "\"rank_pattern\"", "\"use_dora\"", "\"fan_in_fan_out\"", "\"base_model_name_or_path\"",
         "\"add_bos_token\"", "\"bos_token\"", "\"content\"", "1e-300", "4611686018427387904", "3037000500"});
}

std::string repair(std::string input, uint64_t)
{
    return input;
}

} // namespace nf::fuzz
