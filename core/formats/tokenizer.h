#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nf::formats {

// A Hugging Face tokenizer.json of the byte-level BPE family (GPT-2, Llama 3, Qwen 2/2.5/3 and most
// current models): normalizer (NFC or none), pre-tokenizer (Split by regex + ByteLevel, or
// ByteLevel with its own regex), BPE merges by rank (both file forms), ignore_merges, added and
// special tokens matched before BPE, the post-processor's special tokens, and decode.
// Anything else in the file (a WordPiece or Unigram model, a Metaspace pre-tokenizer, a normalizer
// this code does not implement, byte_fallback, dropout) is refused with an InputError naming the
// file and the component: never silently mis-tokenized.
// Copies share the loaded tables. encode/decode are const and safe to call from several threads.
class Tokenizer
{
public:
    // Throws nf::InputError naming the file and what is wrong or unsupported.
    static Tokenizer fromFile(const std::filesystem::path& path);
    // `origin` names the text in messages (a path, or "<test>").
    static Tokenizer fromJson(std::string_view json, const std::string& origin);

    // Token ids of UTF-8 text, as Hugging Face tokenizers' encode(text, add_special_tokens).
    // Without special tokens: added tokens in the text still match (as in HF), but the
    // post-processor adds nothing. Invalid UTF-8 is an InputError naming the byte offset.
    std::vector<int32_t> encode(std::string_view text, bool addSpecialTokens = false) const;
    // Text of ids, as HF's decode(ids, skip_special_tokens). An unknown id is an InputError.
    std::string decode(const std::vector<int32_t>& ids, bool skipSpecialTokens = false) const;

    // The id of a token string exactly as it is in the vocabulary or the added tokens.
    std::optional<int32_t> tokenToId(std::string_view token) const;
    // What encode(text, true) puts before and after the text's ids (the post-processor's tokens).
    const std::vector<int32_t>& specialPrefix() const;
    const std::vector<int32_t>& specialSuffix() const;
    // The largest id the tokenizer can produce + 1 (a model's vocabulary must be at least this).
    int32_t vocabSize() const;

    const std::string& path() const;   // the file read ("" for fromJson)
    const std::string& sha256() const; // of the file's bytes (of the JSON text for fromJson)

    ~Tokenizer();
    Tokenizer(const Tokenizer&);
    Tokenizer& operator=(const Tokenizer&);
    Tokenizer(Tokenizer&&) noexcept;
    Tokenizer& operator=(Tokenizer&&) noexcept;

private:
    struct Impl;
    explicit Tokenizer(std::shared_ptr<const Impl> impl);
    std::shared_ptr<const Impl> d;
};

// Trains a small byte-level BPE tokenizer on `corpus` (the Qwen 2 pre-tokenizer regex, NFC,
// `merges` merges learned greedily by pair frequency, ties broken by the pair's bytes so the result
// is reproducible) and writes it as a tokenizer.json that Tokenizer and Hugging Face tokenizers
// both load, with the added special tokens "<|endoftext|>" and "<|im_start|>". For test fixtures
// and the LLM demo: a few thousand tokens instead of 151k keeps the model's logits small.
void writeTrainedTokenizer(const std::filesystem::path& path, std::string_view corpus, int merges);

} // namespace nf::formats
