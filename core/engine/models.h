#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace nf::engine {

// Tiny TorchScript classifiers for tests and examples, built in C++ (no Python needed):
// forward(x) reshapes x to [B, inputSize] and applies one seeded linear layer.
struct TinyClassifierSpec
{
    enum class Output {
        Logits, // [B, classes]: what a classifier should return
        Vector, // [B]: a wrong shape
        Rank3,  // [B, classes, 1]: a wrong shape
    };
    int inputSize = 16;
    int classes = 3;
    uint64_t seed = 0;
    // A Dropout submodule (p = 0.5) on the input, as torch.jit.script keeps it.
    bool dropout = false;
    // A Dropout-named submodule that ignores `training`, as torch.jit.trace leaves it.
    bool inertDropout = false;
    Output output = Output::Logits;
    // The model's class name, and a child module ("Norm") that zeroes its input in training mode,
    // as BatchNorm's batch statistics would change it: MC-dropout must leave it in eval.
    std::string className = "TinyClassifier";
    bool trainSensitiveChild = false;
    // Scales its input in place (x.mul_(0.5)) before using it, as some preprocessing does.
    bool writesInput = false;
};

void writeTinyClassifier(const std::filesystem::path& path, const TinyClassifierSpec& spec);

// A tiny decoder-only transformer saved as TorchScript for tests, benches and examples, with a
// real architecture: token and position embeddings, `layers` pre-norm blocks of causal multi-head
// self-attention and an MLP, a final LayerNorm and an LM head; seeded random weights.
// forward(input_ids: Long[B,T], attention_mask: Long[B,T]) -> logits [B,T,V], as an exported
// Hugging Face model; padded positions are masked out of attention.
struct TinyCausalLmSpec
{
    enum class Output {
        Logits, // [B, T, V]
        Tuple,  // (logits, hidden states), as HF's torchscript=True models return
        Dict,   // {"logits": ...}
        Rank2,  // [B, V]: a wrong rank
    };
    enum class Positions {
        FromMask, // cumsum(attention_mask) - 1: the same answer with left or right padding
        Absolute, // 0..T-1 whatever the padding, as a trace can bake in: left padding shifts them
    };
    int vocab = 512;
    int dim = 64;
    int heads = 4;
    int layers = 2;
    int maxPositions = 2048;
    uint64_t seed = 0;
    Output output = Output::Logits;
    Positions positions = Positions::FromMask;
    bool ignoresMask = false; // attends to padding too, as a model traced without a mask may
};

void writeTinyCausalLm(const std::filesystem::path& path, const TinyCausalLmSpec& spec);

// A tiny Hugging Face model folder for tests, benches and examples, written as transformers writes
// one: config.json and model.safetensors (or `shards` shards with model.safetensors.index.json),
// seeded random weights (normal, sd 0.02 x `scale`; norms near 1).
struct TinyHfModelSpec
{
    std::string architecture = "Qwen3ForCausalLM"; // LlamaForCausalLM | MistralForCausalLM | Qwen2ForCausalLM | Qwen3ForCausalLM
    int vocab = 512;
    int hidden = 64;
    int layers = 2;
    int heads = 4;
    int kvHeads = 2;
    int headDim = 0; // 0: hidden / heads
    int intermediate = 128;
    bool tieEmbeddings = true;
    bool bf16 = false; // stored dtype: F32 or BF16
    int shards = 1;
    uint64_t seed = 0;
    double scale = 1.0; // multiplies the weights' sd: larger gives sharper answers
    double attentionDropout = 0.0;
    bool mlpBias = false; // Llama's mlp_bias: gate, up and down with biases
};

void writeTinyHfModel(const std::filesystem::path& folder, const TinyHfModelSpec& spec);

// A PEFT LoRA adapter for a folder written by writeTinyHfModel: adapter_config.json and
// adapter_model.safetensors with seeded A and B for `targets` ("q_proj", "v_proj", ...) in every layer.
struct TinyLoraSpec
{
    int r = 4;
    double alpha = 8;
    bool rslora = false;
    std::vector<std::string> targets = {"q_proj", "v_proj"};
    uint64_t seed = 1;
    double scale = 1.0;
};

void writeTinyLoraAdapter(const std::filesystem::path& folder, const TinyHfModelSpec& base, const TinyLoraSpec& spec);

// The demo's models: an MLP 784-256-10 with dropout (p = 0.2) trained on the Fashion-MNIST
// training split with Adam, seeded, saved after 1 and after 3 epochs. Cached in `directory`: only
// trained when the files are missing. Written to a temporary name and renamed, so an interrupted
// training never leaves a half-written model behind.
struct DemoModels
{
    std::filesystem::path oneEpoch;
    std::filesystem::path threeEpochs;
    bool trained = false; // false when both came from the cache
    double trainSeconds = 0;
};

// epoch (1-based), epochs, and items done of the epoch.
using TrainProgress = std::function<void(int epoch, int epochs, int64_t done, int64_t total)>;

DemoModels ensureDemoModels(const std::filesystem::path& directory, const TrainProgress& progress);

} // namespace nf::engine
