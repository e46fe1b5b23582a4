#pragma once

// An lm-eval results file read as benchmarks: its task tree ("group_subtasks", or the groups
// older files name in each task's config) cut into top-level groups and ungrouped tasks, with
// the scores and counts the importer checks the samples against.

#include "common/error.h"
#include "formats/importers/lm_eval.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace nf::formats {
struct McqSubject;
}

namespace nf::formats::lmeval {

namespace fs = std::filesystem;
using nlohmann::json;

// object[key], or null when the object is not one or has no such key.
const json& member(const json& object, const std::string& key);

std::string joined(const std::set<std::string>& names); // "a, b, c"

// The results file, parsed whole (it is small: scores and configs), and its identity.
struct ResultsFile
{
    fs::path path;
    std::string sha256;
    json root;

    std::string name() const { return path.filename().string(); }
    const json& results() const { return root.at("results"); }
    [[noreturn]] void fail(const std::string& key, const std::string& what) const
    {
        throw InputError(path.string() + ": " + key + ": " + what);
    }
};

// One subtask of a benchmark (or the benchmark itself when it is a task in no group).
struct Leaf
{
    std::string task;
    std::string subject;
    int64_t original = -1;  // n-samples: documents in the split
    int64_t effective = -1; // documents evaluated (after --limit)
    double reported = 0;    // results[task][metric,filter]
    fs::path samples;
    const McqSubject* dataSubject = nullptr;
    std::vector<uint8_t> correct; // by doc_id, from the samples
    std::vector<int32_t> predicted;

    int64_t count() const
    {
        return samples.empty() ? std::max<int64_t>(effective, 0) : static_cast<int64_t>(correct.size());
    }
};

// What becomes one imported run.
struct Benchmark
{
    std::string name;
    bool group = false;
    std::vector<Leaf> leaves; // sorted by subject
    std::string filter;
    bool usesData = false;
};

// Reads and parses the file; InputError "file:line: not valid JSON (...)" or naming what is missing.
ResultsFile readResultsFile(const fs::path& path);

// Top-level groups with their leaf tasks, and the tasks in no group, each one benchmark, sorted
// by name; a leaf's subject is its name without the group's "<group>_" prefix.
std::vector<Benchmark> benchmarks(const ResultsFile& file);

// task -> samples_<task>_<date>.jsonl beside the results file, <date> being the results file's
// suffix; InputError for a samples file whose task the results file does not have.
std::map<std::string, fs::path> samplesFiles(const ResultsFile& file);

// Metric names ("acc") the file reports anywhere, for the message when the asked one is absent.
std::set<std::string> metricsPresent(const ResultsFile& file);

// Chooses the benchmark's filter (the asked one, else the only one its tasks report the metric
// under) and checks that every leaf reports metric,filter; false when no leaf reports the
// metric at all (the benchmark is left out).
bool chooseFilter(Benchmark& benchmark, const ResultsFile& file, const LmEvalOptions& options);

// A group joins subtasks of one kind: the same number of shots and the same output type.
void checkSameKind(const Benchmark& benchmark, const ResultsFile& file);

// Fills each leaf's counts (n-samples, else sample_len) and its reported score results[task][metricKey].
void readCounts(Benchmark& benchmark, const ResultsFile& file, const std::string& metricKey);

} // namespace nf::formats::lmeval
