#pragma once

// Runs in and out of the store in noisefloor's interchange format (formats/runs_jsonl.h).

#include "workspace/import.h"
#include "formats/runs_jsonl.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nf::store {
class Store;
}

namespace nf::workspace {

// Stores every run of the file in one transaction (applyImport of its batch): all or nothing.
ImportResult importRuns(store::Store& store, const formats::RunsFile& file);

// Every completed run (of the given groups, or all), one record at a time, in run order.
void exportRuns(const store::Store& store, const std::vector<int64_t>& groups,
                const std::function<void(const formats::RunRecord&)>& emit);

} // namespace nf::workspace
