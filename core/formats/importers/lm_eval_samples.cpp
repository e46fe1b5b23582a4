#include "formats/importers/lm_eval_samples.h"

#include "common/error.h"
#include "common/sha256.h"
#include "common/text.h"
#include "formats/json_input.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace nf::formats::lmeval {
namespace {

using nlohmann::json;

// Thrown inside a line and turned into "file:line: not valid JSON (why)" by the caller.
struct SyntaxError
{
    std::string why;
};

// Walks one line's top-level object. Values the importer needs are handed back as their text;
// everything else is skipped by matching brackets and quotes, without decoding a byte of it.
class LineScanner
{
public:
    LineScanner(const char* begin, const char* end) : m_p(begin), m_end(end) {}

    // Calls onMember(key, valueText) for each member; the key is raw (escapes left as written).
    template <typename OnMember> void members(OnMember&& onMember)
    {
        skipSpace();
        expect('{', "the line is not a JSON object");
        skipSpace();
        if (peek() == '}') {
            ++m_p;
        } else {
            for (;;) {
                skipSpace();
                expect('"', "expected a key");
                const char* keyBegin = m_p;
                skipStringBody();
                const std::string_view key(keyBegin, static_cast<size_t>(m_p - 1 - keyBegin));
                skipSpace();
                expect(':', "expected ':' after a key");
                skipSpace();
                const char* valueBegin = m_p;
                skipValue();
                onMember(key, std::string_view(valueBegin, static_cast<size_t>(m_p - valueBegin)));
                skipSpace();
                if (peek() == ',') {
                    ++m_p;
                    continue;
                }
                expect('}', "the object is not closed (a truncated line?)");
                break;
            }
        }
        skipSpace();
        if (m_p != m_end)
            throw SyntaxError{"text after the object"};
    }

private:
    char peek() const { return m_p < m_end ? *m_p : '\0'; }

    void expect(char c, const char* why)
    {
        if (peek() != c)
            throw SyntaxError{why};
        ++m_p;
    }

    void skipSpace()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\r' || *m_p == '\n'))
            ++m_p;
    }

    // From just after an opening quote to just after the closing one. memchr finds the next
    // quote fast; it closes the string unless an odd run of backslashes escapes it.
    void skipStringBody()
    {
        for (;;) {
            const void* found = std::memchr(m_p, '"', static_cast<size_t>(m_end - m_p));
            if (!found)
                throw SyntaxError{"a string is not terminated (a truncated line?)"};
            const char* quote = static_cast<const char*>(found);
            const char* back = quote;
            while (back > m_p && back[-1] == '\\')
                --back;
            m_p = quote + 1;
            if ((quote - back) % 2 == 0)
                return;
        }
    }

    void skipValue()
    {
        const char c = peek();
        if (c == '"') {
            ++m_p;
            skipStringBody();
            return;
        }
        if (c == '{' || c == '[') {
            skipContainer();
            return;
        }
        const char* begin = m_p;
        while (m_p < m_end && !std::strchr(",}] \t\r\n", *m_p))
            ++m_p;
        if (m_p == begin)
            throw SyntaxError{"a value is missing"};
    }

    void skipContainer()
    {
        std::vector<char> open;
        do {
            if (m_p == m_end)
                throw SyntaxError{"an array or object is not closed (a truncated line?)"};
            const char c = *m_p++;
            if (c == '"') {
                skipStringBody();
            } else if (c == '{' || c == '[') {
                open.push_back(c == '{' ? '}' : ']');
            } else if (c == '}' || c == ']') {
                if (open.back() != c)
                    throw SyntaxError{"mismatched brackets"};
                open.pop_back();
            }
        } while (!open.empty());
    }

    const char* m_p;
    const char* m_end;
};

json parseValue(std::string_view text)
{
    JsonFailure failure;
    auto value = tryParseJsonInput(text, failure);
    if (!value)
        throw SyntaxError{failure.kind == JsonFailure::Kind::Syntax ||
                                  failure.kind == JsonFailure::Kind::Truncated
                              ? std::string("a value cannot be parsed")
                              : jsonFailureText(failure, {})};
    return std::move(*value);
}

std::optional<double> asNumber(const json& value)
{
    if (value.is_number())
        return value.get<double>();
    if (value.is_boolean())
        return value.get<bool>() ? 1.0 : 0.0;
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        double number = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (error == std::errc() && end == text.data() + text.size() && !text.empty())
            return number;
    }
    return std::nullopt;
}

// filtered_resps of a multiple-choice line: one [log-likelihood, is_greedy] per choice, the
// numbers written as strings by recent lm-eval ("-1.25"), as numbers by older ones.
int argmaxLoglikelihood(const json& responses)
{
    if (!responses.is_array() || responses.size() < 2)
        return -1;
    int best = -1;
    double bestValue = 0;
    for (size_t i = 0; i < responses.size(); ++i) {
        const json& response = responses[i];
        const json& first = response.is_array() && !response.empty() ? response[0] : response;
        const auto value = asNumber(first);
        if (!value || (response.is_array() && response.size() != 2))
            return -1;
        if (best < 0 || *value > bestValue) {
            best = static_cast<int>(i);
            bestValue = *value;
        }
    }
    return best;
}

SampleLine parseLine(std::string_view text, int64_t lineNumber, const std::string& metric)
{
    SampleLine sample;
    sample.line = lineNumber;
    LineScanner scanner(text.data(), text.data() + text.size());
    scanner.members([&](std::string_view key, std::string_view value) {
        if (key == "doc_id") {
            int64_t id = 0;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), id);
            if (error != std::errc() || end != value.data() + value.size())
                throw SyntaxError{"\"doc_id\" is not an integer"};
            sample.docId = id;
            sample.hasDocId = true;
        } else if (key == "filter") {
            const json filter = parseValue(value);
            if (filter.is_string())
                sample.filter = filter.get<std::string>();
        } else if (key == "target") {
            const json target = parseValue(value);
            sample.target = target.is_string() ? target.get<std::string>() : target.dump();
        } else if (key == "filtered_resps") {
            sample.predicted = argmaxLoglikelihood(parseValue(value));
        } else if (key == metric) {
            const json number = parseValue(value);
            sample.hasMetric = true;
            sample.metric = number.is_string() ? std::nullopt : asNumber(number);
            sample.metricText = number.dump();
        }
    });
    return sample;
}

struct FileCloser
{
    void operator()(FILE* file) const { std::fclose(file); }
};

} // namespace

std::string readSamples(const std::filesystem::path& path, const std::string& metric,
                        const std::function<void(const SampleLine&)>& onLine)
{
    std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file)
        throw InputError(path.string() + ": cannot be read");
    Sha256 hash;
    // Lines of a 5-shot MMLU file are ~8 KB; the buffer grows when one does not fit.
    std::vector<char> buffer(size_t{4} << 20);
    size_t filled = 0;
    int64_t lineNumber = 0;
    bool atEnd = false;
    auto handle = [&](std::string_view text) {
        ++lineNumber;
        if (lineNumber == 1)
            text = withoutByteOrderMark(text);
        if (text.find_first_not_of(" \t\r") == std::string_view::npos)
            return;
        SampleLine sample;
        try {
            sample = parseLine(text, lineNumber, metric);
        } catch (const SyntaxError& e) {
            throw InputError(path.string() + ":" + std::to_string(lineNumber) + ": not valid JSON (" + e.why +
                             ")");
        }
        onLine(sample);
    };
    while (!atEnd) {
        if (filled == buffer.size())
            buffer.resize(buffer.size() * 2);
        const size_t got = std::fread(buffer.data() + filled, 1, buffer.size() - filled, file.get());
        if (got == 0) {
            if (std::ferror(file.get()))
                throw InputError(path.string() + ": read error");
            atEnd = true;
        }
        hash.update(std::string_view(buffer.data() + filled, got));
        filled += got;
        size_t start = 0;
        for (;;) {
            const void* newline = std::memchr(buffer.data() + start, '\n', filled - start);
            if (!newline)
                break;
            const size_t end = static_cast<size_t>(static_cast<const char*>(newline) - buffer.data());
            handle(std::string_view(buffer.data() + start, end - start));
            start = end + 1;
        }
        if (atEnd && start < filled) // the last line has no newline
            handle(std::string_view(buffer.data() + start, filled - start));
        std::memmove(buffer.data(), buffer.data() + start, filled - start);
        filled -= start;
    }
    return hash.hexDigest();
}

} // namespace nf::formats::lmeval
