// Encoding as Hugging Face tokenizers does it for byte-level BPE: added tokens matched in the
// raw text, the rest normalized, added tokens matched again in the normalized text, the
// pre-tokenizer's splits, BPE on each piece, the post-processor's special tokens around it.

#include "formats/tokenizer.h"

#include "common/error.h"
#include "common/paths.h"
#include "formats/tokenizer_impl.h"

#include <algorithm>
#include <cstring>
#include <fstream>

namespace nf::formats {

using namespace tokenizer_detail;

namespace tokenizer_detail {

void TokenTrie::add(std::string_view content, int32_t value)
{
    if (content.empty())
        return;
    size_t node = 0;
    for (unsigned char b : content) {
        auto& children = m_nodes[node].children;
        auto it = std::lower_bound(children.begin(), children.end(), b,
                                   [](const auto& child, unsigned char key) { return child.first < key; });
        if (it == children.end() || it->first != b) {
            const auto child = static_cast<int32_t>(m_nodes.size());
            it = children.insert(it, {b, child});
            m_nodes.emplace_back();
        }
        node = static_cast<size_t>(it->second);
    }
    if (m_nodes[node].value < 0) // the first token given keeps an exact duplicate
        m_nodes[node].value = value;
    const auto first = static_cast<unsigned char>(content[0]);
    if (!m_first[first]) {
        m_first[first] = true;
        ++m_firstCount;
        m_onlyFirst = first;
    }
}

int32_t TokenTrie::longestAt(std::string_view text, size_t pos, size_t& end) const
{
    int32_t found = -1;
    size_t node = 0;
    for (size_t i = pos; i < text.size(); ++i) {
        const auto& children = m_nodes[node].children;
        const auto b = static_cast<unsigned char>(text[i]);
        const auto it = std::lower_bound(children.begin(), children.end(), b,
                                         [](const auto& child, unsigned char key) { return child.first < key; });
        if (it == children.end() || it->first != b)
            break;
        node = static_cast<size_t>(it->second);
        if (m_nodes[node].value >= 0) {
            found = m_nodes[node].value;
            end = i + 1;
        }
    }
    return found;
}

int32_t TokenTrie::find(std::string_view text, size_t from, size_t& start, size_t& end) const
{
    for (size_t pos = from; pos < text.size(); ++pos) {
        if (m_firstCount == 1) {
            const void* hit = std::memchr(text.data() + pos, m_onlyFirst, text.size() - pos);
            if (!hit)
                return -1;
            pos = static_cast<size_t>(static_cast<const char*>(hit) - text.data());
        } else if (!m_first[static_cast<unsigned char>(text[pos])]) {
            continue;
        }
        const int32_t value = longestAt(text, pos, end);
        if (value >= 0) {
            start = pos;
            return value;
        }
    }
    return -1;
}

} // namespace tokenizer_detail

namespace {

// Per thread, the merged words of the last few tokenizers used (keyed by their serial).
BytesMap& threadWordCache(uint64_t serial)
{
    struct Entry
    {
        uint64_t serial = 0;
        BytesMap words;
    };
    thread_local std::array<Entry, 4> caches;
    thread_local size_t next = 0;
    for (Entry& entry : caches)
        if (entry.serial == serial)
            return entry.words;
    Entry& entry = caches[next++ % caches.size()];
    entry.serial = serial;
    entry.words.clear();
    return entry.words;
}

// Hugging Face's find_matches: the text cut at each added token (value >= 0) found by `trie`,
// honouring single_word, lstrip and rstrip; `emit(piece, addedIndex or -1)`.
template <class Emit>
void splitOnAddedTokens(const std::vector<AddedToken>& tokens, const TokenTrie& trie, std::string_view text,
                        Emit&& emit)
{
    if (trie.empty()) {
        emit(text, -1);
        return;
    }
    size_t startOffset = 0;
    size_t from = 0;
    size_t matchStart = 0, matchEnd = 0;
    int32_t index;
    while ((index = trie.find(text, from, matchStart, matchEnd)) >= 0) {
        from = matchEnd;
        const AddedToken& token = tokens[static_cast<size_t>(index)];
        size_t start = matchStart, stop = matchEnd;
        if (token.singleWord) {
            const bool spaceBefore = start == 0 || !isWordCharacter(lastCodePoint(text, start));
            size_t after = stop;
            const bool spaceAfter = stop == text.size() || !isWordCharacter(nextCodePoint(text, after));
            if (!spaceBefore || !spaceAfter)
                continue;
        }
        if (token.lstrip) {
            size_t newStart = start, charStart = 0;
            while (newStart > 0 && isUnicodeWhiteSpace(lastCodePoint(text, newStart, &charStart)))
                newStart = charStart;
            start = std::max(newStart, startOffset);
        }
        if (token.rstrip) {
            size_t pos = stop;
            while (pos < text.size()) {
                size_t next = pos;
                if (!isUnicodeWhiteSpace(nextCodePoint(text, next)))
                    break;
                pos = next;
            }
            stop = pos;
        }
        if (startOffset < start)
            emit(text.substr(startOffset, start - startOffset), -1);
        emit(text.substr(start, stop - start), index);
        startOffset = stop;
    }
    if (startOffset < text.size())
        emit(text.substr(startOffset), -1);
}

// Split with behavior Isolated, matches found as Oniguruma's find_iter finds them: each match
// and each gap between matches is a piece; empty pieces are dropped.
template <class Emit>
void splitIsolated(const Regex& regex, std::string_view text, Emit&& emit)
{
    size_t previous = 0, pos = 0;
    size_t lastMatchEnd = std::string_view::npos;
    size_t start = 0, end = 0;
    while (pos <= text.size() && regex.find(text, pos, start, end)) {
        if (start == end && lastMatchEnd == end) { // no empty match right after a match
            if (end >= text.size())
                break;
            pos = end + 1;
            while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80)
                ++pos;
            continue;
        }
        if (previous < start)
            emit(text.substr(previous, start - previous));
        if (start < end)
            emit(text.substr(start, end - start));
        previous = pos = lastMatchEnd = end;
    }
    if (previous < text.size())
        emit(text.substr(previous));
}

struct Encoder
{
    const LoadedTokenizer& d;
    std::vector<int32_t>& out;
    BytesMap& cache;
    std::string normalBuffers[2];

    void preTokenize(std::string_view piece, size_t step)
    {
        if (piece.empty())
            return;
        const PreTokenizerStep& s = d.preTokenizer[step];
        if (!s.byteLevel) {
            splitIsolated(*s.regex, piece, [&](std::string_view part) { preTokenize(part, step + 1); });
            return;
        }
        // ByteLevel, always the last step: its optional space, its optional regex, then BPE.
        std::string prefixed;
        if (s.addPrefixSpace && piece.front() != ' ') {
            prefixed.reserve(piece.size() + 1);
            prefixed += ' ';
            prefixed += piece;
            piece = prefixed;
        }
        if (s.regex)
            splitIsolated(*s.regex, piece, [&](std::string_view word) { d.bpe.encodeWord(word, out, cache); });
        else
            d.bpe.encodeWord(piece, out, cache);
    }

    std::string_view normalized(std::string_view text)
    {
        // Each form writes into the buffer that does not hold the text it reads.
        for (const NormalForm form : d.normalizer) {
            std::string& buffer = text.data() == normalBuffers[0].data() ? normalBuffers[1] : normalBuffers[0];
            text = normalize(form, text, buffer);
        }
        return text;
    }

    void encode(std::string_view text)
    {
        splitOnAddedTokens(d.addedTokens, d.rawAddedTokens, text, [&](std::string_view piece, int32_t added) {
            if (added >= 0) {
                out.push_back(d.addedTokens[static_cast<size_t>(added)].id);
                return;
            }
            const std::string_view normal = normalized(piece);
            splitOnAddedTokens(d.addedTokens, d.normalizedAddedTokens, normal,
                               [&](std::string_view part, int32_t inner) {
                                   if (inner >= 0)
                                       out.push_back(d.addedTokens[static_cast<size_t>(inner)].id);
                                   else
                                       preTokenize(part, 0);
                               });
        });
    }
};

} // namespace

void tokenizer_detail::LoadedTokenizer::encodeText(std::string_view text, std::vector<int32_t>& out) const
{
    Encoder encoder{*this, out, threadWordCache(serial), {}};
    encoder.encode(text);
}

Tokenizer Tokenizer::fromFile(const std::filesystem::path& path)
{
    requireRegularFile(path, "tokenizer file");
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file)
        throw InputError(path.string() + ": cannot read the tokenizer file");
    std::string text(static_cast<size_t>(file.tellg()), '\0');
    file.seekg(0);
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (!file)
        throw InputError(path.string() + ": cannot read the tokenizer file");
    auto impl = std::make_shared<Impl>();
    loadTokenizer(text, path.string(), *impl);
    impl->path = path.string();
    return Tokenizer(std::move(impl));
}

Tokenizer Tokenizer::fromJson(std::string_view json, const std::string& origin)
{
    auto impl = std::make_shared<Impl>();
    loadTokenizer(json, origin, *impl);
    return Tokenizer(std::move(impl));
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool addSpecialTokens) const
{
    if (const size_t bad = tokenizer_detail::invalidUtf8Offset(text); bad != std::string_view::npos)
        throw InputError("the text to tokenize is not valid UTF-8 at byte " + std::to_string(bad));
    std::vector<int32_t> ids;
    ids.reserve(text.size() / 3 + 8);
    if (addSpecialTokens)
        ids = d->specialPrefix;
    d->encodeText(text, ids);
    if (addSpecialTokens)
        ids.insert(ids.end(), d->specialSuffix.begin(), d->specialSuffix.end());
    return ids;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skipSpecialTokens) const
{
    std::string text;
    bool first = true;
    for (int32_t id : ids) {
        if (id < 0 || static_cast<size_t>(id) >= d->idKind.size() || d->idKind[static_cast<size_t>(id)] == 0)
            throw InputError("token id " + std::to_string(id) + " is not in " + d->origin);
        const auto index = static_cast<size_t>(id);
        if (skipSpecialTokens && d->idKind[index] == 2)
            continue;
        if (d->byteLevelDecoder) {
            text += d->bytesOf[index];
        } else {
            if (!first)
                text += ' ';
            text += d->tokenOf[index];
        }
        first = false;
    }
    return d->byteLevelDecoder ? tokenizer_detail::lossyUtf8(text) : text;
}

std::optional<int32_t> Tokenizer::tokenToId(std::string_view token) const
{
    const std::string key(token);
    if (const auto it = d->addedByContent.find(key); it != d->addedByContent.end())
        return it->second;
    return d->vocab.find(token);
}

const std::vector<int32_t>& Tokenizer::specialPrefix() const
{
    return d->specialPrefix;
}

const std::vector<int32_t>& Tokenizer::specialSuffix() const
{
    return d->specialSuffix;
}

int32_t Tokenizer::vocabSize() const
{
    return static_cast<int32_t>(d->idKind.size());
}

const std::string& Tokenizer::path() const
{
    return d->path;
}

const std::string& Tokenizer::sha256() const
{
    return d->sha256;
}

Tokenizer::Tokenizer(std::shared_ptr<const Impl> impl) : d(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(const Tokenizer&) = default;
Tokenizer& Tokenizer::operator=(const Tokenizer&) = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;

} // namespace nf::formats
