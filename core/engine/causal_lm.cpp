#include "engine/causal_lm_impl.h"

#include "common/error.h"
#include "engine/draws.h"
#include "engine/prefix_segments.h"
#include "engine/prompt.h"
#include "engine/runtime.h"
#include "engine/sampling.h"
#include "env/environment.h"
#include "formats/mcq.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <span>
#include <sstream>

namespace nf::engine {

PaddedBatch padBatch(const std::vector<const std::vector<int32_t>*>& prompts, PaddingSide side)
{
    const auto count = static_cast<int64_t>(prompts.size());
    size_t longest = 0;
    for (const auto* prompt : prompts)
        longest = std::max(longest, prompt->size());
    const auto width = static_cast<int64_t>(longest);
    PaddedBatch batch;
    // Padding is id 0 under a zero mask: its value never reaches a masked model's answer.
    batch.ids = at::zeros({count, width}, at::kLong);
    batch.mask = at::zeros({count, width}, at::kLong);
    batch.last = at::empty({count}, at::kLong);
    auto* ids = batch.ids.data_ptr<int64_t>();
    auto* mask = batch.mask.data_ptr<int64_t>();
    auto* last = batch.last.data_ptr<int64_t>();
    for (int64_t b = 0; b < count; ++b) {
        const auto& prompt = *prompts[static_cast<size_t>(b)];
        const auto length = static_cast<int64_t>(prompt.size());
        const int64_t start = side == PaddingSide::Right ? 0 : width - length;
        for (int64_t t = 0; t < length; ++t) {
            ids[b * width + start + t] = prompt[static_cast<size_t>(t)];
            mask[b * width + start + t] = 1;
        }
        last[b] = start + length - 1;
        batch.realTokens += length;
    }
    return batch;
}

namespace {

// Items are handed to the store at most this often while a run goes (and when it is cancelled).
constexpr double kChunkSeconds = 10.0;

// Softmax probability of entry `index` among `count` logits, in double.
double probabilityOf(const float* logits, int count, int index)
{
    double maxLogit = -INFINITY;
    for (int c = 0; c < count; ++c)
        maxLogit = std::max(maxLogit, static_cast<double>(logits[c]));
    double total = 0;
    for (int c = 0; c < count; ++c)
        total += std::exp(logits[c] - maxLogit);
    return std::exp(logits[index] - maxLogit) / total;
}

} // namespace

CausalLm::CausalLm(const std::string& path, const std::string& adapter, const EvalConfig& config,
                   int64_t promptTokens)
    : d(std::make_unique<Impl>())
{
    d->path = path;
    d->config = config;
    if (formats::isHfModelFolder(path)) {
        validate(config);
        d->device = resolveDevice(config.device);
        checkDType(config.dtype, d->device);
        d->folder = true;
        d->adapter = adapter;
        d->folderInfo = inspectModelFolder(path, adapter, config, promptTokens, resolveDevice(config.device));
    } else {
        if (!adapter.empty())
            throw InputError(adapter + ": a LoRA adapter applies to a Hugging Face model folder, not to a "
                                       "TorchScript file (" + path + ")");
        if (config.dropout == DropoutMode::Train)
            throw InputError("dropout: --dropout train on a TorchScript language model is not supported; it runs "
                             "in eval mode");
        d->device = loadScriptModule(path, config, d->module);
    }
    d->torchDevice = torchDeviceOf(d->device);
    d->dtype = scalarTypeOf(config.dtype);
    keepFreedMemoryForReuse();
}

CausalLm::~CausalLm() = default;

const std::string& CausalLm::deviceType() const
{
    return d->device.type;
}

std::string CausalLm::deviceDescription() const
{
    return d->device.description;
}

void CausalLm::applyRuntime()
{
    applyThreads(d->config.threads);
    applyDeterminism(d->config.deterministic);
}

void CausalLm::checkAgainst(const std::vector<int32_t>& prompt, const std::vector<int32_t>& choiceIds,
                            int32_t vocabSize)
{
    c10::InferenceMode guard;
    applyRuntime();
    if (prompt.empty())
        throw InputError(d->path + ": cannot check the model with an empty prompt");
    std::vector<int64_t> choices(choiceIds.begin(), choiceIds.end());
    d->choiceTensor = at::tensor(choices, at::kLong).to(d->torchDevice);
    d->choiceIds = choiceIds;

    if (d->folder) {
        const auto& model = d->folderInfo->config;
        if (model.vocabSize < vocabSize)
            throw InputError(d->path + ": the model's vocabulary has " + std::to_string(model.vocabSize) +
                             " entries (config.json) but the tokenizer's ids go up to " + std::to_string(vocabSize - 1) +
                             ": this tokenizer.json is not the model's");
        if (model.slidingWindow && static_cast<int64_t>(prompt.size()) > *model.slidingWindow)
            std::fprintf(stderr, "%s: prompts longer than the sliding window (%lld tokens) attend only to its "
                                 "last tokens, as transformers does\n",
                         d->path.c_str(), static_cast<long long>(*model.slidingWindow));
        // Every tensor and shape was checked against config.json, and noisefloor places the
        // positions and masks itself (padding cannot change an answer): nothing is left that a
        // probe forward would find, and the weights are loaded only when the runs start.
        return;
    }

    // A probe of the lowest ids first: a model with too small a vocabulary would fail on the
    // prompt's ids with an index error instead of saying so.
    const std::vector<int32_t> probe = {0, 1, 2, 3};
    const auto batch = padBatch({&probe}, PaddingSide::Right);
    at::Tensor logits;
    try {
        logits = d->forwardLogits(batch);
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& e) {
        throw InputError(d->path + ": forward(input_ids, attention_mask) failed on a batch of shape " +
                         shapeText(batch.ids) + " (" + torchErrorSummary(e) +
                         "); a causal LM must take input_ids and attention_mask, both Long[B, T]");
    }
    if (logits.dim() != 3 || logits.size(0) != 1 || logits.size(1) != batch.ids.size(1))
        throw InputError(d->path + ": output has shape " + shapeText(logits) + ", expected logits [B, T, V] = [1, " +
                         std::to_string(batch.ids.size(1)) + ", V]");
    if (logits.size(2) < vocabSize)
        throw InputError(d->path + ": the model's vocabulary has " + std::to_string(logits.size(2)) +
                         " entries but the tokenizer's ids go up to " + std::to_string(vocabSize - 1) +
                         ": this tokenizer.json is not the model's");
    try {
        d->scoreOnce({&prompt}, PaddingSide::Right);
    } catch (const std::exception& e) {
        throw InputError(d->path + ": forward failed on a prompt of " + std::to_string(prompt.size()) +
                         " tokens (" + torchErrorSummary(e) + "); is --max-length above the model's context?");
    }

    // Batch size 1 never pads.
    if (d->config.batchSize == 1)
        return;
    const PaddingSide side = d->config.lm ? d->config.lm->paddingSide : PaddingSide::Right;
    const PaddingSide other = side == PaddingSide::Right ? PaddingSide::Left : PaddingSide::Right;
    double tolerance = 0;
    double difference = 0;
    double otherDifference = 0;
    try {
        tolerance = d->paddingTolerance(d->scoreOnce({&prompt}, side));
        difference = d->paddingDifference(prompt, side);
        if (difference <= tolerance)
            return;
        otherDifference = d->paddingDifference(prompt, other);
    } catch (const std::exception& e) {
        throw InputError(d->path + ": forward failed on a padded batch of two prompts (" + torchErrorSummary(e) + ")");
    }
    std::ostringstream message;
    message << d->path << ": with --padding-side " << toString(side)
            << ", a prompt padded inside a batch gets other answer logits than the same prompt alone "
            << "(largest difference " << difference << ", more than " << tolerance
            << "): the model ignores the attention mask or its positions move with the padding. ";
    if (otherDifference <= tolerance)
        message << "--padding-side " << toString(other) << " gives the same logits (difference " << otherDifference
                << "): use it.";
    else
        message << "--padding-side " << toString(other) << " does not either (difference " << otherDifference
                << "): use --batch-size 1, or export the model with the attention mask honoured.";
    throw InputError(message.str());
}

std::vector<store::ItemRow> CausalLm::evaluate(const formats::McqTask& task, PromptBuilder& prompts, int64_t seed,
                                               const std::vector<bool>& done, const BatchProgress& progress,
                                               const std::atomic<bool>* cancel, const ItemChunkSink& sink)
{
    c10::InferenceMode guard;
    const auto& config = d->config;
    applyRuntime();
    seedTorch(static_cast<uint64_t>(seed), d->device);
    if (!d->choiceTensor.defined()) {
        std::vector<int64_t> choices(prompts.choiceIds().begin(), prompts.choiceIds().end());
        d->choiceTensor = at::tensor(choices, at::kLong).to(d->torchDevice);
    }
    const PaddingSide side = config.lm ? config.lm->paddingSide : PaddingSide::Right;

    if (d->choiceIds.empty())
        d->choiceIds = prompts.choiceIds();
    const int64_t n = config.limit > 0 ? std::min<int64_t>(config.limit, task.n()) : task.n();
    std::vector<int64_t> order;
    order.reserve(static_cast<size_t>(n));
    for (const int64_t idx : runOrder(n, config, seed))
        if (static_cast<size_t>(idx) >= done.size() || !done[static_cast<size_t>(idx)])
            order.push_back(idx);
    const auto total = static_cast<int64_t>(order.size());
    d->work = {};

    std::vector<store::ItemRow> pending;
    auto lastChunk = std::chrono::steady_clock::now();
    AnswerPicker picker(config);
    int64_t finished = 0;
    auto checkCancel = [&] {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            if (sink && !pending.empty())
                sink(std::move(pending));
            throw Cancelled();
        }
    };
    // Scores the segment's items at positions `which` (indices into segment.items), in batches.
    auto scoreItems = [&](const PrefixSegment& segment, const std::vector<size_t>& which,
                          const HfModel::Prefix* prefix) {
        std::vector<const std::vector<int32_t>*> batchIds;
        std::vector<const EncodedPrompt*> batchPrompts;
        std::vector<EncodedPrompt> built;
        for (size_t start = 0; start < which.size(); start += static_cast<size_t>(config.batchSize)) {
            checkCancel();
            const size_t count = std::min(static_cast<size_t>(config.batchSize), which.size() - start);
            batchIds.clear();
            batchPrompts.clear();
            built.clear();
            for (size_t b = 0; b < count; ++b) {
                if (segment.prompts.empty())
                    built.push_back(prompts.build(segment.items[which[start + b]], seed));
                else
                    batchPrompts.push_back(&segment.prompts[which[start + b]]);
            }
            for (const auto& prompt : built)
                batchPrompts.push_back(&prompt);
            for (const auto* prompt : batchPrompts)
                batchIds.push_back(&prompt->ids);
            at::Tensor scores;
            try {
                scores = d->scoreBatch(batchIds, prefix, prefix ? segment.prefixLength : 0, side);
            } catch (const InputError&) {
                if (sink && !pending.empty())
                    sink(std::move(pending));
                throw;
            } catch (const std::exception& e) {
                // What finished is kept (a resume redoes only the rest); the run is stored as failed
                // with this as its note: the useful line, not a backtrace.
                if (sink && !pending.empty())
                    sink(std::move(pending));
                throw std::runtime_error(d->path + ": forward failed on item " +
                                         std::to_string(segment.items[which[start]]) + "...: " + torchErrorSummary(e));
            }
            const int width = static_cast<int>(scores.size(1));
            const float* rows = scores.data_ptr<float>();
            for (size_t b = 0; b < count; ++b) {
                const size_t at = which[start + b];
                const int64_t idx = segment.items[at];
                const auto& question = task.items[static_cast<size_t>(idx)];
                const int choices = static_cast<int>(question.choices.size());
                const float* row = rows + static_cast<int64_t>(b) * width;
                const double uniform = config.decoding == Decoding::Sample
                                           ? counterUniform(static_cast<uint64_t>(seed), static_cast<uint64_t>(idx),
                                                            DrawStream::Answer)
                                           : 0.0;
                store::ItemRow item;
                item.idx = idx;
                item.predicted = picker.pick(row, choices, uniform);
                item.correct = item.predicted == question.answer;
                item.pTrue = probabilityOf(row, choices, question.answer);
                item.nShots = batchPrompts[b]->shotsKept;
                item.promptHash = batchPrompts[b]->hash;
                pending.push_back(item);
            }
            finished += static_cast<int64_t>(count);
            d->work.items += static_cast<int64_t>(count);
            if (!d->folder)
                for (const auto* ids : batchIds)
                    d->work.suffixTokens += static_cast<int64_t>(ids->size());
            if (progress)
                progress(finished, total);
            const auto now = std::chrono::steady_clock::now();
            if (sink && std::chrono::duration<double>(now - lastChunk).count() >= kChunkSeconds) {
                sink(std::move(pending));
                pending.clear();
                lastChunk = now;
            }
        }
    };

    for (auto& items : segmentItems(task, order, d->caching())) {
        checkCancel();
        const auto segment = buildSegment(std::move(items), prompts, seed, d->caching());
        std::vector<size_t> cached;
        std::vector<size_t> whole;
        for (size_t i = 0; i < segment.items.size(); ++i)
            (segment.usesPrefix[i] ? cached : whole).push_back(i);
        if (!cached.empty()) {
            const auto& ids = segment.prompts[cached.front()].ids;
            std::shared_ptr<const HfModel::Prefix> prefix;
            try {
                prefix = d->weights().computePrefix(std::span<const int32_t>(ids.data(), segment.prefixLength));
            } catch (const std::exception& e) {
                if (sink && !pending.empty())
                    sink(std::move(pending));
                throw std::runtime_error(d->path + ": forward failed on the shared prompt start of item " +
                                         std::to_string(segment.items[cached.front()]) + ": " + torchErrorSummary(e));
            }
            d->work.prefixTokens += static_cast<int64_t>(segment.prefixLength);
            ++d->work.prefixes;
            scoreItems(segment, cached, prefix.get());
        }
        scoreItems(segment, whole, nullptr);
    }
    return pending;
}

const ModelFolderInfo* CausalLm::folderInfo() const
{
    return d->folderInfo ? &*d->folderInfo : nullptr;
}

void CausalLm::releaseWeights()
{
    d->native.reset();
}

CausalLm::Work CausalLm::lastWork() const
{
    return d->work;
}

void CausalLm::describe(env::Snapshot& snapshot) const
{
    describeRuntime(snapshot, d->device);
    snapshot.set("engine.dtype", toString(d->config.dtype));
    if (!d->folderInfo)
        return;
    const auto& info = *d->folderInfo;
    snapshot.set("model.architecture", info.config.architectureName);
    snapshot.set("model.parameters", std::to_string(info.parameters));
    snapshot.set("model.weights_dtype", info.storedDtype);
    snapshot.set("engine.prefix_cache", d->caching() ? "on" : "off");
}

} // namespace nf::engine
