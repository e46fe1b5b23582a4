#pragma once

// Text helpers of the tokenizer (core/formats/tokenizer.cpp): UTF-8 checks and conversions,
// Unicode normalization through utf8proc, and the pre-tokenizer's regex through PCRE2 with JIT.
// Internal to nf_formats.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct pcre2_real_code_8;

namespace nf::formats::tokenizer_detail {

// Offset of the first byte that is not part of well-formed UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF: what a Rust str or a JS string can hold), or npos.
size_t invalidUtf8Offset(std::string_view text);

// The code point that starts at `pos` of well-formed UTF-8; moves `pos` past it.
char32_t nextCodePoint(std::string_view text, size_t& pos);
// The code point that ends at `end` (> 0) of well-formed UTF-8.
char32_t lastCodePoint(std::string_view text, size_t end, size_t* start = nullptr);
void appendUtf8(std::string& out, char32_t codePoint);

// Rust's String::from_utf8_lossy: every maximal invalid subsequence becomes one U+FFFD.
std::string lossyUtf8(std::string_view bytes);

bool isUnicodeWhiteSpace(char32_t c); // Rust's char::is_whitespace (White_Space property)
bool isWordCharacter(char32_t c);     // the regex crate's \w: letters, marks, digits, connectors

enum class NormalForm { Nfc, Nfd, Nfkc, Nfkd };

// The normal form of well-formed UTF-8 `text`: a view of `text` itself when nothing changes,
// else of `buffer`. Runs that are plain ASCII skip utf8proc (ASCII is stable in every form and
// never combines with what comes before it).
std::string_view normalize(NormalForm form, std::string_view text, std::string& buffer);

// A pre-tokenizer pattern compiled once (UTF, UCP, JIT); find() is const and thread-safe.
class Regex
{
public:
    // Throws std::invalid_argument with PCRE2's message and offset.
    explicit Regex(const std::string& pattern, bool literal = false);
    ~Regex();
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    // The first match in subject[start..] (possibly empty): true with [matchStart, matchEnd).
    bool find(std::string_view subject, size_t start, size_t& matchStart, size_t& matchEnd) const;

private:
    pcre2_real_code_8* m_code = nullptr;
    bool m_jit = false;
};

// The pattern rewritten so that PCRE2 reads it as Oniguruma (Hugging Face tokenizers' regex
// engine) does: \s as Unicode White_Space, \p{L} and \p{N} with Unicode 16's letters and numbers.
std::string onigurumaCompatiblePattern(std::string_view pattern);

} // namespace nf::formats::tokenizer_detail
