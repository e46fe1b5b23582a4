#pragma once

// LLaMA-Factory's evaluator output (`llamafactory-cli eval ... --save_dir DIR`): DIR/results.json
// maps each subject to {test-row index as a string: predicted letter}; DIR/results.log holds the
// scores it printed ("        Average: 70.28", then one line per category).

#include "formats/importers/imported_run.h"

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nf::formats {

struct McqTask;

// results.log: the Average line and the category lines, in file order.
struct LlamaFactoryScores
{
    std::optional<double> average; // percent, as printed
    std::vector<std::pair<std::string, double>> categories;
};
LlamaFactoryScores readLlamaFactoryLog(const std::filesystem::path& path);

struct LlamaFactoryOptions
{
    // The data the run was scored on (the benchmark folder, split as evaluated). Null: only
    // results.log's Average is imported, as a run-level run.
    const McqTask* data = nullptr;
    std::string modelLabel; // "" = the save_dir folder's name
    std::optional<int64_t> seed;
};

// True for a folder holding results.json or results.log, or a file named results.json whose
// content maps subjects to row indices (read only its first 64 KiB).
bool looksLikeLlamaFactory(const std::filesystem::path& path);

// Reads DIR (or DIR/results.json given directly) into one run. With data: every prediction is
// scored against it (item index = the subject's first item + row), and when results.log is there
// the run's accuracy must equal its Average to 0.01 points (else the data folder or split is not
// the one the run used). Throws InputError naming the file and key for invalid JSON, a subject
// or row index the data does not have, a letter outside the item's choices.
ImportBatch readLlamaFactory(const std::filesystem::path& saveDirOrFile, const LlamaFactoryOptions& options);

} // namespace nf::formats
