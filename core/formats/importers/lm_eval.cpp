#include "formats/importers/lm_eval.h"

#include "common/error.h"
#include "common/sha256.h"
#include "common/text.h"
#include "formats/importers/lm_eval_config.h"
#include "formats/importers/lm_eval_results.h"
#include "formats/importers/lm_eval_samples.h"
#include "formats/json_input.h"
#include "formats/mcq.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

namespace nf::formats {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace lmeval;

// The per-subtask mean of the samples must reproduce the reported score this closely: lm-eval
// writes full doubles, so only a different run (or a different filter) misses it.
constexpr double kMeanTolerance = 1e-6;

// With the data folder: its subjects are the run's, its counts the split's.
void matchData(Benchmark& benchmark, const ResultsFile& file, const McqTask& data, bool limited)
{
    std::map<std::string, const McqSubject*> subjects;
    for (const McqSubject& subject : data.subjects)
        subjects.emplace(subject.key, &subject);
    for (Leaf& leaf : benchmark.leaves) {
        const auto found = subjects.find(leaf.subject);
        if (found == subjects.end())
            file.fail("results." + printableExcerpt(leaf.task), "subject " + printableExcerpt(leaf.subject) +
                                                                    " is not in the data folder " +
                                                                    data.path);
        leaf.dataSubject = found->second;
        const int64_t count = found->second->count;
        const bool originalDiffers = leaf.original >= 0 && leaf.original != count;
        const bool effectiveDiffers =
            leaf.effective > count || (!limited && leaf.effective >= 0 && leaf.effective != count);
        if (originalDiffers || effectiveDiffers)
            file.fail("n-samples." + printableExcerpt(leaf.task),
                      std::to_string(originalDiffers ? leaf.original : leaf.effective) +
                          " documents, but subject " + printableExcerpt(leaf.subject) +
                          " in the data folder " + data.path + " has " + std::to_string(count));
        subjects.erase(found);
    }
    if (!subjects.empty())
        file.fail("results", printableExcerpt(benchmark.name) + " has no subtask for subject " +
                                 printableExcerpt(subjects.begin()->first) + " of the data folder " +
                                 data.path);
}

// "3", "D" or the choice's text, as the index of a choice.
std::optional<int> targetIndex(const std::string& target, const McqItem& item)
{
    const int choices = static_cast<int>(item.choices.size());
    if (!target.empty() && target.size() <= 2 &&
        target.find_first_not_of("0123456789") == std::string::npos) {
        const int index = std::stoi(target);
        return index < choices ? std::optional<int>(index) : std::nullopt;
    }
    if (target.size() == 1 && target[0] >= 'A' && target[0] < 'A' + choices)
        return target[0] - 'A';
    for (int i = 0; i < choices; ++i) {
        if (item.choices[static_cast<size_t>(i)] == target)
            return i;
    }
    return std::nullopt;
}

// One document's result, as its samples line gives it.
struct Entry
{
    int64_t docId = 0;
    int64_t line = 0;
    uint8_t correct = 0;
    int32_t predicted = -1;
};

// Checks that the documents are 0..n-1, each once: sorting by doc_id finds duplicates and gaps
// in one pass (lm-eval writes in doc_id order, so the sort has little to do), and a doc_id far
// out of range in a file without counts costs nothing.
void checkDocIds(std::vector<Entry>& entries, int64_t expected, const std::string& where,
                 const std::string& filter)
{
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.docId < b.docId; });
    if (entries.empty())
        throw InputError(where + ": no line for filter " + printableExcerpt(filter));
    const int64_t count = expected >= 0 ? expected : entries.back().docId + 1;
    auto missing = [&](size_t docId) {
        return InputError(where + ": doc_id " + std::to_string(docId) + " is missing for filter " +
                          printableExcerpt(filter) + " (" + std::to_string(count) + " documents expected)");
    };
    for (size_t k = 0; k < entries.size(); ++k) {
        if (k > 0 && entries[k].docId == entries[k - 1].docId)
            throw InputError(where + ":" + std::to_string(entries[k].line) + ": doc_id " +
                             std::to_string(entries[k].docId) + " appears twice for filter " +
                             printableExcerpt(filter) + " (also on line " +
                             std::to_string(entries[k - 1].line) + ")");
        if (entries[k].docId != static_cast<int64_t>(k))
            throw missing(k);
    }
    if (static_cast<int64_t>(entries.size()) < count)
        throw missing(entries.size());
}

void readLeafSamples(Leaf& leaf, const Benchmark& benchmark, const ResultsFile& file,
                     const LmEvalOptions& options, bool limited, ImportSource& source)
{
    const std::string where = leaf.samples.string();
    // Files without n-samples (before lm-eval 0.4.2) say how many documents there are only
    // through the samples themselves: then they must be 0..n-1, within the data's subject.
    const int64_t bound = leaf.effective >= 0 ? leaf.effective
                          : leaf.dataSubject  ? leaf.dataSubject->count
                                              : -1;
    std::vector<Entry> entries;
    // A count is only a hint for the reservation: a damaged n-samples must not allocate for it.
    entries.reserve(static_cast<size_t>(std::clamp<int64_t>(bound, 0, int64_t{1} << 20)));
    const bool argmaxIsAnswer = options.metric == "acc";
    const std::string sha =
        lmeval::readSamples(leaf.samples, options.metric, [&](const lmeval::SampleLine& sample) {
            auto fail = [&](const std::string& what) {
                throw InputError(where + ":" + std::to_string(sample.line) + ": " + what);
            };
            if (!sample.filter.empty() && sample.filter != benchmark.filter)
                return;
            if (!sample.hasDocId)
                fail("no \"doc_id\"");
            if (sample.docId < 0 || (bound >= 0 && sample.docId >= bound))
                fail(
                    "doc_id " + std::to_string(sample.docId) + " is outside 0.." + std::to_string(bound - 1) +
                    (leaf.effective >= 0
                         ? " (n-samples." + printableExcerpt(leaf.task) + ".effective in " + file.name() + ")"
                         : " (subject " + printableExcerpt(leaf.subject) + " of the data folder)"));
            if (!sample.hasMetric)
                fail("no \"" + options.metric + "\" value");
            if (!sample.metric || (*sample.metric != 0.0 && *sample.metric != 1.0))
                fail(options.metric + " is " + printableExcerpt(sample.metricText) +
                     ": only 0 or 1 can be imported as an item's result");
            if (leaf.dataSubject) {
                const McqSubject& subject = *leaf.dataSubject;
                const McqItem& item =
                    options.data->items[static_cast<size_t>(subject.firstItem + sample.docId)];
                const auto index = targetIndex(sample.target, item);
                if (!index)
                    fail("target \"" + printableExcerpt(sample.target) + "\" is not a choice of " +
                         item.file + ":" + std::to_string(item.line));
                if (*index != item.answer)
                    fail(std::string("target ") + choiceLetter(*index) + ", but " + item.file + ":" +
                         std::to_string(item.line) + " answers " + choiceLetter(item.answer) +
                         ": the data folder is not the one this run used");
            }
            entries.push_back({sample.docId, sample.line, static_cast<uint8_t>(*sample.metric == 1.0),
                               argmaxIsAnswer ? sample.predicted : -1});
        });
    source.otherFiles.push_back({fs::absolute(leaf.samples).lexically_normal().string(), sha});

    checkDocIds(entries, leaf.effective, where, benchmark.filter);
    if (leaf.effective < 0 && leaf.dataSubject && !limited && static_cast<int64_t>(entries.size()) != bound)
        throw InputError(where + ": " + std::to_string(entries.size()) + " documents, but subject " +
                         printableExcerpt(leaf.subject) + " in the data folder " + options.data->path +
                         " has " + std::to_string(bound));
    leaf.correct.resize(entries.size());
    leaf.predicted.resize(entries.size());
    for (size_t k = 0; k < entries.size(); ++k) {
        leaf.correct[k] = entries[k].correct;
        leaf.predicted[k] = entries[k].predicted;
    }
    const double mean = static_cast<double>(std::count(leaf.correct.begin(), leaf.correct.end(), 1)) /
                        static_cast<double>(leaf.correct.size());
    if (std::abs(mean - leaf.reported) > kMeanTolerance)
        throw InputError(where + ": the mean " + options.metric + " of its " +
                         std::to_string(leaf.correct.size()) + " documents is " + std::to_string(mean) +
                         ", but " + file.name() + " reports " + std::to_string(leaf.reported) + " for " +
                         printableExcerpt(leaf.task) + ": the samples do not belong to these results");
}

// Without the data folder a benchmark is identified by its subtasks and their sizes, so that
// repeated lm-eval runs of it share one task and pair item by item.
std::shared_ptr<const ImportedTask> taskOfSubtasks(const Benchmark& benchmark)
{
    auto task = std::make_shared<ImportedTask>();
    task->kind = "imported";
    std::string identity = "lm-eval task\n" + benchmark.name + "\n";
    for (const Leaf& leaf : benchmark.leaves) {
        identity += leaf.task + "\t" + std::to_string(leaf.count()) + "\n";
        task->subjects.insert(task->subjects.end(), static_cast<size_t>(leaf.count()), leaf.subject);
    }
    task->sha256 = sha256Hex(identity);
    task->nItems = static_cast<int64_t>(task->subjects.size());
    task->label = benchmark.name + " (lm-eval" +
                  (benchmark.group ? ", " + std::to_string(benchmark.leaves.size()) + " subjects)" : ")");
    return task;
}

json taskVersions(const Benchmark& benchmark, const ResultsFile& file)
{
    const json& versions = member(file.root, "versions");
    json byTask = json::object();
    std::set<std::string> distinct;
    for (const Leaf& leaf : benchmark.leaves) {
        byTask[leaf.task] = member(versions, leaf.task);
        distinct.insert(byTask[leaf.task].dump());
    }
    return distinct.size() == 1 ? byTask.begin().value() : byTask;
}

ImportedRun makeRun(const Benchmark& benchmark, const ResultsFile& file, const LmEvalOptions& options,
                    const json& shared, const std::shared_ptr<const ImportedTask>& dataTask)
{
    ImportedRun run;
    const Leaf& first = benchmark.leaves.front();
    run.where = file.name() + ": " + benchmark.name;
    run.uid = importedRunUid({"lm-eval", file.sha256, benchmark.name, options.metric, benchmark.filter});
    run.modelLabel = lmeval::modelLabel(file.root, options.modelLabel);
    run.modelSha256 = importedModelSha256(run.modelLabel, lmeval::modelRevision(file.root));
    run.task = benchmark.usesData ? dataTask : taskOfSubtasks(benchmark);

    json params = shared;
    const json& shots = member(member(file.root, "n-shot"), first.task);
    params["n_shot"] =
        shots.is_null() ? member(member(member(file.root, "configs"), first.task), "num_fewshot") : shots;
    params["metric"] = options.metric;
    params["filter"] = benchmark.filter;
    const json version = taskVersions(benchmark, file);
    if (!version.is_null())
        params["task_version"] = version;
    const json& groupVersion = member(member(file.root, "versions"), benchmark.name);
    if (benchmark.group && !groupVersion.is_null() && groupVersion != json("N/A"))
        params["group_version"] = groupVersion;
    run.paramsJson = params.dump();
    run.environmentJson = lmeval::environmentJson(file.root);
    const auto seeds = lmeval::seeds(file.root);
    run.seed = seeds.seed;
    run.seedKnown = seeds.known;
    run.notes = seeds.note;
    run.startedAt = lmeval::startedAt(file.root);
    run.durationSeconds = lmeval::durationSeconds(file.root);

    const bool hasSamples = !first.samples.empty();
    int64_t offset = 0;
    double weightedSum = 0;
    int64_t total = 0;
    for (const Leaf& leaf : benchmark.leaves) {
        const int64_t base = leaf.dataSubject ? leaf.dataSubject->firstItem : offset;
        for (size_t doc = 0; hasSamples && doc < leaf.correct.size(); ++doc) {
            run.idx.push_back(base + static_cast<int64_t>(doc));
            run.correct.push_back(leaf.correct[doc]);
            run.predicted.push_back(leaf.predicted[doc]);
        }
        offset += leaf.count();
        weightedSum += leaf.reported * static_cast<double>(std::max<int64_t>(leaf.effective, 1));
        total += std::max<int64_t>(leaf.effective, 0);
    }
    if (!hasSamples) {
        const std::string key = options.metric + "," + benchmark.filter;
        const json& reported = member(member(file.results(), benchmark.name), key);
        const json& olderGroups = member(member(file.root, "groups"), benchmark.name);
        int64_t weights = 0;
        for (const Leaf& leaf : benchmark.leaves)
            weights += std::max<int64_t>(leaf.effective, 1);
        if (reported.is_number())
            run.runLevelAccuracy = reported.get<double>();
        else if (member(olderGroups, key).is_number())
            run.runLevelAccuracy = olderGroups[key].get<double>();
        else
            run.runLevelAccuracy = weightedSum / static_cast<double>(weights);
        // A run-level run is stored as an accuracy: a score outside [0, 1] (a perplexity, a
        // percentage, a damaged file) would read as one.
        if (!(*run.runLevelAccuracy >= 0 && *run.runLevelAccuracy <= 1))
            file.fail(printableExcerpt(benchmark.name) + ": " + printableExcerpt(key),
                      std::to_string(*run.runLevelAccuracy) + " is not a fraction from 0 to 1");
        run.runLevelItems = total;
    }
    return run;
}

} // namespace

bool looksLikeLmEvalResults(const fs::path& path)
{
    const std::string head = fileHead(path, 64 * 1024);
    if (head.empty())
        return false;

    // Top-level keys of a possibly cut-off object: the sax parser reports them until the text ends.
    struct Keys final : JsonKeyScanner
    {
        bool scoreKey = false; // a "metric,filter" key inside "results"
        std::string topKey;
        void onKey(int depth, const std::string& name) override
        {
            if (depth == 1)
                topKey = name;
            else if (depth == 3 && topKey == "results" && name.find(',') != std::string::npos)
                scoreKey = true;
        }
    } keys;
    JsonFailure failure; // a head cut off mid-value ends the keys, it is not an error here
    saxParseJsonInput(withoutByteOrderMark(head), keys, failure, kMaxJsonDepth, /*strict=*/false);
    if (!keys.isObject() || !keys.topKeys().contains("results"))
        return false;
    for (const char* key : {"config", "configs", "group_subtasks", "n-shot", "versions"})
        if (keys.topKeys().contains(key))
            return true;
    return keys.scoreKey;
}

ImportBatch readLmEval(const fs::path& resultsFile, const LmEvalOptions& options)
{
    const ResultsFile file = readResultsFile(resultsFile);
    ImportBatch batch;
    batch.source.format = "lm-eval";
    batch.source.path = file.path.string();
    batch.source.sha256 = file.sha256;

    std::vector<Benchmark> found = benchmarks(file);
    const auto samples = samplesFiles(file);
    std::vector<Benchmark> chosen;
    for (Benchmark& benchmark : found) {
        if (chooseFilter(benchmark, file, options))
            chosen.push_back(std::move(benchmark));
        else
            batch.notes.push_back(benchmark.name + ": reports no " + options.metric + ", not imported");
    }
    if (chosen.empty()) {
        const auto present = metricsPresent(file);
        throw InputError(file.path.string() + ": no task reports " + options.metric +
                         (options.filter.empty() ? "" : "," + options.filter) + "; metrics present: " +
                         (present.empty() ? std::string("none") : printableExcerpt(joined(present))));
    }

    const bool limited = !member(member(file.root, "config"), "limit").is_null();
    std::shared_ptr<const ImportedTask> dataTask;
    if (options.data) {
        std::set<std::string> keys;
        for (const McqSubject& subject : options.data->subjects)
            keys.insert(subject.key);
        bool any = false;
        for (Benchmark& benchmark : chosen) {
            benchmark.usesData = chosen.size() == 1 ||
                                 std::any_of(benchmark.leaves.begin(), benchmark.leaves.end(),
                                             [&](const Leaf& leaf) { return keys.contains(leaf.subject); });
            any = any || benchmark.usesData;
            if (!benchmark.usesData)
                batch.notes.push_back(benchmark.name + ": no subject of the data folder " +
                                      options.data->path + ", imported with a task of its own");
        }
        if (!any)
            throw InputError(file.path.string() + ": no task has the subjects of the data folder " +
                             options.data->path);
        dataTask = taskOfBenchmark(*options.data);
    }

    const json shared = lmeval::sharedParams(file.root);
    bool anyRunLevel = false;
    for (Benchmark& benchmark : chosen) {
        checkSameKind(benchmark, file);
        readCounts(benchmark, file, options.metric + "," + benchmark.filter);
        if (benchmark.usesData)
            matchData(benchmark, file, *options.data, limited);
        const Leaf* withSamples = nullptr;
        const Leaf* withoutSamples = nullptr;
        for (Leaf& leaf : benchmark.leaves) {
            const auto path = samples.find(leaf.task);
            if (path != samples.end())
                leaf.samples = path->second;
            (leaf.samples.empty() ? withoutSamples : withSamples) = &leaf;
        }
        if (withSamples && withoutSamples)
            throw InputError(file.path.string() + ": " + printableExcerpt(benchmark.name) +
                             " has samples files for some subtasks but not for " +
                             printableExcerpt(withoutSamples->task) + " (samples_" +
                             printableExcerpt(withoutSamples->task) + "_<date>.jsonl)");
        for (Leaf& leaf : benchmark.leaves) {
            if (!leaf.samples.empty())
                readLeafSamples(leaf, benchmark, file, options, limited, batch.source);
        }
        anyRunLevel = anyRunLevel || !withSamples;
        batch.runs.push_back(makeRun(benchmark, file, options, shared, dataTask));
    }
    if (anyRunLevel)
        batch.notes.push_back(file.name() + ": no samples files for " +
                              (samples.empty() ? std::string("any task") : std::string("some tasks")) +
                              ", so those runs are run-level only (lm_eval --log_samples writes them)");
    return batch;
}

} // namespace nf::formats
