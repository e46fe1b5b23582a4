#include "formats/json_input.h"

#include "common/error.h"
#include "common/text.h"

#include <utility>
#include <vector>

namespace nf::formats {
namespace {

using nlohmann::json;

// nlohmann's exception id for a number that does not fit a double.
constexpr int kNumberOverflowId = 406;

// What a syntax error is, told from the library's message (which is never shown).
JsonFailure syntaxFailure(size_t position, const std::string& library, std::string_view text)
{
    const size_t size = text.size();
    JsonFailure failure;
    failure.byte = position;
    const auto says = [&](const char* words) { return library.find(words) != std::string::npos; };
    std::string detail;
    if (position > size || says("unexpected end of input")) {
        failure.kind = JsonFailure::Kind::Truncated;
        return failure;
    }
    if (says("expected end of input")) {
        detail = "more text after the JSON value";
    } else if (says("ill-formed UTF-8")) {
        detail = "a string that is not valid UTF-8";
    } else if (says("control character")) {
        detail = "a control character inside a string (JSON writes it as \\u00XX)";
    } else if (says("surrogate") || says("'\\u' must be followed")) {
        detail = "a \\u escape that is not a character";
    } else if (says("forbidden character after backslash")) {
        detail = "a backslash escape JSON does not have";
    } else if (says("missing or wrong closing quote")) {
        detail = "a string that is not closed";
    } else if (says("invalid number")) {
        detail = "a malformed number";
    } else if (says("invalid literal")) {
        detail = "a word that is not true, false or null";
    } else if (position > 0) {
        detail = "unexpected '" + printableExcerpt(text.substr(position - 1, 1)) + "'";
    } else {
        detail = "a syntax error";
    }
    failure.kind = JsonFailure::Kind::Syntax;
    failure.detail = detail + " at byte " + std::to_string(position);
    return failure;
}

// The 1-based position of the bracket that opens level `depth` + 1 (strings skipped): where a
// text that nests too deep goes past the limit. The SAX events carry no position.
size_t byteBeyondDepth(std::string_view text, size_t depth)
{
    size_t level = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            for (++i; i < text.size() && text[i] != '"'; ++i)
                if (text[i] == '\\')
                    ++i;
        } else if (c == '{' || c == '[') {
            if (++level > depth)
                return i + 1;
        } else if ((c == '}' || c == ']') && level > 0) {
            --level;
        }
    }
    return 0;
}

// Passes a handler the events of a text while they stay within the limits; records why not.
class LimitedSax final : public nlohmann::json_sax<json>
{
public:
    LimitedSax(json_sax<json>& inner, size_t maxDepth, std::string_view text)
        : m_inner(inner), m_maxDepth(maxDepth), m_text(text)
    {}

    JsonFailure& failure() { return m_failure; }

    bool null() override { return forward(m_inner.null()); }
    bool boolean(bool value) override { return forward(m_inner.boolean(value)); }
    bool number_integer(number_integer_t value) override { return forward(m_inner.number_integer(value)); }
    bool number_unsigned(number_unsigned_t value) override { return forward(m_inner.number_unsigned(value)); }
    bool number_float(number_float_t value, const string_t& text) override
    {
        return forward(m_inner.number_float(value, text));
    }
    bool string(string_t& value) override { return forward(m_inner.string(value)); }
    bool binary(binary_t& value) override { return forward(m_inner.binary(value)); }
    bool start_object(std::size_t count) override
    {
        return open(true) && forward(m_inner.start_object(count));
    }
    bool start_array(std::size_t count) override
    {
        return open(false) && forward(m_inner.start_array(count));
    }
    bool end_object() override { return close() && forward(m_inner.end_object()); }
    bool end_array() override { return close() && forward(m_inner.end_array()); }

    bool key(string_t& name) override
    {
        m_frames.back().key = name; // before the handler may move it
        return forward(m_inner.key(name));
    }

    bool parse_error(std::size_t position, const std::string& lastToken,
                     const nlohmann::json::exception& e) override
    {
        if (e.id == kNumberOverflowId) {
            m_failure.kind = JsonFailure::Kind::NumberOutOfRange;
            m_failure.byte = position;
            const std::string key = keyPath();
            m_failure.detail = "the number " + printableExcerpt(lastToken, 40) +
                               (key.empty() ? "" : " in \"" + printableExcerpt(key) + "\"") +
                               " is out of range (a double holds up to about 1.8e308)";
        } else {
            m_failure = syntaxFailure(position, e.what(), m_text);
        }
        return false;
    }

private:
    struct Frame
    {
        bool object = false;
        std::string key; // the object's key whose value is being read
    };

    bool forward(bool accepted)
    {
        if (!accepted && m_failure.kind == JsonFailure::Kind::None)
            m_failure.kind = JsonFailure::Kind::Handler;
        return accepted;
    }

    bool open(bool object)
    {
        if (m_frames.size() >= m_maxDepth) {
            m_failure.kind = JsonFailure::Kind::TooDeep;
            return false;
        }
        m_frames.push_back({object, {}});
        return true;
    }

    bool close()
    {
        m_frames.pop_back();
        return true;
    }

    // "config.lr": the keys leading to the value being read.
    std::string keyPath() const
    {
        std::string path;
        for (const Frame& frame : m_frames)
            if (frame.object)
                path += (path.empty() ? "" : ".") + frame.key;
        return path;
    }

    json_sax<json>& m_inner;
    size_t m_maxDepth;
    std::string_view m_text;
    std::vector<Frame> m_frames;
    JsonFailure m_failure;
};

} // namespace

bool saxParseJsonInput(std::string_view text, nlohmann::json_sax<json>& handler, JsonFailure& failure,
                       size_t maxDepth, bool strict)
{
    LimitedSax limited(handler, maxDepth, text);
    if (json::sax_parse(text.begin(), text.end(), &limited, json::input_format_t::json, strict))
        return true;
    failure = std::move(limited.failure());
    if (failure.kind == JsonFailure::Kind::TooDeep) {
        failure.byte = byteBeyondDepth(text, maxDepth);
        failure.detail = "arrays and objects nested deeper than " + std::to_string(maxDepth) + " levels";
    } else if (failure.kind == JsonFailure::Kind::None) {
        failure = syntaxFailure(text.size() + 1, "", text);
    }
    return false;
}

JsonValueBuilder::JsonValueBuilder(json& root) : m_root(root) {}

bool JsonValueBuilder::key(string_t& name)
{
    m_key = std::move(name);
    return true;
}

json* JsonValueBuilder::place(json&& value)
{
    if (m_open.empty()) {
        m_root = std::move(value);
        return &m_root;
    }
    json& parent = *m_open.back();
    if (parent.is_object()) {
        json& slot = parent[m_key];
        slot = std::move(value);
        return &slot;
    }
    parent.push_back(std::move(value));
    return &parent.back();
}

bool JsonValueBuilder::add(json&& value)
{
    place(std::move(value));
    return true;
}

bool JsonValueBuilder::open(json&& container)
{
    m_open.push_back(place(std::move(container)));
    return true;
}

bool JsonValueBuilder::close()
{
    m_open.pop_back();
    return true;
}

std::optional<json> tryParseJsonInput(std::string_view text, JsonFailure& failure, size_t maxDepth)
{
    json root;
    JsonValueBuilder builder(root);
    if (!saxParseJsonInput(text, builder, failure, maxDepth))
        return std::nullopt;
    return root;
}

json parseJsonInput(std::string_view text, const JsonSource& source)
{
    JsonFailure failure;
    auto value = tryParseJsonInput(text, failure, source.maxDepth);
    if (!value)
        throw InputError(jsonFailureMessage(failure, text, source));
    return std::move(*value);
}

std::string jsonFailureText(const JsonFailure& failure, const JsonSource& source)
{
    switch (failure.kind) {
    case JsonFailure::Kind::Truncated:
        return source.invalid + " (the " + source.unit + " ends early: truncated?)";
    case JsonFailure::Kind::Syntax:
        return source.invalid + " (" + failure.detail + ")";
    default:
        return failure.detail;
    }
}

std::string jsonFailureMessage(const JsonFailure& failure, std::string_view text, const JsonSource& source)
{
    const int64_t line = source.firstLine - 1 + lineAtByte(text, failure.byte);
    return source.path + ":" + std::to_string(line) + ": " + jsonFailureText(failure, source);
}

} // namespace nf::formats
