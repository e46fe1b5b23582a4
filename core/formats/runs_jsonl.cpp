#include "formats/runs_jsonl.h"

#include "common/error.h"
#include "common/text.h"
#include "formats/json_input.h"

#include <climits>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <map>

namespace nf::formats {
namespace {

using nlohmann::json;

class LineError
{
public:
    LineError(const std::filesystem::path& path, int64_t line)
        : m_prefix(path.string() + ":" + std::to_string(line) + ": ")
    {}
    [[noreturn]] void fail(const std::string& what) const { throw InputError(m_prefix + what); }

private:
    std::string m_prefix;
};

std::string requiredString(const json& object, const char* key, const LineError& error)
{
    const auto found = object.find(key);
    if (found == object.end())
        error.fail(std::string("\"") + key + "\" is missing");
    if (!found->is_string() || found->get_ref<const std::string&>().empty())
        error.fail(std::string("\"") + key + "\" must be a non-empty string");
    return found->get<std::string>();
}

std::string optionalString(const json& object, const char* key, const LineError& error)
{
    const auto found = object.find(key);
    if (found == object.end() || found->is_null())
        return {};
    if (!found->is_string())
        error.fail(std::string("\"") + key + "\" must be a string");
    return found->get<std::string>();
}

template <typename T, typename Convert>
std::vector<T> optionalArray(const json& object, const char* key, size_t expected, const LineError& error,
                             const char* what, Convert convert)
{
    const auto found = object.find(key);
    if (found == object.end() || found->is_null())
        return {};
    if (!found->is_array())
        error.fail(std::string("\"") + key + "\" must be an array of " + what);
    if (found->size() != expected)
        error.fail(std::string("\"") + key + "\" has " + std::to_string(found->size()) +
                   " entries but \"correct\" has " + std::to_string(expected));
    std::vector<T> values;
    values.reserve(expected);
    for (size_t i = 0; i < found->size(); ++i) {
        const auto value = convert((*found)[i]);
        if (!value)
            error.fail(std::string("\"") + key + "\" must be an array of " + what + ", item " +
                       std::to_string(i) + " is " + printableExcerpt((*found)[i].dump()));
        values.push_back(*value);
    }
    return values;
}

RunRecord parseLine(const std::string& text, int64_t line, const std::filesystem::path& path)
{
    const LineError error(path, line);
    const json object = parseJsonInput(text, {path.string(), line, "line"});
    if (!object.is_object())
        error.fail("each line must be a JSON object, one run");

    RunRecord record;
    record.line = line;
    record.model = requiredString(object, "model", error);
    record.task = requiredString(object, "task", error);
    const auto config = object.find("config");
    if (config == object.end())
        error.fail("\"config\" is missing (use {} for none)");
    if (!config->is_object())
        error.fail("\"config\" must be an object");
    record.configJson = config->dump();
    const auto seed = object.find("seed");
    if (seed == object.end())
        error.fail("\"seed\" is missing");
    if (!seed->is_number_integer() || (seed->is_number_unsigned() && seed->get<uint64_t>() > INT64_MAX))
        error.fail("\"seed\" must be an integer that fits in 64 bits");
    record.seed = seed->get<int64_t>();
    record.startedAt = optionalString(object, "started_at", error);
    record.uid = optionalString(object, "uid", error);
    record.label = optionalString(object, "label", error);
    record.modelSha256 = optionalString(object, "model_sha256", error);
    record.taskSha256 = optionalString(object, "task_sha256", error);
    if (const auto duration = object.find("duration_s"); duration != object.end() && !duration->is_null()) {
        if (!duration->is_number() || duration->get<double>() < 0)
            error.fail("\"duration_s\" must be a non-negative number");
        record.durationSeconds = duration->get<double>();
    }
    if (const auto environment = object.find("environment");
        environment != object.end() && !environment->is_null()) {
        if (!environment->is_object())
            error.fail("\"environment\" must be an object");
        record.environmentJson = environment->dump();
    }

    const auto correct = object.find("correct");
    const auto accuracy = object.find("accuracy");
    if (correct != object.end() && accuracy != object.end())
        error.fail("a run has either \"correct\" (per item) or \"accuracy\" (run-level), not both");
    if (accuracy != object.end()) {
        if (!accuracy->is_number() || accuracy->get<double>() < 0 || accuracy->get<double>() > 1)
            error.fail("\"accuracy\" must be a number from 0 to 1");
        record.accuracy = accuracy->get<double>();
        if (const auto items = object.find("n_items"); items != object.end() && !items->is_null()) {
            if (!items->is_number_integer() || items->get<int64_t>() < 0)
                error.fail("\"n_items\" must be a non-negative integer");
            record.nItems = items->get<int64_t>();
        }
        return record;
    }
    if (correct == object.end())
        error.fail("\"correct\" is missing (or \"accuracy\" for a run known only by its score)");
    if (!correct->is_array() || correct->empty())
        error.fail("\"correct\" must be a non-empty array of 0/1 (or true/false)");
    record.correct.reserve(correct->size());
    for (size_t i = 0; i < correct->size(); ++i) {
        const auto& value = (*correct)[i];
        if (value.is_boolean())
            record.correct.push_back(value.get<bool>() ? 1 : 0);
        else if (value.is_number_integer() && (value.get<int64_t>() == 0 || value.get<int64_t>() == 1))
            record.correct.push_back(static_cast<uint8_t>(value.get<int64_t>()));
        else
            error.fail("\"correct\" must be an array of 0/1 (or true/false), item " + std::to_string(i) +
                       " is " + printableExcerpt(value.dump()));
    }
    const size_t n = record.correct.size();
    record.subjects = optionalArray<std::string>(object, "subjects", n, error, "strings", [](const json& v) {
        return v.is_string() ? std::optional<std::string>(v.get<std::string>()) : std::nullopt;
    });
    record.predicted = optionalArray<int32_t>(object, "predicted", n, error, "integers", [](const json& v) {
        const bool fits = v.is_number_integer() &&
                          !(v.is_number_unsigned() && v.get<uint64_t>() > INT32_MAX) &&
                          v.get<int64_t>() >= INT32_MIN && v.get<int64_t>() <= INT32_MAX;
        return fits ? std::optional<int32_t>(v.get<int32_t>()) : std::nullopt;
    });
    record.pTrue = optionalArray<double>(object, "p_true", n, error, "numbers in [0, 1]", [](const json& v) {
        return v.is_number() && v.get<double>() >= 0 && v.get<double>() <= 1
                   ? std::optional<double>(v.get<double>())
                   : std::nullopt;
    });
    record.nShots = optionalArray<int32_t>(object, "n_shots", n, error, "integers from 0", [](const json& v) {
        const bool fits = v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() <= INT32_MAX;
        return fits ? std::optional<int32_t>(v.get<int32_t>()) : std::nullopt;
    });
    record.promptHash = optionalArray<int64_t>(object, "prompt_hash", n, error, "64-bit integers", [](const json& v) {
        const bool fits = v.is_number_integer() && !(v.is_number_unsigned() && v.get<uint64_t>() > INT64_MAX);
        return fits ? std::optional<int64_t>(v.get<int64_t>()) : std::nullopt;
    });
    return record;
}

} // namespace

RunsFile readRunsJsonl(const std::filesystem::path& path)
{
    std::ifstream file(path);
    if (!file)
        throw InputError(path.string() + ": cannot be read");
    RunsFile result;
    result.path = path.string();
    // A task's item count and subjects are fixed by its first run.
    std::map<std::string, const RunRecord*> firstOfTask;
    std::string text;
    int64_t line = 0;
    while (std::getline(file, text)) {
        ++line;
        if (line == 1)
            text = std::string(withoutByteOrderMark(text));
        if (text.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        result.runs.push_back(parseLine(text, line, path));
    }
    if (file.bad())
        throw InputError(path.string() + ": read error");
    if (result.runs.empty())
        throw InputError(path.string() + ": no runs (expected one JSON object per line)");
    // A task's item count is fixed by its first run, its subjects by its first run that names them;
    // a line without subjects takes its task's, so one task never splits in two.
    std::map<std::string, const RunRecord*> subjectsOfTask;
    std::map<std::string, int64_t> lineOfUid;
    for (const auto& run : result.runs) {
        const LineError error(path, run.line);
        if (!run.uid.empty()) {
            const auto [seen, added] = lineOfUid.try_emplace(run.uid, run.line);
            if (!added)
                error.fail("uid \"" + printableExcerpt(run.uid) + "\" is already used on line " +
                           std::to_string(seen->second));
        }
        if (run.accuracy)
            continue; // a run-level run fixes nothing about its task's items
        const auto [first, added] = firstOfTask.try_emplace(run.task, &run);
        if (!added && run.correct.size() != first->second->correct.size())
            error.fail("task \"" + printableExcerpt(run.task) + "\" has " +
                       std::to_string(first->second->correct.size()) + " items on line " +
                       std::to_string(first->second->line) + " but " + std::to_string(run.correct.size()) +
                       " here");
        if (run.subjects.empty())
            continue;
        const auto [named, firstNamed] = subjectsOfTask.try_emplace(run.task, &run);
        if (!firstNamed && run.subjects != named->second->subjects)
            error.fail("task \"" + printableExcerpt(run.task) + "\" has other subjects than on line " +
                       std::to_string(named->second->line));
    }
    for (auto& run : result.runs)
        if (run.subjects.empty() && subjectsOfTask.count(run.task))
            run.subjects = subjectsOfTask.at(run.task)->subjects;
    return result;
}

std::string runsJsonlLine(const RunRecord& record)
{
    json object = {
        {"model", record.model},
        {"task", record.task},
        {"config", json::parse(record.configJson)},
        {"seed", record.seed},
    };
    if (!record.startedAt.empty())
        object["started_at"] = record.startedAt;
    if (record.accuracy) {
        object["accuracy"] = *record.accuracy;
        if (record.nItems > 0)
            object["n_items"] = record.nItems;
    } else {
        object["correct"] = record.correct;
    }
    if (!record.subjects.empty())
        object["subjects"] = record.subjects;
    if (!record.predicted.empty())
        object["predicted"] = record.predicted;
    if (!record.pTrue.empty())
        object["p_true"] = record.pTrue;
    if (!record.nShots.empty())
        object["n_shots"] = record.nShots;
    if (!record.promptHash.empty())
        object["prompt_hash"] = record.promptHash;
    if (!record.uid.empty())
        object["uid"] = record.uid;
    if (!record.label.empty())
        object["label"] = record.label;
    if (record.durationSeconds > 0)
        object["duration_s"] = record.durationSeconds;
    if (!record.modelSha256.empty())
        object["model_sha256"] = record.modelSha256;
    if (!record.taskSha256.empty())
        object["task_sha256"] = record.taskSha256;
    if (!record.environmentJson.empty())
        object["environment"] = json::parse(record.environmentJson);
    return object.dump();
}

} // namespace nf::formats
