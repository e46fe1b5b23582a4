#include "engine/prefix_segments.h"

#include <algorithm>
#include <map>
#include <utility>

namespace nf::engine {
namespace {

// How many leading tokens two sequences share.
size_t commonPrefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b)
{
    const auto limit = std::min(a.size(), b.size());
    size_t n = 0;
    while (n < limit && a[n] == b[n])
        ++n;
    return n;
}

} // namespace

std::vector<std::vector<int64_t>> segmentItems(const formats::McqTask& task, const std::vector<int64_t>& order,
                                               bool caching)
{
    if (!caching)
        return {order};
    std::map<int, size_t> slot;
    std::vector<std::vector<int64_t>> segments;
    for (const int64_t idx : order) {
        const int subject = task.items[static_cast<size_t>(idx)].subject;
        const auto [it, added] = slot.emplace(subject, segments.size());
        if (added)
            segments.emplace_back();
        segments[it->second].push_back(idx);
    }
    return segments;
}

PrefixSegment buildSegment(std::vector<int64_t> items, PromptBuilder& prompts, int64_t seed, bool caching)
{
    PrefixSegment segment;
    segment.items = std::move(items);
    segment.usesPrefix.assign(segment.items.size(), false);
    if (!caching || segment.items.size() < 2)
        return segment;
    std::vector<std::pair<EncodedPrompt, int64_t>> built;
    built.reserve(segment.items.size());
    for (const int64_t idx : segment.items)
        built.emplace_back(prompts.build(idx, seed), idx);
    std::stable_sort(built.begin(), built.end(),
                     [](const auto& a, const auto& b) { return a.first.ids.size() < b.first.ids.size(); });
    segment.prompts.reserve(built.size());
    for (size_t i = 0; i < built.size(); ++i) {
        segment.items[i] = built[i].second;
        segment.prompts.push_back(std::move(built[i].first));
    }
    const int shots = prompts.options().nShot;
    const std::vector<int32_t>* first = nullptr;
    size_t shared = 0;
    for (const auto& prompt : segment.prompts) {
        if (prompt.shotsKept != shots || prompt.truncated)
            continue;
        if (!first) {
            first = &prompt.ids;
            shared = prompt.ids.size();
        } else {
            shared = std::min(shared, commonPrefix(*first, prompt.ids));
        }
    }
    if (!first)
        return segment;
    size_t users = 0;
    for (size_t i = 0; i < segment.prompts.size(); ++i) {
        const auto& ids = segment.prompts[i].ids;
        segment.usesPrefix[i] = ids.size() > shared && commonPrefix(*first, ids) >= shared;
        users += segment.usesPrefix[i];
    }
    // Every user keeps at least one token of its own (its last, whose logits are scored).
    if (shared < kMinimumPrefix || users < 2)
        segment.usesPrefix.assign(segment.items.size(), false);
    else
        segment.prefixLength = shared;
    return segment;
}

int64_t SegmentTokens::tokens() const
{
    auto total = static_cast<int64_t>(prefix.size());
    for (const auto& batch : batches)
        for (const auto& sequence : batch)
            total += static_cast<int64_t>(sequence.size());
    return total;
}

SegmentTokens segmentTokens(const PrefixSegment& segment, PromptBuilder& prompts, int64_t seed, int batchSize)
{
    SegmentTokens work;
    const auto user = std::find(segment.usesPrefix.begin(), segment.usesPrefix.end(), true);
    if (user != segment.usesPrefix.end()) {
        const auto& ids = segment.prompts[static_cast<size_t>(user - segment.usesPrefix.begin())].ids;
        work.prefix.assign(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(segment.prefixLength));
    }
    for (const bool cachedPass : {true, false}) {
        std::vector<std::vector<int32_t>> batch;
        auto flush = [&] {
            if (batch.empty())
                return;
            work.batches.push_back(std::move(batch));
            batch.clear();
            work.cachedBatches += cachedPass;
        };
        for (size_t i = 0; i < segment.items.size(); ++i) {
            if (segment.usesPrefix[i] != cachedPass)
                continue;
            // A segment that looked for no prefix has its prompts built here, as a run builds them.
            const auto ids = segment.prompts.empty() ? prompts.build(segment.items[i], seed).ids : segment.prompts[i].ids;
            const size_t skip = cachedPass ? segment.prefixLength : 0;
            batch.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(skip), ids.end());
            if (static_cast<int>(batch.size()) == batchSize)
                flush();
        }
        flush();
    }
    return work;
}

} // namespace nf::engine
