#pragma once

// The byte-level BPE model of the tokenizer (core/formats/tokenizer.cpp): GPT-2's byte alphabet,
// merges as a hash table on token ids, and the per-thread cache of words already merged.
// Internal to nf_formats.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nf::formats::tokenizer_detail {

// GPT-2's reversible map of the 256 byte values to printable code points ("Ġ" is the space).
const std::array<char32_t, 256>& byteLevelChars();
// The byte a byte-level code point stands for, or -1.
int byteLevelByte(char32_t c);
// The bytes a byte-level token string stands for, or nullopt when it has another character.
std::optional<std::string> byteLevelBytes(std::string_view token);
// The byte-level string of raw bytes (each byte as its code point).
std::string byteLevelString(std::string_view bytes);

uint64_t hashBytes(std::string_view bytes);

// Open addressing from (left id, right id) to the merge's rank and the merged token's id.
class MergeTable
{
public:
    struct Merge
    {
        uint32_t rank;
        int32_t id;
    };
    void reserve(size_t count);
    // A later merge of the same pair replaces the earlier one (as Hugging Face's map does).
    void insert(int32_t left, int32_t right, Merge merge);
    const Merge* find(int32_t left, int32_t right) const
    {
        const uint64_t key = pairKey(left, right);
        for (size_t i = slotOf(key);; i = (i + 1) & m_mask) {
            const Slot& slot = m_slots[i];
            if (slot.key == key)
                return &slot.merge;
            if (slot.key == kEmpty)
                return nullptr;
        }
    }
    size_t size() const { return m_size; }

private:
    static constexpr uint64_t kEmpty = ~0ull;
    struct Slot
    {
        uint64_t key = kEmpty;
        Merge merge{};
    };
    static uint64_t pairKey(int32_t left, int32_t right)
    {
        return (uint64_t(uint32_t(left)) << 32) | uint32_t(right);
    }
    size_t slotOf(uint64_t key) const { return size_t((key * 0x9E3779B97F4A7C15ull) >> m_shift); }
    void grow();

    std::vector<Slot> m_slots = std::vector<Slot>(16);
    size_t m_mask = 15;
    int m_shift = 60;
    size_t m_size = 0;
};

// Open addressing from byte strings to short id sequences, keys and values in two arenas:
// the vocabulary by bytes (one id each) and the cache of merged words.
class BytesMap
{
public:
    struct Ids
    {
        const int32_t* data = nullptr;
        uint32_t size = 0;
    };
    std::optional<Ids> find(std::string_view key, uint64_t hash) const;
    void reserve(size_t count);
    void insert(std::string_view key, uint64_t hash, const int32_t* ids, uint32_t count);
    size_t size() const { return m_size; }
    size_t bytes() const { return m_keys.size() + m_values.size() * sizeof(int32_t) + m_slots.size() * sizeof(Slot); }
    void clear();

private:
    struct Slot
    {
        uint64_t hash = 0; // 0: empty (hashes are made non-zero)
        uint32_t keyOffset = 0;
        uint32_t keySize = 0;
        uint32_t valueOffset = 0;
        uint32_t valueSize = 0;
    };
    void grow();

    std::vector<Slot> m_slots = std::vector<Slot>(64);
    std::string m_keys;
    std::vector<int32_t> m_values;
    size_t m_size = 0;
};

// Token strings to ids: the model's vocabulary.
class TokenIdMap
{
public:
    void reserve(size_t count) { m_map.reserve(count); }
    void insert(std::string_view token, int32_t id) { m_map.insert(token, hashBytes(token), &id, 1); }
    std::optional<int32_t> find(std::string_view token) const
    {
        const auto ids = m_map.find(token, hashBytes(token));
        return ids ? std::optional<int32_t>(*ids->data) : std::nullopt;
    }
    size_t size() const { return m_map.size(); }

private:
    BytesMap m_map;
};

struct BpeModel
{
    std::array<int32_t, 256> byteIds{}; // id of each byte's one-character token, -1 when absent
    MergeTable merges;
    BytesMap vocabBytes;                // token bytes -> id, for ignore_merges
    bool ignoreMerges = false;
    std::optional<int32_t> unkId;       // for bytes whose character is not in the vocabulary
    bool fuseUnk = false;

    // Appends the ids of one pre-token (raw bytes), merged as Hugging Face's BPE does: always the
    // pair of lowest rank, leftmost first. `cache` (per thread) remembers words seen before.
    void encodeWord(std::string_view word, std::vector<int32_t>& out, BytesMap& cache) const;

private:
    void mergeSymbols(std::vector<int32_t>& symbols) const;
    void mergeLongSymbols(std::vector<int32_t>& symbols) const;
};

} // namespace nf::formats::tokenizer_detail
