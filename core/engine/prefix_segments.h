#pragma once

// How a causal language model's run is cut into segments whose prompts share a prefix (the
// prefix cache of a Hugging Face folder): which items go together and the prefix they share.
// No torch here: the decoder that computes the prefix once is in causal_lm.cpp.

#include "engine/prompt.h"
#include "formats/mcq.h"

#include <cstdint>
#include <vector>

namespace nf::engine {

// Shorter shared prefixes are computed with their prompts: caching them saves less than it costs.
inline constexpr size_t kMinimumPrefix = 8;

struct PrefixSegment
{
    std::vector<int64_t> items;
    std::vector<EncodedPrompt> prompts; // of `items` when a prefix was looked for; else built per batch
    size_t prefixLength = 0;            // 0: no prefix; prompts[i] starts with it when usesPrefix[i]
    std::vector<bool> usesPrefix;
};

// A run's items in the order they are scored: with `caching`, one segment per subject (in the
// order the subjects first come), its items in run order; otherwise one segment, the run order.
std::vector<std::vector<int64_t>> segmentItems(const formats::McqTask& task, const std::vector<int64_t>& order,
                                               bool caching);

// Builds the segment's prompts (sorted by length: less padding through the linear layers; items
// are scored independently, so the order changes no answer) and finds the prefix they share: the
// common start of the prompts that kept every shot (a prompt cut for length starts otherwise and is
// scored whole), leaving each prompt at least its last token. Without `caching`, or with fewer than
// two items, no prompt is built here (they are built batch by batch as they are scored).
PrefixSegment buildSegment(std::vector<int64_t> items, PromptBuilder& prompts, int64_t seed, bool caching);

// The token batches a segment puts through the model: its shared prefix (empty: none), then its
// prompts in batches of `batchSize`, the first `cachedBatches` without the prefix they continue
// (a segment that looked for no prefix has its prompts built from `prompts` with `seed`).
// What a bare forward over a run's work is timed on (CausalLm::bareForwardTokensPerSecond).
struct SegmentTokens
{
    std::vector<int32_t> prefix;
    std::vector<std::vector<std::vector<int32_t>>> batches;
    size_t cachedBatches = 0;

    int64_t tokens() const;
};
SegmentTokens segmentTokens(const PrefixSegment& segment, PromptBuilder& prompts, int64_t seed, int batchSize);

} // namespace nf::engine
