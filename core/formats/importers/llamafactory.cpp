#include "formats/importers/llamafactory.h"

#include "common/error.h"
#include "common/sha256.h"
#include "common/text.h"
#include "common/utc_time.h"
#include "formats/json_input.h"
#include "formats/mcq.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

namespace nf::formats {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// LLaMA-Factory prints each score with two decimals; its Average is over the same predictions.
constexpr double kAverageTolerancePoints = 0.01;

std::string readWhole(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path.string() + ": cannot be read");
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (in.bad())
        throw InputError(path.string() + ": cannot be read");
    return bytes.str();
}

// The file's modification time, ISO-8601 UTC: LLaMA-Factory writes results.json when the
// evaluation ends and records no time of its own.
std::string modifiedAt(const fs::path& path)
{
    std::error_code error;
    const auto written = fs::last_write_time(path, error);
    if (error)
        return {}; // the time of the import
    const auto system = std::chrono::file_clock::to_sys(written);
    return isoUtc(std::chrono::system_clock::to_time_t(
        std::chrono::time_point_cast<std::chrono::system_clock::duration>(system)));
}

struct Prediction
{
    int64_t row = 0;
    std::string letter;
};

// results.json: {subject: {"row": "letter", ...}, ...}, subjects in the file's order.
std::vector<std::pair<std::string, std::vector<Prediction>>> readPredictions(const fs::path& path,
                                                                             const std::string& bytes)
{
    const std::string_view text = withoutByteOrderMark(bytes);
    JsonSource source{path.string()};
    source.invalid = "invalid JSON";
    const json document = parseJsonInput(text, source);
    if (!document.is_object() || document.empty())
        throw InputError(path.string() + ": expected an object of subjects, each mapping row indices to "
                                         "predicted letters ({\"abstract_algebra\": {\"0\": \"B\", ...}})");
    std::vector<std::pair<std::string, std::vector<Prediction>>> subjects;
    for (const auto& [subject, rows] : document.items()) {
        if (!rows.is_object())
            throw InputError(path.string() + ": \"" + printableExcerpt(subject) +
                             "\" must map row indices to letters");
        std::vector<Prediction> predictions;
        predictions.reserve(rows.size());
        for (const auto& [row, letter] : rows.items()) {
            const std::string where = path.string() + ": \"" + printableExcerpt(subject) + "\" row \"" +
                                      printableExcerpt(row) + "\"";
            if (row.empty() || row.size() > 9 || row.find_first_not_of("0123456789") != std::string::npos)
                throw InputError(where + ": a row index must be a non-negative integer");
            if (!letter.is_string())
                throw InputError(where + ": the prediction must be a letter string such as \"B\"");
            predictions.push_back({std::stoll(row), letter.get<std::string>()});
        }
        subjects.emplace_back(subject, std::move(predictions));
    }
    return subjects;
}

std::string scoresNote(const LlamaFactoryScores& scores)
{
    std::string note = "results.log:";
    char value[32];
    if (scores.average) {
        std::snprintf(value, sizeof value, "%.2f", *scores.average);
        note += std::string(" Average ") + value;
    }
    for (const auto& [name, score] : scores.categories) {
        std::snprintf(value, sizeof value, "%.2f", score);
        note += ", " + name + " " + value;
    }
    return note;
}

// results.json records no model, seed or time, so two greedy repeats of one evaluation are the
// same bytes: the save_dir (and a --seed given) tell them apart. The same save_dir imported again
// is the same run.
std::string runUid(const fs::path& dir, const LlamaFactoryOptions& options, const std::string& sha256,
                   const std::string& scoredWith)
{
    return importedRunUid({"llamafactory", dir.string(), options.seed ? std::to_string(*options.seed) : "",
                           sha256, scoredWith});
}

} // namespace

LlamaFactoryScores readLlamaFactoryLog(const fs::path& path)
{
    std::ifstream in(path);
    if (!in)
        throw InputError(path.string() + ": cannot be read");
    LlamaFactoryScores scores;
    std::string line;
    int64_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string text = trimmed(number == 1 ? withoutByteOrderMark(line) : line);
        if (text.empty())
            continue;
        const size_t colon = text.rfind(':');
        const std::string where = path.string() + ":" + std::to_string(number);
        if (colon == std::string::npos || colon == 0)
            throw InputError(where + ": expected \"NAME: SCORE\" (LLaMA-Factory's \"        Average: 70.28\")");
        const std::string name = trimmed(text.substr(0, colon));
        const std::string number_text = trimmed(text.substr(colon + 1));
        char* end = nullptr;
        const double score = std::strtod(number_text.c_str(), &end);
        if (number_text.empty() || end != number_text.c_str() + number_text.size() || !std::isfinite(score) ||
            score < 0 || score > 100)
            throw InputError(where + ": \"" + printableExcerpt(number_text) +
                             "\" is not a score between 0 and 100");
        if (name == "Average")
            scores.average = score;
        else
            scores.categories.emplace_back(name, score);
    }
    if (!scores.average)
        throw InputError(path.string() + ": no \"Average: SCORE\" line");
    return scores;
}

bool looksLikeLlamaFactory(const fs::path& path)
{
    std::error_code error;
    if (fs::is_directory(path, error))
        return looksLikeLlamaFactory(path / "results.json") || looksLikeLlamaFactory(path / "results.log");
    if (!fs::is_regular_file(path, error))
        return false;
    const std::string bytes = fileHead(path, 64 * 1024);
    const std::string head(withoutByteOrderMark(bytes));
    // LLaMA-Factory's score lines, "        Average: 70.28" first.
    if (path.filename() == "results.log")
        return head.find("Average:") != std::string::npos;
    if (path.filename() != "results.json")
        return false;
    // {"subject": {"0": "B" ...: an object of objects whose keys are row numbers.
    size_t at = head.find_first_not_of(" \t\r\n");
    if (at == std::string::npos || head[at] != '{')
        return false;
    at = head.find(':', at);
    if (at == std::string::npos)
        return false;
    at = head.find_first_not_of(" \t\r\n", at + 1);
    if (at == std::string::npos || head[at] != '{')
        return false;
    at = head.find_first_not_of(" \t\r\n", at + 1);
    return at != std::string::npos && head.compare(at, 1, "\"") == 0 && at + 1 < head.size() &&
           std::isdigit(static_cast<unsigned char>(head[at + 1]));
}

ImportBatch readLlamaFactory(const fs::path& saveDirOrFile, const LlamaFactoryOptions& options)
{
    std::error_code error;
    const fs::path given = fs::absolute(saveDirOrFile, error).lexically_normal();
    const fs::path dir = fs::is_directory(given, error) ? given : given.parent_path();
    const fs::path resultsJson = dir / "results.json";
    const fs::path resultsLog = dir / "results.log";
    const bool haveJson = fs::is_regular_file(resultsJson, error);
    const bool haveLog = fs::is_regular_file(resultsLog, error);
    if (!haveJson && !haveLog)
        throw InputError(dir.string() + ": no results.json or results.log (LLaMA-Factory's save_dir)");
    if (options.data && !haveJson)
        throw InputError(dir.string() + ": scoring against a data folder needs results.json, which is missing");

    ImportBatch batch;
    batch.source.format = "llamafactory";
    std::optional<LlamaFactoryScores> scores;
    if (haveLog)
        scores = readLlamaFactoryLog(resultsLog);

    ImportedRun run;
    std::string folderName = dir.filename().string();
    run.modelLabel = options.modelLabel.empty() ? folderName : options.modelLabel;
    run.modelSha256 = importedModelSha256(run.modelLabel);
    run.seed = options.seed.value_or(0);
    run.seedKnown = options.seed.has_value();
    run.paramsJson = json{{"harness", "llamafactory"}}.dump();
    if (scores)
        run.notes = scoresNote(*scores);

    std::vector<std::pair<std::string, std::vector<Prediction>>> predictions;
    if (haveJson) {
        const std::string bytes = readWhole(resultsJson);
        batch.source.path = resultsJson.string();
        batch.source.sha256 = sha256Hex(bytes);
        predictions = readPredictions(resultsJson, bytes);
        run.where = resultsJson.string();
        run.startedAt = modifiedAt(resultsJson);
        if (haveLog)
            batch.source.otherFiles.push_back({resultsLog.string(), sha256File(resultsLog)});
    } else {
        batch.source.path = resultsLog.string();
        batch.source.sha256 = sha256File(resultsLog);
        run.where = resultsLog.string();
        run.startedAt = modifiedAt(resultsLog);
    }

    if (options.data) {
        const McqTask& data = *options.data;
        batch.source.otherFiles.push_back({"data:" + data.spec, data.sha256});
        std::map<std::string, const McqSubject*> subjectsByKey;
        for (const McqSubject& subject : data.subjects)
            subjectsByKey.emplace(subject.key, &subject);
        // Per item of the data: the letter index answered, -1 where results.json has no row.
        std::vector<int32_t> answered(static_cast<size_t>(data.n()), -1);
        size_t subjectsCovered = 0;
        for (const auto& [key, rows] : predictions) {
            const auto found = subjectsByKey.find(key);
            if (found == subjectsByKey.end())
                throw InputError(resultsJson.string() + ": subject \"" + printableExcerpt(key) +
                                 "\" is not in " + data.spec + " (" + std::to_string(data.subjects.size()) +
                                 " subjects): is this the data folder and split the run used?");
            const McqSubject& subject = *found->second;
            ++subjectsCovered;
            for (const Prediction& prediction : rows) {
                const std::string where = resultsJson.string() + ": \"" + printableExcerpt(key) +
                                          "\" row \"" + std::to_string(prediction.row) + "\"";
                if (prediction.row >= subject.count)
                    throw InputError(where + ": " + data.spec + " has " + std::to_string(subject.count) +
                                     " " + data.split + " rows for " + printableExcerpt(key) + " (0 to " +
                                     std::to_string(subject.count - 1) +
                                     "): is this the data folder and split the run used?");
                const int64_t index = subject.firstItem + prediction.row;
                const McqItem& item = data.items[static_cast<size_t>(index)];
                const int choices = static_cast<int>(item.choices.size());
                if (prediction.letter.size() != 1 || prediction.letter[0] < 'A' ||
                    prediction.letter[0] >= 'A' + choices)
                    throw InputError(where + ": \"" + printableExcerpt(prediction.letter) +
                                     "\" is not one of the item's letters A to " +
                                     std::string(1, choiceLetter(choices - 1)));
                if (answered[static_cast<size_t>(index)] >= 0)
                    throw InputError(where + ": the row appears twice");
                answered[static_cast<size_t>(index)] = prediction.letter[0] - 'A';
            }
        }
        // Items in index order, as the engine stores them.
        for (size_t index = 0; index < answered.size(); ++index) {
            if (answered[index] < 0)
                continue;
            run.idx.push_back(static_cast<int64_t>(index));
            run.predicted.push_back(answered[index]);
            run.correct.push_back(answered[index] == data.items[index].answer ? 1 : 0);
        }
        if (run.idx.empty())
            throw InputError(resultsJson.string() + ": no predictions");
        run.task = taskOfBenchmark(data);
        const double correct = static_cast<double>(std::count(run.correct.begin(), run.correct.end(), 1));
        const double accuracy = 100.0 * correct / static_cast<double>(run.correct.size());
        if (scores && std::fabs(accuracy - *scores->average) > kAverageTolerancePoints) {
            char text[200];
            std::snprintf(text, sizeof text, ": Average is %.2f, but scoring results.json against %s gives %.2f",
                          *scores->average, data.spec.c_str(), accuracy);
            throw InputError(resultsLog.string() + text + ": is this the data folder and split the run used?");
        }
        if (subjectsCovered < data.subjects.size())
            batch.notes.push_back("results.json covers " + std::to_string(subjectsCovered) + " of the " +
                                  std::to_string(data.subjects.size()) + " subjects in " + data.spec);
        run.uid = runUid(dir, options, batch.source.sha256, data.sha256);
    } else {
        if (!scores)
            throw InputError(dir.string() + ": results.log is missing: without it (or a data folder to score "
                                            "results.json against: --data DIR, or Data folder in the app) there is no score to import");
        // Without the answers, the run is its Average; results.json still tells which items it
        // answered, so runs of the same item set share a task.
        auto task = std::make_shared<ImportedTask>();
        task->kind = "imported";
        std::string identity = "llamafactory scores\n";
        int64_t answered = 0;
        std::map<std::string, size_t> rowsBySubject; // sorted: the task does not depend on file order
        for (const auto& [key, rows] : predictions) {
            rowsBySubject[key] = rows.size();
            answered += static_cast<int64_t>(rows.size());
        }
        for (const auto& [key, rows] : rowsBySubject)
            identity += key + ":" + std::to_string(rows) + "\n";
        task->sha256 = sha256Hex(identity);
        task->label = haveJson ? "llamafactory, " + std::to_string(rowsBySubject.size()) + " subjects, " +
                                     std::to_string(answered) + " items (scores only)"
                               : "llamafactory (scores only)";
        run.task = task;
        run.runLevelAccuracy = *scores->average / 100.0;
        run.runLevelItems = answered;
        run.uid = runUid(dir, options, batch.source.sha256, "scores only");
        batch.notes.push_back(
            "run-level only: without the data folder (--data DIR; Data folder in the app) results.json cannot be scored, so the run "
            "is its results.log Average; per-item statistics and paired tests need the data folder");
        if (!haveJson)
            batch.notes.push_back("results.log alone does not say which benchmark was evaluated: "
                                  "--param benchmark=NAME (in the CLI) keeps scores of different benchmarks in different groups");
    }
    if (options.modelLabel.empty())
        batch.notes.push_back("model named \"" + run.modelLabel + "\" after the save_dir folder (--model NAME, or Model name in the app, names it)");
    batch.runs.push_back(std::move(run));
    return batch;
}

} // namespace nf::formats
