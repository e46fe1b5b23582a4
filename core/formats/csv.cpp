#include "formats/csv.h"

#include "common/error.h"

namespace nf::formats {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

class CsvParser
{
public:
    CsvParser(std::string_view text, const std::string& origin) : m_text(text), m_origin(origin)
    {
        if (m_text.starts_with(kByteOrderMark))
            m_pos = kByteOrderMark.size();
    }

    std::vector<CsvRecord> parse()
    {
        std::vector<CsvRecord> records;
        while (m_pos < m_text.size()) {
            if (atLineEnd()) { // an empty line is no record
                skipLineEnd();
                continue;
            }
            CsvRecord record;
            record.line = m_line;
            bool more = true;
            while (more) {
                record.fields.push_back(field());
                more = m_pos < m_text.size() && m_text[m_pos] == ',';
                if (more)
                    ++m_pos;
            }
            if (m_pos < m_text.size())
                skipLineEnd();
            records.push_back(std::move(record));
        }
        return records;
    }

private:
    bool atLineEnd() const { return m_text[m_pos] == '\n' || m_text[m_pos] == '\r'; }

    void skipLineEnd()
    {
        if (m_text[m_pos] == '\r' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '\n')
            ++m_pos;
        ++m_pos;
        ++m_line;
    }

    // Reads one field and stops at the comma, line end or end of text after it.
    std::string field()
    {
        if (m_pos < m_text.size() && m_text[m_pos] == '"')
            return quotedField();
        const size_t start = m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] != ',' && !atLineEnd())
            ++m_pos;
        return std::string(m_text.substr(start, m_pos - start));
    }

    std::string quotedField()
    {
        const int64_t openLine = m_line;
        ++m_pos;
        std::string value;
        for (;;) {
            const size_t quote = m_text.find('"', m_pos);
            if (quote == std::string_view::npos)
                throw InputError(m_origin + ":" + std::to_string(openLine) +
                                 ": a quoted field that starts on this line is never closed");
            countLines(m_pos, quote);
            value.append(m_text.substr(m_pos, quote - m_pos));
            m_pos = quote + 1;
            if (m_pos < m_text.size() && m_text[m_pos] == '"') { // a doubled quote stands for one
                value.push_back('"');
                ++m_pos;
                continue;
            }
            break;
        }
        if (m_pos < m_text.size() && m_text[m_pos] != ',' && !atLineEnd())
            throw InputError(m_origin + ":" + std::to_string(m_line) +
                             ": text after the closing quote of a field (a quote inside a quoted field "
                             "must be doubled)");
        return value;
    }

    // Line breaks inside a quoted field still move the line count on.
    void countLines(size_t begin, size_t end)
    {
        for (size_t i = begin; i < end; ++i) {
            if (m_text[i] == '\n' || (m_text[i] == '\r' && (i + 1 >= m_text.size() || m_text[i + 1] != '\n')))
                ++m_line;
        }
    }

    std::string_view m_text;
    const std::string& m_origin;
    size_t m_pos = 0;
    int64_t m_line = 1;
};

} // namespace

std::vector<CsvRecord> parseCsv(std::string_view text, const std::string& origin)
{
    return CsvParser(text, origin).parse();
}

std::string csvField(std::string_view text)
{
    // A leading byte order mark is quoted too: at the start of a file parseCsv would skip it.
    if (text.find_first_of(",\"\r\n") == std::string_view::npos && !text.starts_with(kByteOrderMark))
        return std::string(text);
    std::string quoted = "\"";
    for (const char c : text) {
        quoted += c;
        if (c == '"')
            quoted += '"';
    }
    return quoted + '"';
}

} // namespace nf::formats
