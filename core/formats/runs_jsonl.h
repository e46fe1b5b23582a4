#pragma once

// noisefloor's own interchange format for runs: one JSON object per line per run, so that runs
// from anywhere (other harnesses, scripts, exact test data) can be analysed. docs/formats.md
// describes it; `noisefloor-cli export --format jsonl` writes it.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nf::formats {

struct RunRecord
{
    int64_t line = 0; // 1-based line in the file, for messages
    std::string model;
    std::string task;
    std::string configJson; // the "config" object, compact with sorted keys
    int64_t seed = 0;
    std::string startedAt; // ISO-8601; empty when absent
    std::vector<uint8_t> correct;      // empty for a run-level run
    // A run known only by its score (another tool's summary): "accuracy" instead of "correct".
    std::optional<double> accuracy;
    int64_t nItems = 0; // how many items the score is over, when known
    std::vector<std::string> subjects; // empty, or one per item
    std::vector<int32_t> predicted;    // empty, or one per item
    std::vector<double> pTrue;         // empty, or one per item
    // Language-model runs: few-shot examples kept and the prompt's token hash, per item (or empty).
    std::vector<int32_t> nShots;
    std::vector<int64_t> promptHash;
    std::string uid;                   // empty when absent
    std::string environmentJson;       // empty when absent
    std::string modelSha256;           // optional identity beyond the name (written by export)
    std::string taskSha256;
    std::string label;
    double durationSeconds = 0;
};

struct RunsFile
{
    std::string path; // as given, for messages
    std::vector<RunRecord> runs;
    std::vector<std::string> warnings;
};

// Parses a whole file. Every malformed line is an nf::InputError naming the file and the line
// ("runs.jsonl:7: "correct" must be an array of 0/1 (or true/false), item 12 is 2"); runs of one
// task must all have the same number of items and the same subjects. Blank lines are skipped.
RunsFile readRunsJsonl(const std::filesystem::path& path);

// One line of the format (no trailing newline).
std::string runsJsonlLine(const RunRecord& record);

} // namespace nf::formats
