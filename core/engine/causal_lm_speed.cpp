// CausalLm's throughput without noisefloor's bookkeeping, for bench/lm_bench and hf_bench: the bare
// forward passes of a run, and LLaMA-Factory's way (logits at every position, then one picked).

#include "common/error.h"
#include "engine/causal_lm_impl.h"
#include "engine/draws.h"
#include "engine/prefix_segments.h"
#include "engine/prompt.h"
#include "formats/mcq.h"

#include <algorithm>
#include <chrono>
#include <span>

namespace nf::engine {

double CausalLm::bareForwardTokensPerSecond(const formats::McqTask& task, PromptBuilder& prompts,
                                            int64_t seed, int repeats, bool attendToPrefix)
{
    c10::InferenceMode guard;
    applyRuntime();
    const auto& config = d->config;
    const PaddingSide side = config.lm ? config.lm->paddingSide : PaddingSide::Right;
    const int64_t n = config.limit > 0 ? std::min<int64_t>(config.limit, task.n()) : task.n();
    const auto order = runOrder(n, config, seed);
    int64_t tokens = 0;
    double seconds = 0;
    if (d->folder) {
        std::vector<SegmentTokens> segments;
        for (auto& items : segmentItems(task, order, d->caching())) {
            segments.push_back(segmentTokens(buildSegment(std::move(items), prompts, seed, d->caching()),
                                             prompts, seed, config.batchSize));
            tokens += segments.back().tokens();
        }
        auto& model = d->weights();
        const auto started = std::chrono::steady_clock::now();
        for (int r = 0; r < repeats; ++r)
            for (const auto& work : segments) {
                std::shared_ptr<const HfModel::Prefix> prefix;
                if (!work.prefix.empty()) {
                    if (attendToPrefix)
                        prefix = model.computePrefix(work.prefix);
                    else
                        model.lastHidden({std::span<const int32_t>(work.prefix)}, nullptr);
                }
                for (size_t i = 0; i < work.batches.size(); ++i) {
                    std::vector<std::span<const int32_t>> spans(work.batches[i].begin(),
                                                                work.batches[i].end());
                    model.lastHidden(spans, i < work.cachedBatches ? prefix.get() : nullptr);
                }
            }
        if (d->torchDevice.is_cuda())
            at::zeros({1}, at::TensorOptions().device(d->torchDevice)).cpu(); // waits for the queue
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return static_cast<double>(tokens) * repeats / seconds;
    }
    struct DeviceBatch
    {
        at::Tensor ids;
        at::Tensor mask;
    };
    std::vector<DeviceBatch> batches;
    for (int64_t start = 0; start < n; start += config.batchSize) {
        const int64_t count = std::min<int64_t>(config.batchSize, n - start);
        std::vector<EncodedPrompt> encoded;
        std::vector<const std::vector<int32_t>*> ids;
        for (int64_t b = 0; b < count; ++b)
            encoded.push_back(prompts.build(order[static_cast<size_t>(start + b)], seed));
        for (const auto& prompt : encoded)
            ids.push_back(&prompt.ids);
        const auto batch = padBatch(ids, side);
        tokens += batch.realTokens;
        batches.push_back({batch.ids.to(d->torchDevice), batch.mask.to(d->torchDevice)});
    }
    const auto started = std::chrono::steady_clock::now();
    for (int r = 0; r < repeats; ++r)
        for (const auto& batch : batches)
            d->module.forward({batch.ids, batch.mask});
    if (d->torchDevice.is_cuda())
        at::zeros({1}, at::TensorOptions().device(d->torchDevice)).cpu(); // waits for the queue
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return static_cast<double>(tokens) * repeats / seconds;
}

double CausalLm::allPositionsItemsPerSecond(const formats::McqTask& task, PromptBuilder& prompts,
                                            int64_t seed, int batchSize)
{
    if (!d->folder)
        throw InputError(d->path + ": only a model folder can be measured this way");
    c10::InferenceMode guard;
    applyRuntime();
    const int64_t n = d->config.limit > 0 ? std::min<int64_t>(d->config.limit, task.n()) : task.n();
    const auto order = runOrder(n, d->config, seed);
    if (d->choiceIds.empty())
        d->choiceIds = prompts.choiceIds();
    std::vector<int64_t> choices(d->choiceIds.begin(), d->choiceIds.end());
    const auto choiceIndex = at::tensor(choices, at::kLong).to(d->torchDevice);
    const auto started = std::chrono::steady_clock::now();
    for (int64_t start = 0; start < n; start += batchSize) {
        const int64_t count = std::min<int64_t>(batchSize, n - start);
        std::vector<EncodedPrompt> encoded;
        for (int64_t b = 0; b < count; ++b)
            encoded.push_back(prompts.build(order[static_cast<size_t>(start + b)], seed));
        std::vector<std::span<const int32_t>> sequences;
        std::vector<int64_t> last;
        for (const auto& prompt : encoded) {
            sequences.emplace_back(prompt.ids);
            last.push_back(static_cast<int64_t>(prompt.ids.size()) - 1);
        }
        const auto logits = d->weights().allLogits(sequences); // [B, T, V], as LLaMA-Factory's forward
        const auto rows = at::arange(count, at::TensorOptions().dtype(at::kLong).device(d->torchDevice));
        const auto picked = logits.index({rows, at::tensor(last, at::kLong).to(d->torchDevice)})
                                .index_select(1, choiceIndex)
                                .to(at::kCPU, at::kFloat);
        (void)picked;
    }
    return static_cast<double>(n) /
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

} // namespace nf::engine
