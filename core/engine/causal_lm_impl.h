#pragma once

// CausalLm's private half, shared by causal_lm.cpp (evaluation) and causal_lm_speed.cpp (the
// throughput measurements of bench/). Internal to nf_engine and included only by its .cpp files,
// like them it includes torch: no public header does.

#include "engine/causal_lm.h"
#include "engine/hf_model.h"
#include "engine/torch_glue.h"

#include <torch/script.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nf::engine {

inline constexpr const char* kExpectedOutput = "a Tensor[B, T, V] of logits";

// Token ids padded into a batch: ids and mask [B, T] on the CPU, and each prompt's last real
// position.
struct PaddedBatch
{
    at::Tensor ids;
    at::Tensor mask;
    at::Tensor last;
    int64_t realTokens = 0;
};

PaddedBatch padBatch(const std::vector<const std::vector<int32_t>*>& prompts, PaddingSide side);

struct CausalLm::Impl
{
    std::string path;
    EvalConfig config;
    torch::jit::Module module;
    // A Hugging Face folder (else the TorchScript module): checked when the CausalLm is made, its
    // weights loaded at the first forward and freed by releaseWeights(), so that a queue of
    // evaluations holds one model's weights at a time.
    bool folder = false;
    std::string adapter;
    std::optional<ModelFolderInfo> folderInfo;
    std::unique_ptr<HfModel> native;
    std::vector<int32_t> choiceIds;
    Work work;
    ResolvedDevice device;
    c10::Device torchDevice{c10::kCPU};
    at::ScalarType dtype = at::kFloat;
    at::Tensor choiceTensor; // the choice ids on the device

    // Logits [B, T, V] of a padded batch, left on the device.
    at::Tensor forwardLogits(const PaddedBatch& batch)
    {
        const auto output = module.forward({batch.ids.to(torchDevice), batch.mask.to(torchDevice)});
        return outputLogits(output, path, kExpectedOutput);
    }

    // The choice ids' logits at each prompt's last real token, [B, C] float on the CPU: only that
    // slice leaves the device.
    at::Tensor choiceLogits(const PaddedBatch& batch, const at::Tensor& logits)
    {
        const auto rows =
            at::arange(logits.size(0), at::TensorOptions().dtype(at::kLong).device(torchDevice));
        const auto lastRows = logits.index({rows, batch.last.to(torchDevice)}); // [B, V]
        return lastRows.index_select(1, choiceTensor).to(at::kCPU, at::kFloat).contiguous();
    }

    at::Tensor scoreOnce(const std::vector<const std::vector<int32_t>*>& prompts, PaddingSide side)
    {
        if (folder) {
            std::vector<std::span<const int32_t>> sequences;
            for (const auto* prompt : prompts)
                sequences.emplace_back(*prompt);
            auto& model = weights();
            return model.logits(model.lastHidden(sequences, nullptr), choiceIds);
        }
        const auto batch = padBatch(prompts, side);
        return choiceLogits(batch, forwardLogits(batch));
    }

    // The choice logits [B, C] (float, CPU) of prompts that each continue `prefix` (null: none)
    // past its `skip` tokens.
    at::Tensor scoreBatch(const std::vector<const std::vector<int32_t>*>& prompts,
                          const HfModel::Prefix* prefix, size_t skip, PaddingSide side)
    {
        if (!folder)
            return scoreOnce(prompts, side);
        std::vector<std::span<const int32_t>> suffixes;
        for (const auto* prompt : prompts) {
            suffixes.emplace_back(prompt->data() + skip, prompt->size() - skip);
            work.suffixTokens += static_cast<int64_t>(prompt->size() - skip);
        }
        auto& model = weights();
        return model.logits(model.lastHidden(suffixes, prefix), choiceIds);
    }

    HfModel& weights()
    {
        if (!native)
            native = std::make_unique<HfModel>(path, adapter, config, device);
        return *native;
    }

    bool caching() const { return folder && config.prefixCache && config.dropout != DropoutMode::Train; }

    // Largest difference between the choice logits of a prompt alone and padded in a batch: the
    // prompt less its first 16 tokens, next to the whole prompt (so nothing is longer than a prompt
    // the run will feed the model).
    double paddingDifference(const std::vector<int32_t>& prompt, PaddingSide side)
    {
        const auto cut = static_cast<std::ptrdiff_t>(std::min<size_t>(16, prompt.size() - 1));
        const std::vector<int32_t> shorter(prompt.begin() + cut, prompt.end());
        const auto alone = scoreOnce({&shorter}, side);
        const auto padded = scoreOnce({&shorter, &prompt}, side);
        return (alone[0] - padded[0]).abs().max().item<double>();
    }

    double paddingTolerance(const at::Tensor& reference) const
    {
        const double scale = std::max(1.0, reference.abs().max().item<double>());
        // Half-precision sums in another order (a batch of two) differ by far more than 1e-4.
        return (config.dtype == DType::Float32 ? 1e-4 : 2e-2) * scale;
    }
};

} // namespace nf::engine
