// A small byte-level BPE tokenizer trained on a corpus, written as a tokenizer.json in the form
// Qwen 2 uses: for test fixtures and the LLM demo, where a 151k-token vocabulary would make the
// model's logits needlessly large.

#include "common/error.h"
#include "formats/tokenizer.h"
#include "formats/tokenizer_bpe.h"
#include "formats/tokenizer_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <iterator>
#include <optional>
#include <fstream>
#include <queue>
#include <unordered_map>

namespace nf::formats {

using namespace tokenizer_detail;

namespace {

// Qwen 2's pre-tokenizer split (Qwen 2.5 and 3 use it too).
constexpr const char* kQwen2Pattern = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kSpecialTokens[] = {"<|endoftext|>", "<|im_start|>"};

uint64_t pairKey(int32_t left, int32_t right)
{
    return (uint64_t(uint32_t(left)) << 32) | uint32_t(right);
}

struct Word
{
    std::vector<int32_t> symbols;
    int64_t count = 0;
    int lastMerge = -1; // the merge step that last rewrote it (skips duplicate visits)
};

class Trainer
{
public:
    explicit Trainer(std::unordered_map<std::string, int64_t> wordCounts)
    {
        for (int b = 0; b < 256; ++b) {
            m_tokens.emplace_back(1, static_cast<char>(b));
            m_ids.emplace(m_tokens.back(), b);
        }
        std::vector<std::pair<std::string, int64_t>> sorted(wordCounts.begin(), wordCounts.end());
        std::sort(sorted.begin(), sorted.end()); // the same order on every run
        for (const auto& [bytes, count] : sorted) {
            Word word;
            word.count = count;
            for (unsigned char b : bytes)
                word.symbols.push_back(b);
            m_words.push_back(std::move(word));
        }
        for (size_t w = 0; w < m_words.size(); ++w)
            addPairs(w, +1);
        for (const auto& [key, count] : m_pairCounts)
            if (count > 0)
                m_queue.push({count, key});
    }

    // Learns up to `merges` merges; returns them as token id pairs (ids index tokens()).
    std::vector<std::pair<int32_t, int32_t>> train(int merges)
    {
        std::vector<std::pair<int32_t, int32_t>> learned;
        while (static_cast<int>(learned.size()) < merges) {
            const auto best = popBest();
            if (!best)
                break;
            const auto left = static_cast<int32_t>(*best >> 32);
            const auto right = static_cast<int32_t>(*best & 0xFFFFFFFFu);
            const int32_t merged = tokenId(m_tokens[left] + m_tokens[right]);
            learned.emplace_back(left, right);
            apply(*best, left, right, merged, static_cast<int>(learned.size()));
        }
        return learned;
    }

    const std::vector<std::string>& tokens() const { return m_tokens; }

private:
    struct Candidate
    {
        int64_t count;
        uint64_t pair;
    };
    // Most frequent first; among equals, the pair whose (left bytes, right bytes) sorts first.
    struct Less
    {
        const Trainer* trainer;
        bool operator()(const Candidate& a, const Candidate& b) const
        {
            if (a.count != b.count)
                return a.count < b.count;
            return trainer->bytesOf(b.pair) < trainer->bytesOf(a.pair);
        }
    };

    std::pair<const std::string&, const std::string&> bytesOf(uint64_t pair) const
    {
        return {m_tokens[pair >> 32], m_tokens[pair & 0xFFFFFFFFu]};
    }

    std::optional<uint64_t> popBest()
    {
        while (!m_queue.empty()) {
            const Candidate top = m_queue.top();
            m_queue.pop();
            const auto it = m_pairCounts.find(top.pair);
            const int64_t current = it == m_pairCounts.end() ? 0 : it->second;
            if (current == top.count && current > 0)
                return top.pair;
            if (current > 0 && current < top.count) // stale: its words changed since it was pushed
                m_queue.push({current, top.pair});
        }
        return std::nullopt;
    }

    int32_t tokenId(const std::string& bytes)
    {
        // Two merges can spell the same bytes ("a"+"bc", "ab"+"c"): they share the token.
        if (const auto it = m_ids.find(bytes); it != m_ids.end())
            return it->second;
        const auto id = static_cast<int32_t>(m_tokens.size());
        m_tokens.push_back(bytes);
        m_ids.emplace(bytes, id);
        return id;
    }

    void addPairs(size_t w, int sign)
    {
        const Word& word = m_words[w];
        for (size_t i = 0; i + 1 < word.symbols.size(); ++i) {
            const uint64_t key = pairKey(word.symbols[i], word.symbols[i + 1]);
            m_pairCounts[key] += sign * word.count;
            if (sign > 0) {
                m_where[key].push_back(static_cast<uint32_t>(w));
                m_touched.push_back(key);
            }
        }
    }

    void apply(uint64_t pair, int32_t left, int32_t right, int32_t merged, int step)
    {
        auto where = std::move(m_where[pair]);
        m_where.erase(pair);
        m_touched.clear();
        for (uint32_t w : where) {
            Word& word = m_words[w];
            if (word.lastMerge == step)
                continue;
            word.lastMerge = step;
            bool present = false;
            for (size_t i = 0; i + 1 < word.symbols.size() && !present; ++i)
                present = word.symbols[i] == left && word.symbols[i + 1] == right;
            if (!present)
                continue;
            addPairs(w, -1);
            std::vector<int32_t> rewritten;
            rewritten.reserve(word.symbols.size());
            for (size_t i = 0; i < word.symbols.size(); ++i) {
                if (i + 1 < word.symbols.size() && word.symbols[i] == left && word.symbols[i + 1] == right) {
                    rewritten.push_back(merged);
                    ++i;
                } else {
                    rewritten.push_back(word.symbols[i]);
                }
            }
            word.symbols = std::move(rewritten);
            addPairs(w, +1);
        }
        std::sort(m_touched.begin(), m_touched.end());
        m_touched.erase(std::unique(m_touched.begin(), m_touched.end()), m_touched.end());
        for (uint64_t key : m_touched)
            if (const int64_t count = m_pairCounts[key]; count > 0)
                m_queue.push({count, key});
    }

    std::vector<std::string> m_tokens; // bytes of each token, by id
    std::unordered_map<std::string, int32_t> m_ids;
    std::vector<Word> m_words;
    std::unordered_map<uint64_t, int64_t> m_pairCounts;
    std::unordered_map<uint64_t, std::vector<uint32_t>> m_where; // words that held the pair
    std::vector<uint64_t> m_touched;
    std::priority_queue<Candidate, std::vector<Candidate>, Less> m_queue{Less{this}};
};

// Pre-token byte strings of the corpus and how often each occurs, as the tokenizer will split
// text: NFC, then Qwen 2's regex; the special tokens' text is left out.
std::unordered_map<std::string, int64_t> countWords(std::string_view corpus)
{
    const Regex split(onigurumaCompatiblePattern(kQwen2Pattern));
    std::unordered_map<std::string, int64_t> counts;
    std::string buffer;
    const std::string_view text = normalize(NormalForm::Nfc, corpus, buffer);
    constexpr size_t kSpecialCount = std::size(kSpecialTokens);
    std::array<size_t, kSpecialCount> found{}; // the next occurrence of each special token
    size_t pos = 0;
    for (size_t i = 0; i < kSpecialCount; ++i)
        found[i] = text.find(kSpecialTokens[i]);
    while (pos < text.size()) {
        size_t next = text.size();
        size_t skip = 0;
        for (size_t i = 0; i < kSpecialCount; ++i) {
            if (found[i] != std::string_view::npos && found[i] < pos)
                found[i] = text.find(kSpecialTokens[i], pos);
            if (found[i] < next) {
                next = found[i];
                skip = std::char_traits<char>::length(kSpecialTokens[i]);
            }
        }
        const std::string_view piece = text.substr(pos, next - pos);
        size_t at = 0, start = 0, end = 0;
        while (at < piece.size() && split.find(piece, at, start, end) && end > start) {
            ++counts[std::string(piece.substr(start, end - start))];
            at = end;
        }
        pos = next + skip;
    }
    return counts;
}

} // namespace

void writeTrainedTokenizer(const std::filesystem::path& path, std::string_view corpus, int merges)
{
    if (const size_t bad = invalidUtf8Offset(corpus); bad != std::string_view::npos)
        throw InputError("the tokenizer training corpus is not valid UTF-8 at byte " + std::to_string(bad));
    if (merges < 0)
        throw InputError("the number of merges to train must not be negative");

    Trainer trainer(countWords(corpus));
    const auto learned = trainer.train(merges);
    const auto& tokens = trainer.tokens();

    using nlohmann::ordered_json;
    ordered_json vocab = ordered_json::object();
    for (size_t id = 0; id < tokens.size(); ++id)
        vocab[byteLevelString(tokens[id])] = id;
    ordered_json mergeList = ordered_json::array();
    for (const auto& [left, right] : learned)
        mergeList.push_back({byteLevelString(tokens[left]), byteLevelString(tokens[right])});

    ordered_json added = ordered_json::array();
    size_t nextId = tokens.size();
    for (const char* special : kSpecialTokens)
        added.push_back({{"id", nextId++},
                         {"content", special},
                         {"single_word", false},
                         {"lstrip", false},
                         {"rstrip", false},
                         {"normalized", false},
                         {"special", true}});
    const ordered_json byteLevel = {
        {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}};
    ordered_json root = {
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens", added},
        {"normalizer", {{"type", "NFC"}}},
        {"pre_tokenizer",
         {{"type", "Sequence"},
          {"pretokenizers",
           {{{"type", "Split"}, {"pattern", {{"Regex", kQwen2Pattern}}}, {"behavior", "Isolated"}, {"invert", false}},
            byteLevel}}}},
        {"post_processor", byteLevel},
        {"decoder", byteLevel},
        {"model",
         {{"type", "BPE"},
          {"dropout", nullptr},
          {"unk_token", nullptr},
          {"continuing_subword_prefix", nullptr},
          {"end_of_word_suffix", nullptr},
          {"fuse_unk", false},
          {"byte_fallback", false},
          {"ignore_merges", false},
          {"vocab", vocab},
          {"merges", mergeList}}},
    };

    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << root.dump(1) << '\n';
    if (!file)
        throw InputError(path.string() + ": cannot write the trained tokenizer");
}

} // namespace nf::formats
