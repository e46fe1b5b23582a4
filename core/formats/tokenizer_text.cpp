#include "formats/tokenizer_text.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <utility>
#include <cstring>
#include <stdexcept>

namespace nf::formats::tokenizer_detail {

size_t invalidUtf8Offset(std::string_view text)
{
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        // Eight ASCII bytes at a time: most text is mostly ASCII.
        if (i + 8 <= n) {
            uint64_t block;
            std::memcpy(&block, s + i, 8);
            if ((block & 0x8080808080808080ull) == 0) {
                i += 8;
                continue;
            }
        }
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t length;
        unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            if (c == 0xE0)
                lo = 0xA0; // no overlong forms
            else if (c == 0xED)
                hi = 0x9F; // no surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F; // nothing above U+10FFFF
        } else {
            return i;
        }
        if (i + 1 >= n || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k < length; ++k)
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
                return i;
        i += length;
    }
    return std::string_view::npos;
}

char32_t nextCodePoint(std::string_view text, size_t& pos)
{
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const unsigned char c = s[pos];
    if (c < 0x80) {
        ++pos;
        return c;
    }
    if (c < 0xE0) {
        const char32_t cp = (char32_t(c & 0x1F) << 6) | (s[pos + 1] & 0x3F);
        pos += 2;
        return cp;
    }
    if (c < 0xF0) {
        const char32_t cp = (char32_t(c & 0x0F) << 12) | (char32_t(s[pos + 1] & 0x3F) << 6) | (s[pos + 2] & 0x3F);
        pos += 3;
        return cp;
    }
    const char32_t cp = (char32_t(c & 0x07) << 18) | (char32_t(s[pos + 1] & 0x3F) << 12) |
                        (char32_t(s[pos + 2] & 0x3F) << 6) | (s[pos + 3] & 0x3F);
    pos += 4;
    return cp;
}

char32_t lastCodePoint(std::string_view text, size_t end, size_t* start)
{
    size_t begin = end - 1;
    while (begin > 0 && (static_cast<unsigned char>(text[begin]) & 0xC0) == 0x80)
        --begin;
    if (start)
        *start = begin;
    size_t pos = begin;
    return nextCodePoint(text, pos);
}

void appendUtf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string lossyUtf8(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    size_t pos = 0;
    while (pos < bytes.size()) {
        const size_t bad = invalidUtf8Offset(bytes.substr(pos));
        if (bad == std::string_view::npos) {
            out.append(bytes.substr(pos));
            break;
        }
        out.append(bytes.substr(pos, bad));
        pos += bad;
        // The maximal invalid subsequence: the lead byte and the continuation bytes that still
        // fit it (Unicode's "substitution of maximal subparts", as Rust does it).
        const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
        const unsigned char c = s[pos];
        size_t length = 1;
        size_t expected = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            expected = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            expected = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            expected = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        }
        if (expected > 0 && pos + 1 < bytes.size() && s[pos + 1] >= lo && s[pos + 1] <= hi) {
            length = 2;
            while (length < expected && pos + length < bytes.size() && (s[pos + length] & 0xC0) == 0x80)
                ++length;
        }
        out += "\xEF\xBF\xBD";
        pos += length;
    }
    return out;
}

bool isUnicodeWhiteSpace(char32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

bool isWordCharacter(char32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (c == 0x200C || c == 0x200D)
        return true; // Join_Control
    switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_PC:
        return true;
    default:
        return false;
    }
}

namespace {

utf8proc_option_t normalOptions(NormalForm form)
{
    const int stable = UTF8PROC_STABLE;
    switch (form) {
    case NormalForm::Nfc:
        return utf8proc_option_t(stable | UTF8PROC_COMPOSE);
    case NormalForm::Nfd:
        return utf8proc_option_t(stable | UTF8PROC_DECOMPOSE);
    case NormalForm::Nfkc:
        return utf8proc_option_t(stable | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
    case NormalForm::Nfkd:
        break;
    }
    return utf8proc_option_t(stable | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT);
}

void appendUtf8procForm(NormalForm form, std::string_view run, std::string& out)
{
    if (run.empty())
        return;
    utf8proc_uint8_t* result = nullptr;
    const utf8proc_ssize_t length =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(run.data()),
                     static_cast<utf8proc_ssize_t>(run.size()), &result, normalOptions(form));
    if (length < 0)
        throw std::runtime_error(std::string("Unicode normalization failed: ") + utf8proc_errmsg(length));
    out.append(reinterpret_cast<const char*>(result), static_cast<size_t>(length));
    std::free(result);
}

// Code points that Hugging Face's normalizer (the unicode-normalization-alignments crate, whose
// tables predate Unicode 10) does not know while utf8proc does: marks, composites and
// compatibility characters of Unicode 10 to 15. There each is a starter that decomposes to itself
// and composes with nothing. Found by normalizing every code point in contexts with both.
constexpr std::pair<char32_t, char32_t> kUnknownToReference[] = {
    {0x7FD, 0x7FD},     {0x898, 0x89F},     {0x8CA, 0x8D3},     {0x9FE, 0x9FE},     {0xC3C, 0xC3C},
    {0xD3B, 0xD3C},     {0xEBA, 0xEBA},     {0x1715, 0x1715},   {0x1ABF, 0x1ACE},   {0x1DF6, 0x1DFA},
    {0x32FF, 0x32FF},   {0xA7F2, 0xA7F4},   {0xA82C, 0xA82C},   {0xAB69, 0xAB69},   {0x10781, 0x10785},
    {0x10787, 0x107B0}, {0x107B2, 0x107BA}, {0x10D24, 0x10D27}, {0x10EAB, 0x10EAC}, {0x10EFD, 0x10EFF},
    {0x10F46, 0x10F50}, {0x10F82, 0x10F85}, {0x11070, 0x11070}, {0x1133B, 0x1133B}, {0x1145E, 0x1145E},
    {0x11839, 0x1183A}, {0x11930, 0x11930}, {0x11935, 0x11935}, {0x11938, 0x11938}, {0x1193D, 0x1193E},
    {0x11943, 0x11943}, {0x119E0, 0x119E0}, {0x11A34, 0x11A34}, {0x11A47, 0x11A47}, {0x11A99, 0x11A99},
    {0x11D42, 0x11D42}, {0x11D44, 0x11D45}, {0x11D97, 0x11D97}, {0x11F41, 0x11F42}, {0x16FF0, 0x16FF1},
    {0x1E030, 0x1E06D}, {0x1E08F, 0x1E08F}, {0x1E130, 0x1E136}, {0x1E2AE, 0x1E2AE}, {0x1E2EC, 0x1E2EF},
    {0x1E4EC, 0x1E4EF}, {0x1F16C, 0x1F16C}, {0x1FBF0, 0x1FBF9},
};

bool unknownToReference(char32_t c)
{
    if (c < kUnknownToReference[0].first)
        return false;
    const auto* it = std::upper_bound(std::begin(kUnknownToReference), std::end(kUnknownToReference), c,
                                      [](char32_t value, const auto& range) { return value < range.first; });
    return it != std::begin(kUnknownToReference) && c <= std::prev(it)->second;
}

// A run normalized piecewise around the code points the reference does not know, which stay as
// they are and cut the run (nothing combines or reorders across a starter).
void appendNormalized(NormalForm form, std::string_view run, std::string& out)
{
    size_t segment = 0;
    size_t pos = 0;
    while (pos < run.size()) {
        const size_t at = pos;
        if (!unknownToReference(nextCodePoint(run, pos)))
            continue;
        appendUtf8procForm(form, run.substr(segment, at - segment), out);
        out.append(run.substr(at, pos - at));
        segment = pos;
    }
    appendUtf8procForm(form, run.substr(segment), out);
}

} // namespace

std::string_view normalize(NormalForm form, std::string_view text, std::string& buffer)
{
    // ASCII is its own normal form in all four forms; in NFC so is everything below U+0300 (lead
    // byte 0xCC), which holds no combining mark. Text without bytes from `threshold` on is done.
    const unsigned char threshold = form == NormalForm::Nfc ? 0xCC : 0x80;
    size_t first = 0;
    while (first < text.size() && static_cast<unsigned char>(text[first]) < threshold)
        ++first;
    if (first == text.size())
        return text;
    buffer.clear();
    buffer.reserve(text.size() + text.size() / 8);
    size_t copied = 0;
    size_t pos = first;
    while (pos < text.size()) {
        if (static_cast<unsigned char>(text[pos]) < threshold) {
            ++pos;
            continue;
        }
        // The run around this byte that normalization may touch: from the last ASCII character
        // before it (a starter that can compose with the marks after it) to the next ASCII one
        // (which never composes with what precedes it and is never reordered).
        size_t begin = pos;
        while (begin > copied && static_cast<unsigned char>(text[begin]) >= 0x80)
            --begin;
        size_t end = pos;
        while (end < text.size() && static_cast<unsigned char>(text[end]) >= 0x80)
            ++end;
        buffer.append(text.substr(copied, begin - copied));
        appendNormalized(form, text.substr(begin, end - begin), buffer);
        copied = pos = end;
    }
    buffer.append(text.substr(copied));
    return buffer;
}

namespace {

// Unicode White_Space, Oniguruma's \s. PCRE2's \s lacks U+0085 and has U+180E.
constexpr const char* kWhiteSpace = "\\t-\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}";
// Letters and numbers that Oniguruma (Unicode 16 tables) has in \p{L} and \p{N} where PCRE2 10.42
// (Unicode 14) sees unassigned code points: the scripts and CJK ideographs of Unicode 15 to 16.
// Found by classifying every code point with both engines. Harmless under a newer PCRE2.
constexpr const char* kLettersSinceUnicode14 =
    "\\x{1C89}-\\x{1C8A}\\x{A7CB}-\\x{A7CD}\\x{A7DA}-\\x{A7DC}\\x{105C0}-\\x{105F3}\\x{10D4A}-"
    "\\x{10D65}\\x{10D6F}-\\x{10D85}\\x{10EC2}-\\x{10EC4}\\x{1123F}-\\x{11240}\\x{11380}-"
    "\\x{11389}\\x{1138B}\\x{1138E}\\x{11390}-\\x{113B5}\\x{113B7}\\x{113D1}\\x{113D3}"
    "\\x{11BC0}-\\x{11BE0}\\x{11F02}\\x{11F04}-\\x{11F10}\\x{11F12}-\\x{11F33}\\x{1342F}"
    "\\x{13441}-\\x{13446}\\x{13460}-\\x{143FA}\\x{16100}-\\x{1611D}\\x{16D40}-\\x{16D6C}"
    "\\x{18CFF}\\x{1B132}\\x{1B155}\\x{1DF25}-\\x{1DF2A}\\x{1E030}-\\x{1E06D}\\x{1E4D0}-"
    "\\x{1E4EB}\\x{1E5D0}-\\x{1E5ED}\\x{1E5F0}\\x{2B739}\\x{2EBF0}-\\x{2EE5D}\\x{31350}-"
    "\\x{323AF}";
constexpr const char* kNumbersSinceUnicode14 =
    "\\x{10D40}-\\x{10D49}\\x{116D0}-\\x{116E3}\\x{11BF0}-\\x{11BF9}\\x{11F50}-\\x{11F59}"
    "\\x{16130}-\\x{16139}\\x{16D70}-\\x{16D79}\\x{1CCF0}-\\x{1CCF9}\\x{1D2C0}-\\x{1D2D3}"
    "\\x{1E4F0}-\\x{1E4F9}\\x{1E5F1}-\\x{1E5FA}";

} // namespace

std::string onigurumaCompatiblePattern(std::string_view pattern)
{
    // \s, \p{L} and \p{N} as Oniguruma reads them: members of a class written out, in
    // brackets outside one. \S outside a class becomes the complement of White_Space.
    std::string out;
    out.reserve(pattern.size() * 4);
    bool inClass = false;
    auto put = [&](const std::string& members) { out += inClass ? members : "[" + members + "]"; };
    for (size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c != '\\' || i + 1 == pattern.size()) {
            if (c == '[' && !inClass) {
                inClass = true;
                out += c;
                // A ']' (or '^]') right after the opening bracket is a member, not the end.
                if (i + 1 < pattern.size() && pattern[i + 1] == '^')
                    out += pattern[++i];
                if (i + 1 < pattern.size() && pattern[i + 1] == ']')
                    out += pattern[++i];
                continue;
            }
            if (c == ']' && inClass)
                inClass = false;
            out += c;
            continue;
        }
        const char next = pattern[++i];
        if (next == 's') {
            put(kWhiteSpace);
        } else if (next == 'S' && !inClass) {
            out += std::string("[^") + kWhiteSpace + "]";
        } else if (next == 'p' && pattern.substr(i + 1, 3) == "{L}") {
            put(std::string("\\p{L}") + kLettersSinceUnicode14);
            i += 3;
        } else if (next == 'p' && pattern.substr(i + 1, 3) == "{N}") {
            put(std::string("\\p{N}") + kNumbersSinceUnicode14);
            i += 3;
        } else {
            out += '\\';
            out += next;
        }
    }
    return out;
}

namespace {

// Per thread: PCRE2's match data and a JIT stack big enough for long runs of one class
// (a megabyte of spaces), shared by every Regex the thread runs.
struct ThreadMatchState
{
    pcre2_match_data* data = nullptr;
    pcre2_match_context* context = nullptr;
    pcre2_jit_stack* stack = nullptr;

    ThreadMatchState()
    {
        data = pcre2_match_data_create(16, nullptr);
        context = pcre2_match_context_create(nullptr);
        stack = pcre2_jit_stack_create(32 * 1024, 64 * 1024 * 1024, nullptr);
        if (!data || !context || !stack)
            throw std::bad_alloc();
        pcre2_jit_stack_assign(context, nullptr, stack);
    }
    ~ThreadMatchState()
    {
        pcre2_jit_stack_free(stack);
        pcre2_match_context_free(context);
        pcre2_match_data_free(data);
    }
};

ThreadMatchState& threadMatchState()
{
    thread_local ThreadMatchState state;
    return state;
}

} // namespace

Regex::Regex(const std::string& pattern, bool literal)
{
    int error = 0;
    PCRE2_SIZE offset = 0;
    uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK;
    if (literal)
        options |= PCRE2_LITERAL;
    m_code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &error,
                           &offset, nullptr);
    if (!m_code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof message);
        throw std::invalid_argument(std::string(reinterpret_cast<const char*>(message)) + " at offset " +
                                    std::to_string(offset));
    }
    m_jit = pcre2_jit_compile(m_code, PCRE2_JIT_COMPLETE) == 0;
}

Regex::~Regex()
{
    pcre2_code_free(m_code);
}

bool Regex::find(std::string_view subject, size_t start, size_t& matchStart, size_t& matchEnd) const
{
    ThreadMatchState& state = threadMatchState();
    const auto* text = reinterpret_cast<PCRE2_SPTR>(subject.data());
    int rc = m_jit ? pcre2_jit_match(m_code, text, subject.size(), start, 0, state.data, state.context)
                   : PCRE2_ERROR_JIT_STACKLIMIT;
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT) // the interpreter keeps its backtracking on the heap
        rc = pcre2_match(m_code, text, subject.size(), start, PCRE2_NO_JIT | PCRE2_NO_UTF_CHECK, state.data,
                         nullptr);
    if (rc == PCRE2_ERROR_NOMATCH)
        return false;
    if (rc < 0) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(rc, message, sizeof message);
        throw std::runtime_error(std::string("pre-tokenizer regex failed: ") +
                                 reinterpret_cast<const char*>(message));
    }
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(state.data);
    matchStart = ovector[0];
    matchEnd = ovector[1];
    return true;
}

} // namespace nf::formats::tokenizer_detail
