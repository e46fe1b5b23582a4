#include "formats/tokenizer_bpe.h"

#include "formats/tokenizer_text.h"

#include <cstring>
#include <queue>

namespace nf::formats::tokenizer_detail {

const std::array<char32_t, 256>& byteLevelChars()
{
    // Printable Latin-1 bytes stand for themselves; the others (controls, space, NBSP, soft
    // hyphen) take the code points from U+0100 on, in byte order.
    static const std::array<char32_t, 256> chars = [] {
        std::array<char32_t, 256> table{};
        char32_t next = 0x100;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[static_cast<size_t>(b)] = printable ? char32_t(b) : next++;
        }
        return table;
    }();
    return chars;
}

int byteLevelByte(char32_t c)
{
    static const std::array<int16_t, 0x144> bytes = [] {
        std::array<int16_t, 0x144> table{};
        table.fill(-1);
        for (int b = 0; b < 256; ++b)
            table[byteLevelChars()[static_cast<size_t>(b)]] = static_cast<int16_t>(b);
        return table;
    }();
    return c < bytes.size() ? bytes[c] : -1;
}

std::optional<std::string> byteLevelBytes(std::string_view token)
{
    std::string bytes;
    bytes.reserve(token.size());
    size_t pos = 0;
    while (pos < token.size()) {
        const int b = byteLevelByte(nextCodePoint(token, pos));
        if (b < 0)
            return std::nullopt;
        bytes += static_cast<char>(b);
    }
    return bytes;
}

std::string byteLevelString(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char b : bytes)
        appendUtf8(out, byteLevelChars()[b]);
    return out;
}

uint64_t hashBytes(std::string_view bytes)
{
    const char* p = bytes.data();
    size_t n = bytes.size();
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xFF51AFD7ED558CCDull);
    while (n >= 8) {
        uint64_t v;
        std::memcpy(&v, p, 8);
        h = (h ^ v) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
        p += 8;
        n -= 8;
    }
    uint64_t tail = 0;
    for (size_t i = 0; i < n; ++i)
        tail |= uint64_t(static_cast<unsigned char>(p[i])) << (8 * i);
    h = (h ^ tail) * 0x94D049BB133111EBull;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return h ? h : 1;
}

void MergeTable::reserve(size_t count)
{
    size_t slots = 16;
    int shift = 60;
    while (slots < count * 2) {
        slots *= 2;
        --shift;
    }
    if (m_size > 0 || slots <= m_slots.size())
        return;
    m_slots.assign(slots, Slot{});
    m_mask = slots - 1;
    m_shift = shift;
}

void MergeTable::insert(int32_t left, int32_t right, Merge merge)
{
    if ((m_size + 1) * 2 > m_slots.size())
        grow();
    const uint64_t key = pairKey(left, right);
    for (size_t i = slotOf(key);; i = (i + 1) & m_mask) {
        Slot& slot = m_slots[i];
        if (slot.key == key) {
            slot.merge = merge;
            return;
        }
        if (slot.key == kEmpty) {
            slot.key = key;
            slot.merge = merge;
            ++m_size;
            return;
        }
    }
}

void MergeTable::grow()
{
    std::vector<Slot> old(m_slots.size() * 2);
    old.swap(m_slots);
    m_mask = m_slots.size() - 1;
    --m_shift;
    for (const Slot& slot : old) {
        if (slot.key == kEmpty)
            continue;
        size_t i = slotOf(slot.key);
        while (m_slots[i].key != kEmpty)
            i = (i + 1) & m_mask;
        m_slots[i] = slot;
    }
}

std::optional<BytesMap::Ids> BytesMap::find(std::string_view key, uint64_t hash) const
{
    const size_t mask = m_slots.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        const Slot& slot = m_slots[i];
        if (slot.hash == 0)
            return std::nullopt;
        if (slot.hash == hash && slot.keySize == key.size() &&
            std::memcmp(m_keys.data() + slot.keyOffset, key.data(), key.size()) == 0)
            return Ids{m_values.data() + slot.valueOffset, slot.valueSize};
    }
}

void BytesMap::insert(std::string_view key, uint64_t hash, const int32_t* ids, uint32_t count)
{
    if ((m_size + 1) * 2 > m_slots.size())
        grow();
    const size_t mask = m_slots.size() - 1;
    size_t i = hash & mask;
    while (m_slots[i].hash != 0) {
        const Slot& slot = m_slots[i];
        if (slot.hash == hash && slot.keySize == key.size() &&
            std::memcmp(m_keys.data() + slot.keyOffset, key.data(), key.size()) == 0)
            break;
        i = (i + 1) & mask;
    }
    Slot& slot = m_slots[i];
    if (slot.hash == 0) {
        slot.hash = hash;
        slot.keyOffset = static_cast<uint32_t>(m_keys.size());
        slot.keySize = static_cast<uint32_t>(key.size());
        m_keys.append(key);
        ++m_size;
    }
    slot.valueOffset = static_cast<uint32_t>(m_values.size());
    slot.valueSize = count;
    m_values.insert(m_values.end(), ids, ids + count);
}

void BytesMap::reserve(size_t count)
{
    size_t slots = m_slots.size();
    while (slots < count * 2)
        slots *= 2;
    if (m_size == 0 && slots > m_slots.size())
        m_slots.assign(slots, Slot{});
}

void BytesMap::grow()
{
    std::vector<Slot> old(m_slots.size() * 2);
    old.swap(m_slots);
    const size_t mask = m_slots.size() - 1;
    for (const Slot& slot : old) {
        if (slot.hash == 0)
            continue;
        size_t i = slot.hash & mask;
        while (m_slots[i].hash != 0)
            i = (i + 1) & mask;
        m_slots[i] = slot;
    }
}

void BytesMap::clear()
{
    m_slots.assign(64, Slot{});
    m_keys.clear();
    m_values.clear();
    m_size = 0;
}

namespace {

// Words longer than this are merged but not remembered; a cache past kCacheBytes starts over.
constexpr size_t kCachedWordBytes = 256;
constexpr size_t kCacheBytes = size_t(64) << 20;

} // namespace

void BpeModel::encodeWord(std::string_view word, std::vector<int32_t>& out, BytesMap& cache) const
{
    if (word.size() == 1 && byteIds[static_cast<unsigned char>(word[0])] >= 0) {
        out.push_back(byteIds[static_cast<unsigned char>(word[0])]);
        return;
    }
    const uint64_t hash = hashBytes(word);
    // The small per-thread cache first: it holds the frequent words, whole-vocabulary ones too.
    if (const auto hit = cache.find(word, hash)) {
        if (hit->size == 1)
            out.push_back(*hit->data);
        else
            out.insert(out.end(), hit->data, hit->data + hit->size);
        return;
    }
    if (ignoreMerges) {
        if (const auto id = vocabBytes.find(word, hash)) {
            out.push_back(*id->data);
            if (cache.bytes() > kCacheBytes)
                cache.clear();
            cache.insert(word, hash, id->data, 1);
            return;
        }
    }

    thread_local std::vector<int32_t> symbols;
    symbols.clear();
    bool lastWasUnk = false;
    for (unsigned char b : word) {
        const int32_t id = byteIds[b];
        if (id >= 0) {
            symbols.push_back(id);
            lastWasUnk = false;
        } else if (unkId) { // a byte whose character the vocabulary lacks: unk, or dropped as HF does
            if (!(fuseUnk && lastWasUnk))
                symbols.push_back(*unkId);
            lastWasUnk = true;
        }
    }
    mergeSymbols(symbols);
    out.insert(out.end(), symbols.begin(), symbols.end());
    if (word.size() < kCachedWordBytes) {
        if (cache.bytes() > kCacheBytes)
            cache.clear();
        cache.insert(word, hash, symbols.data(), static_cast<uint32_t>(symbols.size()));
    }
}

void BpeModel::mergeSymbols(std::vector<int32_t>& symbols) const
{
    constexpr size_t kShort = 128;
    size_t n = symbols.size();
    if (n < 2)
        return;
    if (n > kShort) {
        mergeLongSymbols(symbols);
        return;
    }
    // pairs[i]: the merge of symbols i and i+1 as (rank << 32 | new id), ~0 when there is none;
    // the smallest value is the lowest rank, and the first of equals the leftmost.
    uint64_t pairs[kShort];
    int32_t* s = symbols.data();
    auto pairAt = [&](size_t i) {
        const MergeTable::Merge* m = merges.find(s[i], s[i + 1]);
        return m ? (uint64_t(m->rank) << 32) | uint32_t(m->id) : ~0ull;
    };
    for (size_t i = 0; i + 1 < n; ++i)
        pairs[i] = pairAt(i);
    while (n > 1) {
        size_t best = 0;
        uint64_t bestKey = ~0ull;
        for (size_t i = 0; i + 1 < n; ++i) {
            if (pairs[i] < bestKey) {
                bestKey = pairs[i];
                best = i;
            }
        }
        if (bestKey == ~0ull)
            break;
        s[best] = static_cast<int32_t>(uint32_t(bestKey));
        std::memmove(s + best + 1, s + best + 2, (n - best - 2) * sizeof(int32_t));
        std::memmove(pairs + best, pairs + best + 1, (n - best - 2) * sizeof(uint64_t));
        --n;
        if (best > 0)
            pairs[best - 1] = pairAt(best - 1);
        if (best + 1 < n)
            pairs[best] = pairAt(best);
    }
    symbols.resize(n);
}

void BpeModel::mergeLongSymbols(std::vector<int32_t>& symbols) const
{
    // Long words (a run of a thousand spaces): a linked list and a heap of candidate merges, the
    // stale ones skipped when popped.
    struct Candidate
    {
        uint32_t rank;
        uint32_t pos;
        int32_t id;
        bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    const size_t n = symbols.size();
    std::vector<int32_t> prev(n), next(n);
    std::vector<char> alive(n, 1);
    for (size_t i = 0; i < n; ++i) {
        prev[i] = static_cast<int32_t>(i) - 1;
        next[i] = i + 1 < n ? static_cast<int32_t>(i + 1) : -1;
    }
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
    auto push = [&](int32_t pos) {
        if (pos < 0 || next[pos] < 0)
            return;
        if (const MergeTable::Merge* m = merges.find(symbols[pos], symbols[next[pos]]))
            queue.push({m->rank, static_cast<uint32_t>(pos), m->id});
    };
    for (size_t i = 0; i + 1 < n; ++i)
        push(static_cast<int32_t>(i));
    while (!queue.empty()) {
        const Candidate top = queue.top();
        queue.pop();
        const int32_t pos = static_cast<int32_t>(top.pos);
        const int32_t right = next[pos];
        if (!alive[pos] || right < 0)
            continue;
        const MergeTable::Merge* m = merges.find(symbols[pos], symbols[right]);
        if (!m || m->id != top.id)
            continue;
        symbols[pos] = top.id;
        alive[right] = 0;
        next[pos] = next[right];
        if (next[pos] >= 0)
            prev[next[pos]] = pos;
        push(prev[pos]);
        push(pos);
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i)
        if (alive[i])
            symbols[kept++] = symbols[i];
    symbols.resize(kept);
}

} // namespace nf::formats::tokenizer_detail
