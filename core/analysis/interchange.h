#pragma once

// Runs in and out of the store in noisefloor's interchange format (formats/runs_jsonl.h).

#include "formats/runs_jsonl.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nf::store {
class Store;
}

namespace nf::analysis {

struct ImportResult
{
    int imported = 0;
    int skipped = 0; // already in the database (same uid)
    std::vector<int64_t> groups;
};

// Stores every run of the file in one transaction: all or nothing. Runs with equal model, task
// and config form one group. A run without a uid gets one derived from its content, so importing
// the same file twice adds nothing the second time.
ImportResult importRuns(store::Store& store, const formats::RunsFile& file,
                        const std::string& format = "jsonl");

// Every completed run (of the given groups, or all), one record at a time, in run order.
void exportRuns(const store::Store& store, const std::vector<int64_t>& groups,
                const std::function<void(const formats::RunRecord&)>& emit);

} // namespace nf::analysis
