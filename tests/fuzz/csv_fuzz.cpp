// parseCsv on arbitrary bytes: it must accept them or refuse them with an nf::InputError; what it
// accepts must read back unchanged after csvField writes it again (the promise the benchmark
// exports rely on), with line numbers that only grow.
#include "formats/csv.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_target.h"

#include <algorithm>

using nf::formats::CsvRecord;
using nf::fuzz::promise;

namespace {

std::string written(const std::vector<CsvRecord>& records)
{
    std::string text;
    for (const CsvRecord& record : records) {
        // A record of one empty field would be an empty line, which is no record: quote it.
        if (record.fields.size() == 1 && record.fields[0].empty()) {
            text += "\"\"\n";
            continue;
        }
        for (size_t i = 0; i < record.fields.size(); ++i)
            text += (i ? "," : "") + nf::formats::csvField(record.fields[i]);
        text += "\n";
    }
    return text;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<CsvRecord> records;
    if (!nf::fuzz::acceptedOrRefused([&] { records = nf::formats::parseCsv(text, "fuzz.csv"); }))
        return 0;
    int64_t line = 0;
    for (const CsvRecord& record : records) {
        promise(record.line > line, "records' lines ascending from 1");
        promise(!record.fields.empty(), "a record has a field");
        line = record.line;
    }
    const int64_t lines = 1 + static_cast<int64_t>(std::count(text.begin(), text.end(), '\n') +
                                                   std::count(text.begin(), text.end(), '\r'));
    promise(line <= lines, "line numbers inside the text");
    std::vector<CsvRecord> again;
    const std::string rewritten = written(records);
    if (!nf::fuzz::acceptedOrRefused([&] { again = nf::formats::parseCsv(rewritten, "again.csv"); }))
        promise(false, "parseCsv reads back what csvField wrote");
    promise(again.size() == records.size(), "as many records read back as written");
    for (size_t i = 0; i < records.size(); ++i)
        promise(again[i].fields == records[i].fields, "fields read back unchanged");
    return 0;
}

namespace nf::fuzz {

std::vector<std::string> seeds()
{
    std::vector<std::string> all = testDataFiles("mcq", ".csv");
    all.push_back("a,\"b,c\",\"d\"\"e\"\r\n\"multi\nline\",x\"y,\n\n,\n\xEF\xBB\xBF");
    all.push_back("\xEF\xBB\xBFq,\"\",\"\"\"\"\r\r\n\"open");
    return all;
}

std::vector<std::string> dictionary()
{
    return {",", "\"", "\"\"", "\"\"\"", "\r\n", "\n", "\r", "\xEF\xBB\xBF", ",,", "\",\"", "\"\n\"", "\xff",
            std::string(1, '\0')};
}

std::string repair(std::string input, uint64_t)
{
    return input;
}

} // namespace nf::fuzz
