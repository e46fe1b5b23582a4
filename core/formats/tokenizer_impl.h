#pragma once

// The loaded tables behind nf::formats::Tokenizer: read from tokenizer.json by
// tokenizer_load.cpp, used by tokenizer.cpp. Immutable once loaded, shared by copies.
// Internal to nf_formats.

#include "formats/tokenizer.h"
#include "formats/tokenizer_bpe.h"
#include "formats/tokenizer_text.h"

#include <array>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nf::formats {
namespace tokenizer_detail {

struct AddedToken
{
    std::string content;
    int32_t id = 0;
    bool special = false;
    bool normalized = true;
    bool lstrip = false;
    bool rstrip = false;
    bool singleWord = false;
};

// The added tokens' contents, for leftmost-longest matching (Hugging Face's Aho-Corasick does
// the same): at the first position where any token starts, the longest one that matches.
class TokenTrie
{
public:
    void add(std::string_view content, int32_t value);
    bool empty() const { return m_nodes.size() == 1; }
    // The first match at or after `from`: its value, with [start, end); -1 when none.
    int32_t find(std::string_view text, size_t from, size_t& start, size_t& end) const;

private:
    struct Node
    {
        std::vector<std::pair<unsigned char, int32_t>> children; // sorted by byte
        int32_t value = -1;
    };
    int32_t longestAt(std::string_view text, size_t pos, size_t& end) const;

    std::vector<Node> m_nodes = std::vector<Node>(1);
    std::array<bool, 256> m_first{};
    int m_firstCount = 0;
    unsigned char m_onlyFirst = 0;
};

// One step of the pre-tokenizer: a Split by regex (behavior Isolated), or the ByteLevel step
// (an optional leading space, GPT-2's regex when use_regex). ByteLevel is always the last step.
struct PreTokenizerStep
{
    std::shared_ptr<const Regex> regex; // Split's, or GPT-2's for ByteLevel with use_regex
    bool byteLevel = false;
    bool addPrefixSpace = false;
};

struct LoadedTokenizer
{
    std::string path;
    std::string sha256;
    std::string origin; // the path, or the name given to fromJson, for messages
    uint64_t serial = 0; // tells the per-thread word caches of two tokenizers apart

    std::vector<NormalForm> normalizer; // applied in order
    std::vector<PreTokenizerStep> preTokenizer;
    BpeModel bpe;

    std::vector<AddedToken> addedTokens;
    TokenTrie rawAddedTokens;        // normalized: false, matched in the raw text
    TokenTrie normalizedAddedTokens; // normalized: true, in the normalized text

    std::vector<int32_t> specialPrefix; // what the post-processor adds around a single sequence
    std::vector<int32_t> specialSuffix;

    bool byteLevelDecoder = true; // else (no decoder in the file) tokens are joined by spaces

    TokenIdMap vocab; // the model's token strings
    std::unordered_map<std::string, int32_t> addedByContent;
    std::vector<std::string> tokenOf;     // by id: the token string ("" where no id)
    std::vector<std::string> bytesOf;     // by id: what the byte-level decoder makes of it
    std::vector<uint8_t> idKind;          // by id: 0 none, 1 token, 2 special (skippable)

    // Appends the ids of `text` (well-formed UTF-8), without the post-processor's.
    void encodeText(std::string_view text, std::vector<int32_t>& out) const;
};

// Reads tokenizer.json text into `into`; throws InputError naming `origin`.
void loadTokenizer(std::string_view json, const std::string& origin, LoadedTokenizer& into);

} // namespace tokenizer_detail

struct Tokenizer::Impl : tokenizer_detail::LoadedTokenizer
{
};

} // namespace nf::formats
