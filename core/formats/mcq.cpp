#include "formats/mcq.h"

#include "common/error.h"
#include "common/paths.h"
#include "common/sha256.h"
#include "common/text.h"
#include "formats/csv.h"
#include "formats/json_input.h"
#include "formats/tokenizer_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

namespace nf::formats {
namespace {

namespace fs = std::filesystem;

constexpr int kMinChoices = 2;
constexpr int kMaxChoices = 10;
constexpr int kCsvChoices = 4;

// How a benchmark lays out its files.
struct Layout
{
    const char* kind;
    std::vector<std::string> splits; // the first is the default
    bool header;                     // CMMLU and C-Eval name their columns; MMLU has none
    bool splitSuffix;                // <subject>_<split>.csv (MMLU, C-Eval) or <subject>.csv (CMMLU)
};

const Layout& layoutOf(const std::string& kind)
{
    static const std::array<Layout, 3> layouts = {{
        {"mmlu", {"test", "val", "dev"}, false, true},
        {"cmmlu", {"test", "dev"}, true, false},
        {"ceval", {"val", "dev"}, true, true},
    }};
    for (const Layout& layout : layouts) {
        if (kind == layout.kind)
            return layout;
    }
    throw InputError("unknown benchmark '" + kind + "'");
}

std::string fileSuffix(const Layout& layout, const std::string& split)
{
    return layout.splitSuffix ? "_" + split + ".csv" : ".csv";
}

fs::path absoluteFolder(const std::string& text)
{
    fs::path path = fs::absolute(text).lexically_normal();
    if (path.filename().empty() && path.has_parent_path() && path != path.root_path())
        path = path.parent_path(); // "dir/" names the same folder as "dir"
    return path;
}

// Every file read, so that the task's sha256 identifies the data whatever the folder is called.
class FileLog
{
public:
    explicit FileLog(fs::path base) : m_base(std::move(base)) {}

    std::string read(const fs::path& file)
    {
        requireRegularFile(file, "benchmark file");
        std::ifstream in(file, std::ios::binary);
        if (!in)
            throw InputError(file.string() + ": cannot be read");
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in.bad())
            throw InputError(file.string() + ": cannot be read");
        m_entries.emplace_back(file.lexically_relative(m_base).generic_string(), sha256Hex(bytes));
        return bytes;
    }

    std::string sha256() const
    {
        auto entries = m_entries;
        std::sort(entries.begin(), entries.end());
        std::string text;
        for (const auto& [name, hash] : entries)
            text += name + '\0' + hash + '\n';
        return sha256Hex(text);
    }

private:
    fs::path m_base;
    std::vector<std::pair<std::string, std::string>> m_entries;
};

std::string lineRef(const std::string& file, int64_t line)
{
    return file + ":" + std::to_string(line) + ": ";
}

std::string lettersUpTo(int count)
{
    std::string text;
    for (int i = 0; i < count; ++i)
        text += (i ? ", " : "") + std::string(1, choiceLetter(i));
    return text;
}

int answerIndex(const std::string& text, int choices, const std::string& where)
{
    const std::string letter = trimmed(text);
    if (letter.size() != 1 || letter[0] < 'A' || letter[0] >= 'A' + choices)
        throw InputError(where + "answer '" + printableExcerpt(text) + "' is not one of " +
                         lettersUpTo(choices));
    return letter[0] - 'A';
}

// The columns of the six fields an item needs, in the order question, A, B, C, D, answer.
std::array<size_t, 6> columnsOf(const CsvRecord& header, const std::string& file)
{
    static const std::array<std::string, 6> names = {"question", "a", "b", "c", "d", "answer"};
    std::array<size_t, 6> columns{};
    for (size_t i = 0; i < names.size(); ++i) {
        auto found = std::find_if(header.fields.begin(), header.fields.end(), [&](std::string field) {
            std::transform(field.begin(), field.end(), field.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            return trimmed(field) == names[i];
        });
        if (found == header.fields.end()) {
            const std::string name =
                i == 0 || i == 5 ? names[i] : std::string(1, static_cast<char>('A' + i - 1));
            throw InputError(lineRef(file, header.line) + "the header has no '" + name + "' column" +
                             (i == 5 ? " (a split without answers cannot be scored)" : ""));
        }
        columns[i] = static_cast<size_t>(found - header.fields.begin());
    }
    return columns;
}

// A field that goes into prompts must be UTF-8 (a tokenizer takes nothing else): checked as the
// file is read, so that a bad byte is named by file, line and column before anything is stored.
void requireUtf8(const std::string& field, const std::string& where, size_t column, const char* name)
{
    const size_t bad = tokenizer_detail::invalidUtf8Offset(field);
    if (bad != std::string::npos)
        throw InputError(where + "column " + std::to_string(column + 1) + " (" + name +
                         ") is not valid UTF-8 at byte " + std::to_string(bad) +
                         " of the field (save the file as UTF-8)");
}

std::vector<McqItem> readCsvItems(FileLog& log, const fs::path& path, const Layout& layout, int subject)
{
    const std::string file = path.string();
    const std::vector<CsvRecord> records = parseCsv(log.read(path), file);
    std::array<size_t, 6> columns = {0, 1, 2, 3, 4, 5};
    size_t width = columns.size();
    size_t first = 0;
    if (layout.header) {
        if (records.empty())
            throw InputError(file + ": empty file (expected a header row)");
        columns = columnsOf(records[0], file);
        width = records[0].fields.size();
        first = 1;
    }
    std::vector<McqItem> items;
    items.reserve(records.size() - first);
    for (size_t r = first; r < records.size(); ++r) {
        const CsvRecord& record = records[r];
        const std::string where = lineRef(file, record.line);
        if (record.fields.size() != width)
            throw InputError(where + std::to_string(record.fields.size()) + " fields, expected " +
                             std::to_string(width) +
                             (layout.header ? " as in the header" : " (question,A,B,C,D,answer)"));
        static constexpr const char* kNames[] = {"question", "A", "B", "C", "D"};
        for (size_t c = 0; c < std::size(kNames); ++c)
            requireUtf8(record.fields[columns[c]], where, columns[c], kNames[c]);
        McqItem item;
        item.question = record.fields[columns[0]];
        if (trimmed(item.question).empty())
            throw InputError(where + "empty question");
        for (int c = 0; c < kCsvChoices; ++c)
            item.choices.push_back(record.fields[columns[static_cast<size_t>(c) + 1]]);
        item.answer = answerIndex(record.fields[columns[5]], kCsvChoices, where);
        item.subject = subject;
        item.file = file;
        item.line = record.line;
        items.push_back(std::move(item));
    }
    return items;
}

struct SubjectNames
{
    std::string displayName;
    std::string zhName;
    std::string category;
};

// LLaMA-Factory's {"key": {"name": ..., "category": ...}} or C-Eval's {"key": [en, zh, category]}.
std::map<std::string, SubjectNames> readMapping(FileLog& log, const fs::path& path)
{
    const std::string file = path.string();
    const std::string text = log.read(path);
    JsonSource source{file};
    source.invalid = "invalid JSON";
    const nlohmann::json json = parseJsonInput(withoutByteOrderMark(text), source);
    if (!json.is_object())
        throw InputError(file + ": expected an object of subjects");
    std::map<std::string, SubjectNames> mapping;
    for (const auto& [key, value] : json.items()) {
        SubjectNames names;
        if (value.is_object() && value.contains("name") && value["name"].is_string()) {
            names.displayName = value["name"].get<std::string>();
            names.zhName = names.displayName;
            if (value.contains("category") && value["category"].is_string())
                names.category = value["category"].get<std::string>();
        } else if (value.is_array() && value.size() == 3 &&
                   std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); })) {
            names = {value[0].get<std::string>(), value[1].get<std::string>(), value[2].get<std::string>()};
        } else {
            throw InputError(
                file + ": subject '" + printableExcerpt(key) +
                "': expected {\"name\": ..., \"category\": ...} or [name, Chinese name, category]");
        }
        mapping.emplace(key, std::move(names));
    }
    return mapping;
}

std::string keyAsName(std::string key)
{
    std::replace(key.begin(), key.end(), '_', ' ');
    return key;
}

void nameSubjects(McqTask& task, const std::map<std::string, SubjectNames>& mapping)
{
    for (McqSubject& subject : task.subjects) {
        const auto found = mapping.find(subject.key);
        if (found != mapping.end()) {
            subject.displayName = found->second.displayName;
            subject.zhName = found->second.zhName;
            subject.category = found->second.category;
        } else {
            subject.displayName = keyAsName(subject.key);
            subject.zhName = subject.displayName;
        }
    }
}

std::string subjectsLabel(size_t count)
{
    return " (" + std::to_string(count) + (count == 1 ? " subject)" : " subjects)");
}

McqTask loadCsvTask(const std::string& spec, const std::string& kind, std::string rest)
{
    const Layout& layout = layoutOf(kind);
    std::string split = layout.splits.front();
    const size_t colon = rest.rfind(':');
    if (colon != std::string::npos) {
        const std::string suffix = rest.substr(colon + 1);
        if (kind == "ceval" && suffix == "test")
            throw InputError("task '" + spec + "': C-Eval's test split has no answers; use " + kind +
                             ":DIR:val or :dev");
        if (std::find(layout.splits.begin(), layout.splits.end(), suffix) != layout.splits.end()) {
            split = suffix;
            rest.resize(colon);
        }
    }
    if (rest.empty())
        throw InputError("task '" + spec + "': expected " + kind + ":DIR[:SPLIT]");

    const fs::path dir = absoluteFolder(rest);
    if (!fs::is_directory(dir))
        throw InputError("task '" + spec + "': folder " + dir.string() + " not found");
    // The benchmark's own `data` folder, or a folder that holds it (LLaMA-Factory's evaluation/<task>).
    fs::path root = dir;
    if (!fs::is_directory(root / split) && fs::is_directory(root / "data" / split))
        root = root / "data";
    const fs::path splitDir = root / split;
    const std::string suffix = fileSuffix(layout, split);
    if (!fs::is_directory(splitDir))
        throw InputError("task '" + spec + "': no " + split + " folder in " + dir.string() + " (expected " +
                         (dir / split / ("<subject>" + suffix)).string() + ")");

    McqTask task;
    task.kind = kind;
    task.split = split;
    task.path = dir.string();
    task.spec = kind + ":" + task.path + ":" + split;
    for (const auto& entry : fs::directory_iterator(splitDir)) {
        const std::string name = entry.path().filename().string();
        // Not only regular files: a FIFO or a device named like a subject is refused by name when read.
        if (!entry.is_directory() && name.size() > suffix.size() && name.ends_with(suffix)) {
            McqSubject subject;
            subject.key = name.substr(0, name.size() - suffix.size());
            if (tokenizer_detail::invalidUtf8Offset(subject.key) != std::string::npos)
                throw InputError(printableExcerpt(entry.path().string(), 200) +
                                 ": the file name is not valid UTF-8 (it names the subject in prompts)");
            task.subjects.push_back(std::move(subject));
        }
    }
    if (task.subjects.empty())
        throw InputError(splitDir.string() + ": no <subject>" + suffix + " files");
    std::sort(task.subjects.begin(), task.subjects.end(),
              [](const McqSubject& a, const McqSubject& b) { return a.key < b.key; });

    FileLog log(dir);
    std::map<std::string, SubjectNames> mapping;
    for (const fs::path& candidate : {root / "mapping.json", root.parent_path() / "mapping.json"}) {
        if (fs::exists(candidate)) {
            mapping = readMapping(log, candidate);
            break;
        }
    }
    nameSubjects(task, mapping);

    const std::string devSuffix = fileSuffix(layout, "dev");
    for (size_t s = 0; s < task.subjects.size(); ++s) {
        McqSubject& subject = task.subjects[s];
        const int index = static_cast<int>(s);
        std::vector<McqItem> items = readCsvItems(log, splitDir / (subject.key + suffix), layout, index);
        const fs::path devPath = root / "dev" / (subject.key + devSuffix);
        subject.devFile = devPath.string();
        if (split == "dev")
            subject.dev = items;
        else if (fs::exists(devPath))
            subject.dev = readCsvItems(log, devPath, layout, index);
        subject.firstItem = task.n();
        subject.count = static_cast<int64_t>(items.size());
        std::move(items.begin(), items.end(), std::back_inserter(task.items));
    }
    if (task.items.empty())
        throw InputError(splitDir.string() + ": no questions in the <subject>" + suffix + " files");
    task.label = kind + ":" + split + subjectsLabel(task.subjects.size());
    task.sha256 = log.sha256();
    return task;
}

McqItem jsonlItem(const std::string& line, const std::string& file, int64_t lineNumber, std::string& subject)
{
    const std::string where = lineRef(file, lineNumber);
    JsonSource source{file, lineNumber, "line"};
    source.invalid = "invalid JSON";
    nlohmann::json json = parseJsonInput(line, source);
    if (!json.is_object())
        throw InputError(where + "expected an object {\"question\", \"choices\", \"answer\"}");
    for (const char* key : {"question", "choices", "answer"}) {
        if (!json.contains(key))
            throw InputError(where + "missing key '" + key + "'");
    }
    McqItem item;
    if (!json["question"].is_string() || trimmed(json["question"].get<std::string>()).empty())
        throw InputError(where + "'question' must be a non-empty string");
    item.question = json["question"].get<std::string>();
    const auto& choices = json["choices"];
    if (!choices.is_array() || choices.size() < kMinChoices || choices.size() > kMaxChoices)
        throw InputError(where + "'choices' must be a list of " + std::to_string(kMinChoices) + " to " +
                         std::to_string(kMaxChoices) + " strings");
    for (const auto& choice : choices) {
        if (!choice.is_string())
            throw InputError(where + "'choices' must be a list of strings");
        item.choices.push_back(choice.get<std::string>());
    }
    const int count = static_cast<int>(item.choices.size());
    const auto& answer = json["answer"];
    if (answer.is_number_integer()) {
        const int64_t index = answer.get<int64_t>();
        if (index < 0 || index >= count)
            throw InputError(where + "answer " + std::to_string(index) + " is not a choice index (0 to " +
                             std::to_string(count - 1) + ")");
        item.answer = static_cast<int>(index);
    } else if (answer.is_string()) {
        item.answer = answerIndex(answer.get<std::string>(), count, where);
    } else {
        throw InputError(where + "'answer' must be a choice index or letter");
    }
    subject = "all";
    if (json.contains("subject")) {
        if (!json["subject"].is_string() || json["subject"].get<std::string>().empty())
            throw InputError(where + "'subject' must be a non-empty string");
        subject = json["subject"].get<std::string>();
    }
    return item;
}

McqTask loadJsonlTask(const std::string& spec, const std::string& rest)
{
    if (rest.empty())
        throw InputError("task '" + spec + "': expected jsonl:FILE");
    const fs::path path = fs::absolute(rest).lexically_normal();
    if (!fs::exists(path))
        throw InputError("task '" + spec + "': file " + path.string() + " not found");
    const std::string file = path.string();
    FileLog log(path.parent_path());
    const std::string text = log.read(path);

    // Items grouped by subject (sorted), each subject's in file order.
    std::map<std::string, std::vector<McqItem>> bySubject;
    int64_t lineNumber = 0;
    size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    while (pos < text.size()) {
        ++lineNumber;
        size_t end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.ends_with('\r'))
            line.pop_back();
        if (trimmed(line).empty())
            continue;
        std::string subject;
        McqItem item = jsonlItem(line, file, lineNumber, subject);
        item.file = file;
        item.line = lineNumber;
        bySubject[subject].push_back(std::move(item));
    }
    if (bySubject.empty())
        throw InputError(file + ": no questions");

    McqTask task;
    task.kind = "jsonl";
    task.path = file;
    task.spec = "jsonl:" + file;
    for (auto& [key, items] : bySubject) {
        McqSubject subject;
        subject.key = key;
        subject.displayName = keyAsName(key);
        subject.zhName = subject.displayName;
        subject.firstItem = task.n();
        subject.count = static_cast<int64_t>(items.size());
        for (McqItem& item : items) {
            item.subject = static_cast<int>(task.subjects.size());
            task.items.push_back(std::move(item));
        }
        task.subjects.push_back(std::move(subject));
    }
    task.label = "jsonl:" + path.filename().string() + subjectsLabel(task.subjects.size());
    task.sha256 = log.sha256();
    return task;
}

} // namespace

int McqTask::maxChoices() const
{
    size_t most = 0;
    for (const McqItem& item : items)
        most = std::max(most, item.choices.size());
    for (const McqSubject& subject : subjects) {
        for (const McqItem& item : subject.dev)
            most = std::max(most, item.choices.size());
    }
    return static_cast<int>(most);
}

bool isMcqSpec(const std::string& spec)
{
    return spec.starts_with("mmlu:") || spec.starts_with("cmmlu:") || spec.starts_with("ceval:") ||
           spec.starts_with("jsonl:");
}

McqTask loadMcqTask(const std::string& spec)
{
    const size_t colon = spec.find(':');
    if (!isMcqSpec(spec) || colon == std::string::npos)
        throw InputError("unknown task '" + spec +
                         "': expected mmlu:DIR[:test|val|dev], cmmlu:DIR[:test|dev], ceval:DIR[:val|dev] or "
                         "jsonl:FILE");
    const std::string kind = spec.substr(0, colon);
    const std::string rest = spec.substr(colon + 1);
    if (kind == "jsonl")
        return loadJsonlTask(spec, rest);
    return loadCsvTask(spec, kind, rest);
}

char choiceLetter(int index)
{
    return static_cast<char>('A' + index);
}

} // namespace nf::formats
