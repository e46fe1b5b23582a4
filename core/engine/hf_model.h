#pragma once

// Hugging Face model folders run natively: Llama, Mistral, Qwen2 and Qwen3 decoders written in
// libtorch ops, loaded from safetensors with an optional PEFT LoRA adapter merged in. The public
// part (ModelFolderInfo, inspectModelFolder, modelFolderSha256) reads only JSON and safetensors
// headers: the CLI and the New evaluation dialog show what a folder holds, and refuse what will not
// run or not fit, before any weight is read. HfModel is internal to nf_engine (CausalLm uses it);
// torch types are only forward-declared here.

#include "engine/config.h"
#include "engine/runtime.h"
#include "formats/hf_config.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace nf::engine {

struct ModelFolderInfo
{
    formats::HfModelConfig config;
    std::optional<formats::LoraConfig> adapter;
    int64_t parameters = 0;
    std::string storedDtype; // the checkpoint's: F32 | F16 | BF16 (the most bytes)
    uint64_t storedBytes = 0;
    uint64_t weightBytes = 0; // in the run's dtype
    uint64_t batchBytes = 0;  // one batch of the longest prompt (activations, attention, prefix cache)
    std::string deviceName;   // "cpu", "cuda:0"
    std::optional<uint64_t> availableBytes; // what the device has free now, when known

    bool fits() const;
    // "Qwen3ForCausalLM, 0.6 B parameters, BF16 stored, run in fp32: weights 2.4 GB + one batch 0.3 GB
    // of 20.1 GB free on cpu"
    std::string summary() const;
};

// The folder's config.json, safetensors headers (and the adapter's) read and checked against each
// other (every tensor the architecture needs, with its shape; no unexpected ones) and sized for
// `config` (dtype, batch size) on `device` (resolveDevice of config.device) with prompts up to
// `promptTokens` long. Throws nf::InputError.
ModelFolderInfo inspectModelFolder(const std::filesystem::path& folder, const std::string& adapter,
                                   const EvalConfig& config, int64_t promptTokens, const ResolvedDevice& device);

// Throws nf::InputError when the weights and a batch do not fit the device's free memory.
void checkFits(const ModelFolderInfo& info);

// The model's identity: sha256 over config.json, the weights (index and shards) and, with an
// adapter, the adapter's sha256 (adapterSha256). The same folder (or a copy) gives the same value.
std::string modelFolderSha256(const std::filesystem::path& folder, const std::string& adapterSha256);

// A model's identity whatever it is: the file's sha256 for a TorchScript file, modelFolderSha256
// for a folder (with its adapter, when one is named). Throws nf::InputError naming what is missing.
std::string modelIdentitySha256(const std::string& path, const std::string& adapter);

// The adapter's own sha256 (adapter_config.json and adapter_model.safetensors), recorded per run.
std::string adapterSha256(const std::string& adapter);

// The loaded model. Not thread-safe.
class HfModel
{
public:
    // Reads, checks, converts and (with an adapter) merges the weights onto `device` in the
    // config's dtype. Throws nf::InputError naming the file and the tensor.
    HfModel(const std::filesystem::path& folder, const std::string& adapter, const EvalConfig& config,
            const ResolvedDevice& device);
    ~HfModel();
    HfModel(const HfModel&) = delete;
    HfModel& operator=(const HfModel&) = delete;

    const formats::HfModelConfig& config() const;
    const ModelFolderInfo& info() const;

    // Keys and values of a token sequence at every layer, for prompts that continue it.
    struct Prefix;
    std::shared_ptr<const Prefix> computePrefix(std::span<const int32_t> ids);
    static int64_t prefixLength(const Prefix& prefix);

    // Hidden states after the final norm at the last token of each sequence, [B, hidden] on the
    // device; every sequence continues `prefix` (null: none). Only the last layer's last positions
    // go through attention output and MLP; nothing of size [B, T, V] is made.
    at::Tensor lastHidden(const std::vector<std::span<const int32_t>>& sequences, const Prefix* prefix);

    // Logits of `hidden` [B, hidden] for the vocabulary rows `rows` (all when empty), [B, rows]
    // float on the CPU.
    at::Tensor logits(const at::Tensor& hidden, const std::vector<int32_t>& rows);

    // lastHidden then logits, as plain vectors (tests, tools): [B][rows].
    std::vector<std::vector<float>> lastLogits(const std::vector<std::span<const int32_t>>& sequences,
                                               const Prefix* prefix, const std::vector<int32_t>& rows);

    // The logits at every position of right-padded sequences, [B, T, V] on the device: what a
    // generic evaluator computes (bench only).
    at::Tensor allLogits(const std::vector<std::span<const int32_t>>& sequences);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace nf::engine
