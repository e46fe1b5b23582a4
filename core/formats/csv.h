#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nf::formats {

// One record of a CSV file.
struct CsvRecord
{
    std::vector<std::string> fields;
    int64_t line = 0; // 1-based line where the record starts
};

// Parses RFC 4180 text: fields separated by commas, records by CRLF or LF; a field in double quotes
// may hold commas, line breaks (kept as they are) and doubled quotes (read as one). A UTF-8 byte
// order mark at the start is skipped and so are empty lines. A quote inside an unquoted field is
// read as a character (as Python's csv and pandas do). A quoted field that is never closed, or text
// between a closing quote and the next comma, is an nf::InputError "ORIGIN:LINE: ...".
std::vector<CsvRecord> parseCsv(std::string_view text, const std::string& origin);

// One field as RFC 4180 writes it: in double quotes (doubled inside) when it holds a comma, a
// quote or a line break, as it is otherwise. parseCsv reads it back unchanged.
std::string csvField(std::string_view text);

} // namespace nf::formats
