#pragma once

// lm-eval's samples_<task>_<date>.jsonl, read as a stream: one line per (document, filter), each
// holding the prompts once per choice ("arguments") and the raw responses ("resps"). Only the
// few small fields the importer needs are parsed; the bulky ones are stepped over unparsed.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace nf::formats::lmeval {

struct SampleLine
{
    int64_t line = 0; // 1-based
    int64_t docId = -1;
    bool hasDocId = false;
    std::string filter; // "" when the line names none (lm-eval before 0.4)
    std::string target; // a string target as is, any other JSON value as its text ("3")
    bool hasMetric = false;
    std::optional<double> metric; // the metric's value when it is a number (true/false as 1/0)
    std::string metricText;       // its JSON text, for messages
    int predicted = -1;           // argmax of the filtered log-likelihoods (multiple choice), else -1
};

// Reads `path` once, hashing its bytes as they pass, and calls onLine for each non-empty line
// with the value of `metric` in it. Returns the file's sha256. Throws InputError "file:line: ..."
// for a line that is not one JSON object (truncated, unbalanced, invalid where it is parsed).
// The skipped values ("doc", "arguments", "resps", ...) are only checked for balanced brackets
// and terminated strings: that is what keeps a 100 MB file to a fraction of a second.
std::string readSamples(const std::filesystem::path& path, const std::string& metric,
                        const std::function<void(const SampleLine&)>& onLine);

} // namespace nf::formats::lmeval
