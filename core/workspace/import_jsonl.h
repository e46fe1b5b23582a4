#pragma once

// noisefloor's own JSONL (formats/runs_jsonl.h) as an import batch, and the changes an import's
// options make to every batch. Private to the import code (workspace/import*.cpp, interchange.cpp).

#include "formats/importers/imported_run.h"
#include "formats/runs_jsonl.h"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace nf::workspace {

// The runs of a parsed file, identities as the JSONL importer has always given them: a model or
// task without a sha256 is known by its name (and item count and subjects), a run without a uid
// by its content and its position among equal runs.
formats::ImportBatch jsonlBatch(const formats::RunsFile& file, const std::string& sha256);
// Reads and checks the file first (InputError with file:line).
formats::ImportBatch jsonlBatch(const std::filesystem::path& path);

// Adds KEY=VALUE pairs (`import --param`) to every run's params: values that parse as JSON
// numbers, booleans or null are stored as such, anything else as a string.
void addParams(formats::ImportBatch& batch, const std::vector<std::pair<std::string, std::string>>& params);

} // namespace nf::workspace
