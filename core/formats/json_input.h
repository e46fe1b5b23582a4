#pragma once

// The one way JSON from a user's file is parsed (runs JSONL, importers' results files, mapping.json,
// config.json, tokenizer.json, safetensors headers): nlohmann's parser behind limits a hostile file
// cannot get past, and messages in our own words that quote the file only as a bounded excerpt.
//
// - Nesting deeper than a limit is refused while it is read, before a value that deep exists:
//   nlohmann's dump(), comparison and copy recurse, and 100,000 levels overflow the stack.
// - A number out of a double's range (1E400) is an input error naming its key, not the library's
//   out_of_range exception.
// - A syntax error says what is wrong ("the file ends early: truncated?") and where, never the
//   library's "[json.exception.parse_error.101] ... last read: ..." text.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nf::formats {

// Far deeper than any real file (a tokenizer.json or lm-eval config nests under 10 levels), far
// shallower than what the recursion of dump() can take.
inline constexpr size_t kMaxJsonDepth = 256;

// Why a text was refused.
struct JsonFailure
{
    enum class Kind { None, Syntax, Truncated, TooDeep, NumberOutOfRange, Handler };
    Kind kind = Kind::None;
    size_t byte = 0;    // 1-based position in the text where it was found (0: unknown)
    std::string detail; // in our words, quoting at most a bounded excerpt of the text; empty for Handler
};

// Where a text comes from, for messages "<path>:<line>: <what>".
struct JsonSource
{
    std::string path;
    int64_t firstLine = 1;                  // the file's line the text starts on (a JSONL line's number)
    std::string unit = "file";              // "the file ends early", "the line ends early"
    std::string invalid = "not valid JSON"; // how a syntax error is introduced
    size_t maxDepth = kMaxJsonDepth;
};

// The text as a value; InputError "<path>:<line>: ..." when it is not JSON, nests deeper than
// source.maxDepth or holds a number out of range.
nlohmann::json parseJsonInput(std::string_view text, const JsonSource& source);

// The same without throwing: the value, or nothing with `failure` set.
std::optional<nlohmann::json> tryParseJsonInput(std::string_view text, JsonFailure& failure,
                                                size_t maxDepth = kMaxJsonDepth);

// SAX parsing through the same limits: `handler` sees the events of a text that stays within
// them; false with `failure` set when the text was refused, by the limits or by `handler`
// returning false (Kind::Handler: the handler knows why). `strict` false: text after the value
// is not an error.
bool saxParseJsonInput(std::string_view text, nlohmann::json_sax<nlohmann::json>& handler,
                       JsonFailure& failure, size_t maxDepth = kMaxJsonDepth, bool strict = true);

// "<path>:<line>: <what>" for a failure in `text` (not Kind::Handler).
std::string jsonFailureMessage(const JsonFailure& failure, std::string_view text, const JsonSource& source);

// What the failure says after "<path>:<line>: ": "not valid JSON (...)", "nests deeper than ...".
std::string jsonFailureText(const JsonFailure& failure, const JsonSource& source);

// A value built from SAX events as nlohmann's own DOM parser builds it (a key given twice keeps
// its last value): the handler tryParseJsonInput gives saxParseJsonInput. A reader that refuses
// more (a key twice) overrides key(), looking at the object being filled.
class JsonValueBuilder : public nlohmann::json_sax<nlohmann::json>
{
public:
    explicit JsonValueBuilder(nlohmann::json& root);

    bool null() override { return add(nlohmann::json(nullptr)); }
    bool boolean(bool value) override { return add(nlohmann::json(value)); }
    bool number_integer(number_integer_t value) override { return add(nlohmann::json(value)); }
    bool number_unsigned(number_unsigned_t value) override { return add(nlohmann::json(value)); }
    bool number_float(number_float_t value, const string_t&) override { return add(nlohmann::json(value)); }
    bool string(string_t& value) override { return add(nlohmann::json(std::move(value))); }
    bool binary(binary_t& value) override { return add(nlohmann::json::binary(std::move(value))); }
    bool start_object(std::size_t) override { return open(nlohmann::json::object()); }
    bool start_array(std::size_t) override { return open(nlohmann::json::array()); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }
    bool key(string_t& name) override;
    // Not called: saxParseJsonInput reports syntax errors itself.
    bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception&) override { return false; }

protected:
    // The object or array being filled (innermost), and how many are open.
    const nlohmann::json& filling() const { return *m_open.back(); }
    size_t openCount() const { return m_open.size(); }

private:
    nlohmann::json* place(nlohmann::json&& value);
    bool add(nlohmann::json&& value);
    bool open(nlohmann::json&& container);
    bool close();

    nlohmann::json& m_root;
    std::vector<nlohmann::json*> m_open; // the containers being filled, innermost last
    std::string m_key;
};

// The keys of a JSON text's objects as far as the text can be read, without building anything:
// how a reader tells a format by its top-level keys, also from the head of a large file or a line
// it will refuse. onKey hears every key with its depth (1: the top-level object's).
class JsonKeyScanner : public nlohmann::json_sax<nlohmann::json>
{
public:
    // Whether the text is an object (a top-level array stops the scan), and its keys.
    bool isObject() const { return m_object; }
    const std::set<std::string>& topKeys() const { return m_top; }

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override
    {
        m_object = m_object || m_depth == 0;
        ++m_depth;
        return true;
    }
    bool start_array(std::size_t) override { return m_depth++ > 0; }
    bool end_object() override { return --m_depth, true; }
    bool end_array() override { return --m_depth, true; }
    bool key(string_t& name) override
    {
        if (m_depth == 1)
            m_top.insert(name);
        onKey(m_depth, name);
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception&) override { return false; }

protected:
    virtual void onKey(int, const std::string&) {}

private:
    int m_depth = 0;
    bool m_object = false;
    std::set<std::string> m_top;
};

} // namespace nf::formats
